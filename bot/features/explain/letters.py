"""Explain letters and terms from the kommune in plain Danish (feature ``explain``).

Helping citizens understand decisions is one of the advisor's tasks (vedtægt § 8, nr. 3).
For a text - a question such as "Hvad betyder partshøring?" or (part of) a pasted
letter - this module finds

1. the glossary terms in it (``bot.features.explain.glossary``, content/glossary.yml),
2. every deadline, with the concrete last day when the letter's date or the day it was
   received is known (``bot.language.deadlines``, which documents the counting rule),
3. the laws and paragraphs it refers to, in plain words (``bot.features.explain.laws``,
   content/laws.yml),
4. the letter's own klagevejledning: who decides a complaint, whether it goes through the
   kommune first (genvurdering), how to complain - or that there is none,

and plans the replies: a list of domain response names with their variables. The Rasa
action sends them; ``bot.app.explain_cli`` (``borger explain``) prints the same replies rendered
from domain.yml, or the JSON of ``explain()``. Neither the assistant nor the
advisor judges whether a decision is right; every answer says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Dict, List, Sequence, Tuple

from bot.core.clock import Clock
from bot.core.settings import ROOT
from bot.features.explain.glossary import Glossary, Term, TermHit, unique_keys
from bot.features.explain.laws import LawBook, LawRef
from bot.features.explain.outcome import HEARING, YES, letter_outcome
from bot.features.explain.outcome import RESPONSES as OUTCOME_RESPONSES
from bot.language.deadlines import (
    Deadline,
    find_deadlines,
    find_letter_date,
    find_receipt_date,
    format_date_da,
    weekday_da,
)

MAX_CHARS = 20_000
MAX_TERMS_IN_QUESTION = 5
MAX_DEADLINE_REPLIES = 8
CPR_MASK = "[CPR]"
DOMAIN_FILE = ROOT / "domain.yml"

Reply = Tuple[str, Dict[str, Any]]


class TextTooLongError(ValueError):
    def __init__(self, length: int, max_chars: int):
        super().__init__(f"text has {length} characters, at most {max_chars} are handled")
        self.length = length
        self.max_chars = max_chars


# --- letter or question -------------------------------------------------------------------

_LETTER_MARKERS: Tuple[Tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(p, re.IGNORECASE | re.MULTILINE), w)
    for p, w in (
        (r"\b(?:med\s+)?venlig(?:st)?\s+hilsen\b|\bmvh\b", 2),
        (r"klagevejledning|sådan klager du|hvis du (?:vil|ønsker at) klage", 2),
        (r"\b(?:sagsnr|sagsnummer|j\.\s?nr|journalnr|cpr-nr)\b|\[CPR\]", 2),
        (r"^\s*(?:aalborg,?\s+(?:den|d\.)|dato\s*:|vedr\.?:?|vedrørende\b|emne\s*:)", 2),
        (r"^\s*kære\b", 1),
        (r"\bafgørelse\s+om\b|\bpartshøring\s+(?:om|i|vedr)", 1),
        (r"§", 1),
        (
            r"\bvi\s+har\s+(?:truffet|modtaget|besluttet|vurderet|lagt\s+vægt)"
            r"|\bdu\s+har\s+(?:søgt|ansøgt)|\bkommunen\s+har\s+(?:truffet|besluttet|vurderet)"
            r"|\bvi\s+skriver\s+til\s+dig|\bdu\s+(?:får|har\s+fået)\s+(?:afslag|bevilget)"
            r"|\bvi\s+(?:kan|vil)\s+(?:ikke\s+)?(?:bevilge|imødekomme)",
            1,
        ),
        (r"\b(?:forvaltning|jobcent|myndighedsafdeling|visitationen)\w*", 1),
    )
)
_QUESTION_START = re.compile(
    r"^\s*(?:hvad|hvorfor|hvordan|hvornår|hvem|hvilke[nt]?|hvor|kan|må|skal\s+jeg|er\s+det"
    r"|forklar|jeg\s+forstår\s+ikke)\b",
    re.IGNORECASE,
)


_ASKS_WHAT_IT_MEANS_FOR_ME = re.compile(
    r"\bbetyde[rt]?\s+(det|dette|brevet|afgørelsen)\b.{0,20}\b(for|til)\s+(mig|os|ham|hende|min|mit)\b"
    r"|\bhvad\s+(skal|kan|gør)\s+jeg\s+(så\s+)?(nu|gøre)\b"
    r"|\bhvad\s+betyder\s+det(\s+(så|nu))?\s*\??$",
    re.IGNORECASE,
)
_ASKS_ABOUT_A_WORD = re.compile(
    r"\bbetyde[rt]?\b|\bbetydning|\bhvad\s+(?:er|vil\s+det\s+sige|menes)\b|\bordet\b"
    r"|\bbegrebet\b|\budtrykket\b|\bforklar",
    re.IGNORECASE,
)


def looks_like_question(text: str) -> bool:
    stripped = text.strip()
    if len(stripped) >= 250:
        return False
    return stripped.endswith("?") or bool(_QUESTION_START.match(stripped))


# Who is speaking: citizens write "jeg/min/mig"; letters address "du/dig/din" and
# speak as "vi" or as the authority.
_CITIZEN_VOICE = re.compile(r"\b(?:jeg|mig|min|mit|mine|vores|vi\s+har\s+fået)\b", re.IGNORECASE)
_AUTHORITY_VOICE = re.compile(
    r"\b(?:du|dig|din|dit|dine|vi|os|kommunens?|ankestyrelsens?|\w*nævnets?|borgerrådgiverens?"
    r"|visitator|forvaltningens?|byrådets?)\b",
    re.IGNORECASE,
)


def _authority_voice(text: str) -> bool:
    return (
        len(text) >= 100
        and not _CITIZEN_VOICE.search(text)
        and len(_AUTHORITY_VOICE.findall(text)) >= 2
    )


# What only a letter from an authority says; a citizen's own message rarely does.
_STRONG_LETTER_MARKERS = re.compile(
    r"klagevejledning|§|\bvi\s+har\s+(?:truffet|besluttet|vurderet|lagt\s+vægt)"
    r"|\bdu\s+har\s+(?:søgt|ansøgt)|\bpartshøring\b|\bafgørelse\s+om\b",
    re.IGNORECASE,
)
_QUOTED_PART = re.compile(r"[\"“”„«][^\"“”„«»]{80,}")


def citizens_own_words(text: str) -> bool:
    """A personal message ("Goddag. Jeg er 84 år ... Venlig hilsen Inger"), not a letter."""
    return (
        len(_CITIZEN_VOICE.findall(text)) >= 3
        and not _STRONG_LETTER_MARKERS.search(text)
        and not _QUOTED_PART.search(text)
    )


def looks_like_letter(text: str) -> bool:
    """True when ``text`` reads like (part of) a letter rather than a question."""
    stripped = text.strip()
    if citizens_own_words(stripped):
        return False
    score = 2 if len(stripped) >= 400 else 1 if len(stripped) >= 150 else 0
    if _authority_voice(stripped):
        score += 2
    for pattern, weight in _LETTER_MARKERS:
        if pattern.search(stripped):
            score += weight
    if looks_like_question(stripped):
        score -= 3
    return score >= 3


# --- the letter's klagevejledning -----------------------------------------------------------

_KLAGE_HEADING = re.compile(
    r"^[ \t]*(?:klagevejledning|vejledning\s+om\s+klage\w*|sådan\s+klager\s+du"
    r"|hvis\s+du\s+(?:vil|ønsker\s+at)\s+klage|klagemuligheder?|klageadgang"
    r"|mulighed\s+for\s+at\s+klage|du\s+kan\s+klage)\b",
    re.IGNORECASE | re.MULTILINE,
)
_KLAGE_CUE = re.compile(
    r"\b(?:du\s+kan\s+klage|kan\s+påklages|klage\s+over\s+(?:denne\s+|afgørelsen|kommunens)"
    r"|klagen\s+skal|din\s+klage\s+skal|hvis\s+du\s+(?:vil|ønsker\s+at)\s+klage|klagefrist"
    r"|kan\s+(?:ikke\s+)?indbringes\s+for|kan\s+ikke\s+påklages|klage\s+til\s+ankestyrelsen)",
    re.IGNORECASE,
)
_NO_APPEAL = re.compile(
    r"kan\s+ikke\s+(?:påklages|indbringes\s+for\s+(?:en\s+)?anden\s+(?:administrativ\s+)?"
    r"myndighed)|kan\s+ikke\s+klage\s+over",
    re.IGNORECASE,
)
_VIA_KOMMUNE = re.compile(
    r"genvurder|(?:send|sende|sendes|indsend\w*|indgiv\w*|aflever\w*)\s+(?:din\s+|en\s+)?"
    r"(?:klagen?\s+)?til\s+(?:os\b|kommunen|aalborg\s+kommune|jobcentret|forvaltningen"
    r"|\w+forvaltningen|den\s+myndighed)",
    re.IGNORECASE,
)
_KLAGE_TO_KOMMUNE = re.compile(
    r"klage\w*\s+(?:til|hos)\s+(?:os\b|kommunen|aalborg\s+kommune)", re.IGNORECASE
)
_SECONDARY_BODIES = ("Folketingets Ombudsmand", "Nævnenes Hus")


@dataclass(frozen=True)
class Complaint:
    has_guide: bool = False
    body: str | None = None
    bodies: Tuple[str, ...] = ()
    channels: Tuple[str, ...] = ()
    via_kommune: bool = False
    no_appeal: bool = False


def _guide_section(text: str) -> str | None:
    heading = _KLAGE_HEADING.search(text)
    if heading:
        return text[heading.start() :]
    cue = _KLAGE_CUE.search(text)
    if cue:
        start = max(text.rfind(".", 0, cue.start()), text.rfind("\n", 0, cue.start())) + 1
        return text[start:]
    return None


def analyse_complaint(text: str, lawbook: LawBook) -> Complaint:
    """What the letter's own klagevejledning says, or that it has none."""
    section = _guide_section(text)
    if section is None:
        return Complaint()
    bodies = lawbook.find_bodies(section)
    main = [b for b in bodies if b not in _SECONDARY_BODIES] or bodies
    via_kommune = bool(_VIA_KOMMUNE.search(section))
    body: str | None = main[0] if main else None
    if body is None and (via_kommune or _KLAGE_TO_KOMMUNE.search(section)):
        body = lawbook.kommune
    return Complaint(
        has_guide=True,
        body=body,
        bodies=tuple(bodies),
        channels=tuple(lawbook.find_channels(section)),
        via_kommune=via_kommune and body != lawbook.kommune,
        no_appeal=bool(_NO_APPEAL.search(section)) and not main,
    )


# --- analysis -------------------------------------------------------------------------------


@dataclass
class Analysis:
    text: str
    today: date
    terms: List[Term]
    hits: List[TermHit]
    deadlines: List[Deadline]
    laws: List[LawRef]
    complaint: Complaint
    letter_date: date | None = None
    receipt_date: date | None = None
    is_letter: bool = False
    outcome: str | None = None  # nej / ja / delvist (bot.features.explain.outcome)

    def as_json(self) -> dict:
        return {
            "terms": [{"term": t.key, "explanation": t.explanation} for t in self.terms],
            "deadlines": [d.as_json() for d in self.deadlines],
            "laws": [law.as_json() for law in self.laws],
            "complaint_body": self.complaint.body,
        }


def _parse(nlp: Any, text: str) -> Any:
    skip = [name for name in ("parser", "ner", "senter") if name in getattr(nlp, "pipe_names", [])]
    return nlp(text, disable=skip) if skip else nlp(text)


def clean_text(text: str) -> str:
    """The text without masked CPR numbers (same length, so offsets stay)."""
    return text.replace(CPR_MASK, " " * len(CPR_MASK)).replace("\r", " ")


def analyse(
    text: str,
    nlp: Any,
    glossary: Glossary,
    lawbook: LawBook,
    today: date | None = None,
    max_chars: int = MAX_CHARS,
) -> Analysis:
    """Everything the explain feature finds in ``text`` (TextTooLongError when too long)."""
    if len(text) > max_chars:
        raise TextTooLongError(len(text), max_chars)
    ref_today = today or Clock().today()
    cleaned = clean_text(text)
    hits = glossary.find(_parse(nlp, cleaned))
    terms = [glossary.terms[key] for key in unique_keys(hits)]
    letter_date = find_letter_date(cleaned, ref_today)
    receipt_date = find_receipt_date(cleaned, ref_today)
    deadlines = find_deadlines(cleaned, letter_date, receipt_date, ref_today)
    return Analysis(
        text=text,
        today=ref_today,
        terms=terms,
        hits=hits,
        deadlines=deadlines,
        laws=lawbook.find_laws(cleaned),
        complaint=analyse_complaint(cleaned, lawbook),
        letter_date=letter_date,
        receipt_date=receipt_date,
        is_letter=looks_like_letter(cleaned),
        outcome=letter_outcome(cleaned),
    )


def explain(
    text: str,
    nlp: Any,
    today: date | None = None,
    *,
    glossary: Glossary,
    lawbook: LawBook,
    max_chars: int = MAX_CHARS,
) -> dict:
    """``{"terms": [...], "deadlines": [...], "laws": [...], "complaint_body": ...}``.

    terms: ``{"term": <glossary key>, "explanation": <plain Danish>}`` in order of first
    occurrence; deadlines: ``{"text", "days" (int or None), "date" (ISO or None)}``;
    laws: ``{"text", "law", "law_name", "law_about", "paragraph", "paragraph_about"}``;
    complaint_body: the body named in the letter's klagevejledning, or None.
    """
    return analyse(text, nlp, glossary, lawbook, today, max_chars).as_json()


# --- replies (domain response names + variables) ------------------------------------------


def _deadline_reply(d: Deadline, today: date) -> Reply:
    if d.authority:
        return "utter_explain_deadline_authority", {"frist": d.text}
    if d.date is None:
        return "utter_explain_deadline_unknown", {"frist": d.text}
    dato = {"frist": d.text, "dato": format_date_da(d.date), "ugedag": weekday_da(d.date)}
    if d.date < today:
        return "utter_explain_deadline_passed", dato
    if d.base == "modtagelse" and d.base_date:
        return "utter_explain_deadline_from_receipt", {
            **dato,
            "modtaget": format_date_da(d.base_date),
        }
    if d.base == "brevdato" and d.base_date:
        return "utter_explain_deadline_from_letter", {
            **dato,
            "brevdato": format_date_da(d.base_date),
        }
    return "utter_explain_deadline_fixed", dato


def _law_replies(laws: Sequence[LawRef]) -> List[Reply]:
    replies: List[Reply] = []
    unknown: List[str] = []
    for law in laws:
        if law.law is None:
            unknown.append(law.text)
        elif law.paragraph_about:
            replies.append(
                (
                    "utter_explain_law",
                    {
                        "tekst": law.text,
                        "lov": law.law_name,
                        "om_loven": law.law_about,
                        "om_paragraffen": law.paragraph_about,
                    },
                )
            )
        else:
            replies.append(
                (
                    "utter_explain_law_general",
                    {"tekst": law.text, "lov": law.law_name, "om_loven": law.law_about},
                )
            )
    if unknown:
        replies.append(("utter_explain_law_unknown", {"tekst": ", ".join(unknown)}))
    return replies


def _complaint_replies(c: Complaint, lawbook: LawBook) -> List[Reply]:
    if not c.has_guide:
        return [("utter_explain_klage_missing", {})]
    replies: List[Reply] = [("utter_explain_klage_found", {})]
    if c.no_appeal:
        replies.append(("utter_explain_klage_no_appeal", {}))
    elif c.body and c.via_kommune:
        replies.append(("utter_explain_klage_via_kommune", {"klageinstans": c.body}))
    elif c.body:
        replies.append(("utter_explain_klage_body", {"klageinstans": c.body}))
    if c.channels:
        replies.append(
            (
                "utter_explain_klage_channels",
                {"kanaler": "\n".join(f"- {lawbook.channel_text(k)}" for k in c.channels)},
            )
        )
    return replies


def plan_replies(analysis: Analysis, letter: bool, lawbook: LawBook) -> List[Reply]:
    """The responses to send, in order, for a letter or for a question."""
    if letter:
        return _letter_replies(analysis, lawbook)
    return _question_replies(analysis)


def _question_replies(a: Analysis) -> List[Reply]:
    replies: List[Reply] = []
    for term in a.terms[:MAX_TERMS_IN_QUESTION]:
        replies.append(
            (
                "utter_explain_term",
                {"term": term.term, "explanation": term.explanation, "for_dig": term.for_dig},
            )
        )
        if term.hjemmel:
            replies.append(
                ("utter_explain_term_hjemmel", {"term": term.term, "hjemmel": term.hjemmel})
            )
    law_replies = [r for r in _law_replies(a.laws) if r[0] != "utter_explain_law_unknown"]
    replies.extend(law_replies)
    if not replies and _ASKS_WHAT_IT_MEANS_FOR_ME.search(a.text):
        # "hvad betyder det så for mig?" after a letter: no word to look up.
        return [("utter_explain_for_me", {}), ("utter_explain_next_steps", {})]
    if not replies and not _ASKS_ABOUT_A_WORD.search(a.text):
        return [("utter_explain_invite", {})]  # "jeg forstår ikke mit brev"
    if not replies:
        return [("utter_explain_no_term", {}), ("utter_explain_next_steps", {})]
    replies.append(("utter_explain_not_judging", {}))
    replies.append(("utter_explain_next_steps", {}))
    return replies


def _letter_replies(a: Analysis, lawbook: LawBook) -> List[Reply]:
    replies: List[Reply] = [("utter_explain_letter_intro", {})]
    if a.outcome:  # "er det ja eller nej?" first
        replies.append((OUTCOME_RESPONSES[a.outcome], {}))
    if a.terms:
        replies.append(
            (
                "utter_explain_letter_terms",
                {"terms": "\n".join(f"- {t.term}: {t.explanation}" for t in a.terms)},
            )
        )
    elif not a.outcome and not a.laws:  # something was explained otherwise
        replies.append(("utter_explain_letter_no_terms", {}))
    if a.deadlines:
        replies.extend(_deadline_reply(d, a.today) for d in a.deadlines[:MAX_DEADLINE_REPLIES])
        if any(d.kind == "relative" and d.date for d in a.deadlines):
            replies.append(("utter_explain_deadline_rule", {}))
    else:
        replies.append(("utter_explain_letter_no_deadlines", {}))
    replies.extend(_law_replies(a.laws))
    # A hearing has no guide yet, and a full yes needs none (forvaltningsloven § 25).
    if a.outcome not in (HEARING, YES) or a.complaint.has_guide:
        replies.extend(_complaint_replies(a.complaint, lawbook))
    replies.append(("utter_explain_not_judging", {}))
    replies.append(("utter_explain_next_steps", {}))
    return replies


def replies_for_message(
    text: str,
    nlp: Any,
    glossary: Glossary,
    lawbook: LawBook,
    today: date | None = None,
    intent: str | None = None,
    max_chars: int = MAX_CHARS,
) -> List[Reply]:
    """All replies to one chat message (used by the Rasa action and the CLI)."""
    stripped = clean_text(text or "").strip()
    if not stripped or stripped.startswith("/"):
        return [("utter_explain_invite", {})]
    if len(text) > max_chars:
        return [("utter_explain_too_long", {"max_tegn": f"{max_chars:,}".replace(",", ".")})]
    analysis = analyse(text, nlp, glossary, lawbook, today, max_chars)
    letter = analysis.is_letter or (intent == "indsat_brev" and not looks_like_question(text))
    return plan_replies(analysis, letter, lawbook)
