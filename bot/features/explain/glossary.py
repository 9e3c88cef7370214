"""The office's glossary of administrative terms (content/glossary.yml) and finding them in text.

Matching works on the tokens of a spaCy ``Doc``. Each token is tried in two shapes, its
text and (when the pipeline has a lemmatizer) its lemma, both *folded*: lower case,
æ/ø/å written ae/oe/aa, é as e, hyphens and soft hyphens removed. A glossary form
matches a token when

1. the token is the form with a Danish inflection ending: "afgørelse-n", "part-erne",
   "påbud-d-et" (a final consonant may be doubled before a vowel ending); a term with
   ``bøjes: nej`` matches only its listed forms;
2. the form is the first part of a compound: form + a linking element (``bindeled``,
   default "" or "s") + a rest of at least 3 letters with a vowel (4 without a linking
   element): "partshørings-brevet", "klagefrist-udløb", "tilsyn-s-førende"
   (``forled: nej`` switches this off);
3. the form, inflected, is the last part of a compound after at least 3 letters:
   "afslags-afgørelse-n", "lovliggørelses-påbud" (``efterled: nej`` switches this off);
4. with at most one letter wrong, added, missing or two letters swapped, for forms of 9 or
   more letters whose first two letters agree: "klagevejleding", "aktinsigt";
5. two neighbouring tokens written apart: "parts høring", "akt-indsigt" (forms of 8 or
   more letters, rule 1 only).

Forms of several words ("opsættende virkning", "konkret og individuel") match consecutive
tokens; commas, dashes and line breaks between them are skipped, the words before the last may take
the endings -e/-t/-s, and the last word is inflected as in rule 1.

No false hits inside unrelated words: a term that is only part of a token counts only via
rules 2 and 3, so "part" is not found in "partner", "apartment" or "hovedparten"
(``efterled: nej``), and a term's ``ikke`` list names words that never count
("tilsyneladende"). When a longer term covers a token ("partshøring"), shorter terms inside
it ("part") are not reported. ``ikke_før`` names words that must not follow ("genoptaget
arbejdet").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Tuple

from pydantic import BaseModel, Field, validator

from bot.core.content import cached
from bot.core.content import load as load_content
from bot.core.sources import OptionalSourced

INFLECTIONS: Tuple[str, ...] = (
    "", "e", "en", "ens", "er", "ers", "erne", "ernes", "et", "ets", "ene", "enes",
    "n", "ns", "ne", "nes", "r", "rs", "rne", "rnes", "s", "t", "ts", "te", "de", "des",
    "ede", "es",
)
NON_HEAD_SUFFIXES: Tuple[str, ...] = ("", "e", "t", "s")
VOWELS = frozenset("aeiouy")
FUZZY_MIN_LEN = 9
JOIN_MIN_LEN = 8
_FOLD_TABLE = str.maketrans({
    "æ": "ae", "ø": "oe", "å": "aa", "é": "e", "è": "e", "ü": "u", "ä": "ae", "ö": "oe",
    "-": "", "\u00ad": "", "\u2010": "", "\u2011": "", "'": "", "\u2019": "",
})
_LETTERS = re.compile(r"^[a-z]+$")


def fold(text: str) -> str:
    """Lower case, æ/ø/å as ae/oe/aa, hyphens removed: the form used for matching."""
    return text.lower().translate(_FOLD_TABLE)


class TermEntry(OptionalSourced):
    """One term as written in content/glossary.yml."""

    term: str
    former: List[str] = Field(default_factory=list)
    forklaring: str
    for_dig: str
    hjemmel: str | None = None
    boejes: bool = Field(True, alias="bøjes")
    forled: bool = True
    efterled: bool = True
    bindeled: List[str] = Field(default_factory=lambda: ["", "s"])
    ikke: List[str] = Field(default_factory=list)
    ikke_foer: List[str] = Field(default_factory=list, alias="ikke_før")

    class Config:
        allow_population_by_field_name = True
        extra = "forbid"

    @classmethod
    def sourced_texts(cls, values: Dict[str, Any]) -> Tuple[str, List[str | None]]:
        return f"begrebet {values.get('term')!r}", [values.get("forklaring"), values.get("for_dig")]

    @validator("boejes", "forled", "efterled", pre=True)
    def _ja_nej(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in {"ja", "nej"}:
            return value.strip().lower() == "ja"
        return value

    @validator("term", "forklaring", "for_dig")
    def _not_empty(cls, value: str) -> str:
        if not value or not value.strip():
            raise ValueError("må ikke være tom")
        return value.strip()

    @validator("former", each_item=True)
    def _form_has_letters(cls, value: str) -> str:
        if len([c for c in fold(value) if c.isalpha()]) < 2:
            raise ValueError(f"formen {value!r} skal have mindst to bogstaver")
        return value


class GlossaryFile(BaseModel):
    termer: Dict[str, TermEntry]

    @validator("termer")
    def _at_least_one(cls, value: Dict[str, TermEntry]) -> Dict[str, TermEntry]:
        if not value:
            raise ValueError("ordlisten er tom")
        return value


@dataclass(frozen=True)
class Term:
    key: str
    term: str
    explanation: str
    for_dig: str
    hjemmel: str | None
    forms: Tuple[str, ...]
    inflect: bool = True
    first_part: bool = True
    last_part: bool = True
    linkers: Tuple[str, ...] = ("", "s")
    exclude: Tuple[str, ...] = ()
    not_before: Tuple[str, ...] = ()


@dataclass(frozen=True)
class TermHit:
    key: str
    start: int  # character offsets in the text
    end: int
    text: str


@dataclass
class _Token:
    shapes: Tuple[str, ...]  # folded text and lemma
    start: int
    end: int
    is_word: bool
    is_skippable: bool  # comma, dash, slash or line break inside a multi-word form


@dataclass
class _Phrase:
    key: str
    words: Tuple[str, ...]


def _inflected(word: str, inflect: bool) -> Iterable[str]:
    if not inflect:
        yield word
        return
    for suffix in INFLECTIONS:
        yield word + suffix
    if len(word) >= 3 and word[-1] not in VOWELS and word[-1] != word[-2]:
        for suffix in INFLECTIONS:
            if suffix and suffix[0] in VOWELS:
                yield word + word[-1] + suffix


def _deletions(word: str) -> Iterable[str]:
    for i in range(len(word)):
        yield word[:i] + word[i + 1:]


def _one_edit_apart(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one insertion, deletion, substitution
    or swap of two neighbouring letters."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        if a[i + 1:] == b[i + 1:]:
            return True
        return a[i:i + 2] == b[i:i + 2][::-1] and a[i + 2:] == b[i + 2:]
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1:] == shorter[i:]


def _wordlike(text: str, min_len: int) -> bool:
    return len(text) >= min_len and bool(_LETTERS.match(text)) and any(c in VOWELS for c in text)


class Glossary:
    """The terms, with indexes for matching."""

    def __init__(self, terms: Iterable[Term]):
        self.terms: Dict[str, Term] = {}
        for term in terms:
            if term.key in self.terms:
                raise ValueError(f"Begrebet {term.key!r} står to gange i ordlisten")
            self.terms[term.key] = term
        self._exact: Dict[str, Tuple[str, int]] = {}
        self._tail: Dict[str, Tuple[str, int]] = {}
        self._head: Dict[str, Tuple[str, int]] = {}
        self._fuzzy: Dict[str, Tuple[str, str, str] | None] = {}
        self._joinable: Dict[str, Tuple[str, int]] = {}
        self._phrases: Dict[str, List[_Phrase]] = {}
        self._cache: Dict[str, Tuple[str, int] | None] = {}
        owner: Dict[str, str] = {}
        for term in self.terms.values():
            for form in term.forms:
                words = tuple(fold(w) for w in form.split() if fold(w).strip(",.;:"))
                joined = " ".join(words)
                if joined in owner and owner[joined] != term.key:
                    raise ValueError(
                        f"Formen {form!r} står både ved {owner[joined]!r} og {term.key!r}"
                    )
                owner[joined] = term.key
                if len(words) == 1:
                    self._index_word(term, words[0])
                elif words:
                    self._phrases.setdefault(words[0], []).append(_Phrase(term.key, words))

    @staticmethod
    def _put(index: Dict[str, Tuple[str, int]], text: str, key: str, weight: int) -> None:
        current = index.get(text)
        if current is None or current[1] < weight:
            index[text] = (key, weight)

    def _index_word(self, term: Term, word: str) -> None:
        weight = len(word)
        for shape in _inflected(word, term.inflect):
            self._put(self._exact, shape, term.key, weight)
            if term.last_part:
                self._put(self._tail, shape, term.key, weight)
            if weight >= JOIN_MIN_LEN:
                self._put(self._joinable, shape, term.key, weight)
            if weight >= FUZZY_MIN_LEN and len(shape) - len(word) <= 3:
                for variant in (shape, *_deletions(shape)):
                    known = self._fuzzy.get(variant, ("", ""))
                    if variant in self._fuzzy and known is not None and known[0] != term.key:
                        self._fuzzy[variant] = None  # ambiguous
                    elif variant not in self._fuzzy:
                        self._fuzzy[variant] = (term.key, word, shape)
        if term.first_part:
            self._put(self._head, word, term.key, weight)

    # --- single words -----------------------------------------------------------------

    def _excluded(self, key: str, shape: str) -> bool:
        return any(shape.startswith(x) for x in self.terms[key].exclude)

    def match_word(self, shape: str) -> Tuple[str, int] | None:
        """(term key, weight) for one folded word, or None."""
        if shape in self._cache:
            return self._cache[shape]
        result = self._match_word(shape)
        if result and self._excluded(result[0], shape):
            result = None
        self._cache[shape] = result
        return result

    def _match_word(self, shape: str) -> Tuple[str, int] | None:
        if len(shape) < 2 or not _LETTERS.match(shape):
            return None
        found = self._exact.get(shape)
        if found:
            return found
        best: Tuple[str, int] | None = None
        # The form as the first part of a compound.
        for i in range(len(shape) - 3, 1, -1):
            head = self._head.get(shape[:i])
            if head is None:
                continue
            rest = shape[i:]
            for linker in sorted(self.terms[head[0]].linkers, key=len, reverse=True):
                if rest.startswith(linker) and _wordlike(
                    rest[len(linker):], 3 if linker else 4
                ):
                    best = head
                    break
            if best:
                break
        # The form as the last part of a compound.
        for i in range(3, len(shape) - 1):
            tail = self._tail.get(shape[i:])
            if tail is not None and _wordlike(shape[:i], 3):
                if best is None or tail[1] > best[1]:
                    best = tail
                break
        # One letter off ("partshørring" is a misspelt partshøring, not part + høring).
        if len(shape) >= FUZZY_MIN_LEN:
            for variant in (shape, *_deletions(shape)):
                hit = self._fuzzy.get(variant)
                if hit and hit[1][:2] == shape[:2] and _one_edit_apart(shape, hit[2]):
                    if best is None or len(hit[1]) > best[1]:
                        return hit[0], len(hit[1])
                    break
        return best

    def _match_non_head(self, shape: str, word: str, inflect: bool) -> bool:
        if not inflect:
            return shape == word
        return any(shape == word + s for s in NON_HEAD_SUFFIXES)

    def _match_head(self, shape: str, word: str, inflect: bool) -> bool:
        return shape in set(_inflected(word, inflect))

    # --- documents --------------------------------------------------------------------

    def find(self, doc: Any) -> List[TermHit]:
        """Every occurrence of a glossary term in a spaCy ``Doc``, in text order."""
        tokens = [
            _Token(
                shapes=tuple(dict.fromkeys(s for s in (fold(t.text), fold(t.lemma_)) if s)),
                start=t.idx,
                end=t.idx + len(t.text),
                is_word=any(c.isalpha() for c in t.text),
                is_skippable=t.is_space or t.text in {",", "-", "–", "—", "/"},
            )
            for t in doc
        ]
        text: str = doc.text
        candidates: List[Tuple[int, int, str, int]] = []  # start tok, end tok, key, weight
        for i, tok in enumerate(tokens):
            if not tok.is_word:
                continue
            best: Tuple[str, int] | None = None
            for shape in tok.shapes:
                hit = self.match_word(shape)
                if hit and (best is None or hit[1] > best[1]):
                    best = hit
            if best:
                candidates.append((i, i + 1, best[0], best[1]))
            candidates.extend(self._phrase_candidates(tokens, i))
            if i + 1 < len(tokens) and tokens[i + 1].is_word and tokens[i + 1].start - tok.end <= 1:
                joined = self._joinable.get(tok.shapes[0] + tokens[i + 1].shapes[0])
                if joined:
                    candidates.append((i, i + 2, joined[0], joined[1]))
        # Longest span first, then the longest form; no overlaps.
        candidates.sort(key=lambda c: (-(tokens[c[1] - 1].end - tokens[c[0]].start), -c[3], c[0]))
        taken = [False] * len(tokens)
        hits: List[TermHit] = []
        for start, end, key, _weight in candidates:
            if any(taken[start:end]):
                continue
            if self._followed_by_forbidden(tokens, end, key):
                continue
            for k in range(start, end):
                taken[k] = True
            a, b = tokens[start].start, tokens[end - 1].end
            hits.append(TermHit(key=key, start=a, end=b, text=text[a:b]))
        hits.sort(key=lambda h: h.start)
        return hits

    def _phrase_candidates(self, tokens: List[_Token], i: int) -> List[Tuple[int, int, str, int]]:
        out: List[Tuple[int, int, str, int]] = []
        seen_first: set = set()
        for shape in tokens[i].shapes:
            for cut in (0, 1, 2):
                first = shape[: len(shape) - cut] if cut else shape
                if first in seen_first:
                    continue
                seen_first.add(first)
                for phrase in self._phrases.get(first, []):
                    term = self.terms[phrase.key]
                    if not any(self._match_non_head(s, phrase.words[0], term.inflect)
                               for s in tokens[i].shapes):
                        continue
                    end = self._match_rest(tokens, i + 1, phrase.words[1:], term.inflect)
                    if end is not None:
                        out.append((i, end, phrase.key, len(" ".join(phrase.words))))
        return out

    def _match_rest(
        self, tokens: List[_Token], j: int, words: Tuple[str, ...], inflect: bool
    ) -> int | None:
        for n, word in enumerate(words):
            while j < len(tokens) and tokens[j].is_skippable:
                j += 1
            if j >= len(tokens) or not tokens[j].is_word:
                return None
            last = n == len(words) - 1
            check = self._match_head if last else self._match_non_head
            if not any(check(s, word, inflect) for s in tokens[j].shapes):
                return None
            j += 1
        return j

    def _followed_by_forbidden(self, tokens: List[_Token], end: int, key: str) -> bool:
        forbidden = self.terms[key].not_before
        if not forbidden or end >= len(tokens):
            return False
        return any(s in forbidden for s in tokens[end].shapes)


def unique_keys(hits: Iterable[TermHit]) -> List[str]:
    """Term keys in order of first occurrence, each once."""
    return list(dict.fromkeys(h.key for h in hits))


def _term_from_entry(key: str, entry: TermEntry) -> Term:
    forms = tuple(dict.fromkeys([entry.term, *entry.former]))
    return Term(
        key=key,
        term=entry.term,
        explanation=" ".join(entry.forklaring.split()),
        for_dig=" ".join(entry.for_dig.split()),
        hjemmel=entry.hjemmel,
        forms=forms,
        inflect=entry.boejes,
        first_part=entry.forled,
        last_part=entry.efterled,
        linkers=tuple(fold(x) for x in entry.bindeled),
        exclude=tuple(fold(x) for x in entry.ikke),
        not_before=tuple(fold(x) for x in entry.ikke_foer),
    )


def glossary_from_data(data: Any) -> Glossary:
    """Validate the parsed YAML and build the glossary (ValueError when invalid)."""
    parsed = GlossaryFile.parse_obj(data)
    return Glossary(_term_from_entry(key, entry) for key, entry in parsed.termer.items())


def load_glossary(path: Path) -> Glossary:
    """Load and validate the file (``ContentError`` in Danish, with the line)."""
    return load_content(path, glossary_from_data)


def cached_glossary(path: Path) -> Glossary:
    """The newest good version; an edit shows up in the next answer."""
    return cached(path, glossary_from_data)


__all__ = [
    "Glossary", "Term", "TermHit", "TermEntry", "fold", "load_glossary", "cached_glossary",
    "glossary_from_data", "unique_keys",
]
