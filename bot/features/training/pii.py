"""Personal data in a message before it becomes training data: find it, mask it.

CPR numbers are masked where a message enters Rasa (``bot.core.privacy``); what the
office sees in the inbox is masked further: e-mail addresses, phone numbers and names
are replaced by ``[EMAIL]``, ``[TELEFON]`` and ``[NAVN]``. An example the trainer saves is
checked again and refused while it still holds any of them.

Names come from a named-entity recogniser (``Names``: text → spans; the Danish spaCy
pipeline in production, ``spacy_names``) and from how Danes introduce themselves
("jeg hedder Mette", "mit navn er Ole Hansen", "min søn Peter").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, List, Sequence, Tuple

from bot.core.privacy import CPR_PATTERN

Span = Tuple[int, int]
Names = Callable[[str], List[Span]]

CPR, EMAIL, PHONE, NAME = "cpr", "email", "telefon", "navn"
MASKS = {CPR: "[CPR]", EMAIL: "[EMAIL]", PHONE: "[TELEFON]", NAME: "[NAVN]"}
LABELS = {
    CPR: "et CPR-nummer",
    EMAIL: "en e-mailadresse",
    PHONE: "et telefonnummer",
    NAME: "et navn",
}

_EMAIL = re.compile(r"[^\s@<>,;:()\[\]\"']+@[^\s@<>,;:()\[\]\"']+\.[A-Za-z]{2,}")
# Eight digits (in pairs, fours or together), with +45 / 0045 in front or not.
_PHONE = re.compile(r"(?<![\d+])(?:(?:\+|00)\s*45[\s-]*)?(?:\d[\s-]?){7}\d(?![\d])")
_WORD = r"[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅ][a-zæøåéü]+)?"
# The introduction in any case, the name capitalised ("jeg hedder Mette Hansen").
_INTRO = re.compile(
    r"\b(?i:jeg hedder|mit navn er|navnet er|hedder jeg|min (?:søn|datter|mor|far|mand|kone|"
    r"kæreste|bror|søster|ven|veninde)|sagsbehandleren|sagsbehandler)\s+"
    rf"({_WORD}(?:\s+{_WORD}){{0,2}})"
)
# After "jeg hedder" / "mit navn er" the next word is a name, however it is written.
_INTRO_ANY = re.compile(r"\b(?i:jeg hedder|mit navn er)\s+(?!\[)(\w+)")
_PLACEHOLDER = re.compile(r"\[(?:CPR|EMAIL|TELEFON|NAVN)\]")


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


def no_names(_: str) -> List[Span]:
    return []


def spacy_names(text: str) -> List[Span]:
    """Person names found by the Danish spaCy pipeline (loaded once per process)."""
    from bot.infra.spacy import load_nlp

    doc = load_nlp()(text)
    return [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PER"]


def _intro_names(text: str) -> List[Span]:
    spans = []
    for pattern in (_INTRO, _INTRO_ANY):
        spans += [(m.start(1), m.end(1)) for m in pattern.finditer(text)]
    return spans


def find(text: str, names: Names = no_names) -> List[Finding]:
    """Every piece of personal data found, without overlaps, in text order."""
    found: List[Finding] = []
    for kind, pattern in ((CPR, CPR_PATTERN), (EMAIL, _EMAIL), (PHONE, _PHONE)):
        found += [Finding(kind, m.start(), m.end()) for m in pattern.finditer(text)]
    placeholders = [(m.start(), m.end()) for m in _PLACEHOLDER.finditer(text)]
    for start, end in [*names(text), *_intro_names(text)]:
        if not any(s <= start < e for s, e in placeholders):
            found.append(Finding(NAME, start, end))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: List[Finding] = []
    for finding in found:
        if kept and finding.start < kept[-1].end:
            continue
        kept.append(finding)
    return kept


def mask(text: str, names: Names = no_names) -> str:
    """``text`` with every finding replaced by its mask."""
    out, last = [], 0
    for f in find(text, names):
        out += [text[last : f.start], MASKS[f.kind]]
        last = f.end
    out.append(text[last:])
    return "".join(out)


def kinds(text: str, names: Names = no_names) -> List[str]:
    seen: List[str] = []
    for f in find(text, names):
        if f.kind not in seen:
            seen.append(f.kind)
    return seen


def refusal(found: Sequence[str]) -> str:
    """The Danish message for an example that still holds personal data."""
    what = [LABELS[k] for k in found]
    listed = what[0] if len(what) == 1 else ", ".join(what[:-1]) + " og " + what[-1]
    return (
        f"Eksemplet indeholder {listed}. Personoplysninger må ikke blive træningsdata: "
        "skriv dem om (fx til [NAVN]) eller vælg 'ignorer'."
    )
