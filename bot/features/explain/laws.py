"""Law references, complaint bodies and complaint channels (content/laws.yml).

``LawBook.find_laws(text)`` finds references such as "servicelovens § 97",
"§ 19, stk. 1, i forvaltningsloven", "lov om social service § 83 a", "§§ 83 og 84 i
serviceloven", a law named alone ("efter serviceloven") and a paragraph named alone
("§ 7, stk. 3"), and tells in plain words which law it is and, when the office has
described it, what the paragraph is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Tuple

from pydantic import BaseModel, Field, validator

from bot.core.content import cached
from bot.core.content import load as load_content
from bot.core.sources import OptionalSourced

# "§ 83", "§ 83 a", "§ 7.2", "§ 97, stk. 1", "§ 83, stk. 1, nr. 2" (a letter "i" after the
# number is the word "i": "§ 84 i serviceloven").
_PARA_ONE = (
    r"\d+(?:\.\d+)*(?:\s?[a-hj-zæø](?![\wæøå]))?"
    r"(?:\s*,?\s*stk\.?\s*\d+)?(?:\s*,?\s*nr\.?\s*\d+)?"
)
PARA_RE = re.compile(
    r"§§?\s*" + _PARA_ONE + r"(?:\s*(?:,|og|-|–|til)\s*(?:§\s*)?" + _PARA_ONE + r")*",
    re.IGNORECASE,
)
_PARA_NUMBER = re.compile(r"(\d+(?:\.\d+)*)\s?([a-zæø](?![\wæøå]))?", re.IGNORECASE)
_SUBDIVISION = re.compile(r"(?:stk|nr)\.?\s*\d+", re.IGNORECASE)
_CONNECTOR_TO_LAW = re.compile(
    r"^\s*,?\s*(?:i|efter|jf\.?|jævnfør|ifølge)\s+(?:den\s+)?$", re.IGNORECASE
)


class LawEntry(OptionalSourced):
    navn: str
    om: str
    navne: List[str]
    forkortelser: List[str] = Field(default_factory=list)
    paragraffer: Dict[str, str] = Field(default_factory=dict)
    kun_med_paragraf: bool = False

    class Config:
        extra = "forbid"

    @classmethod
    def sourced_texts(cls, values: Dict[str, Any]) -> Tuple[str, List[str | None]]:
        texts = [values.get("om"), *(values.get("paragraffer") or {}).values()]
        return f"loven {values.get('navn')!r}", texts

    @validator("kun_med_paragraf", pre=True)
    def _ja_nej(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in {"ja", "nej"}:
            return value.strip().lower() == "ja"
        return value

    @validator("navne")
    def _some_names(cls, value: List[str]) -> List[str]:
        if not value:
            raise ValueError("en lov skal have mindst ét navn")
        return value

    @validator("paragraffer", pre=True)
    def _keys_as_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k).replace(" ", "").lower(): v for k, v in value.items()}
        return value


class Channel(OptionalSourced):
    tekst: str
    ord: List[str]

    @classmethod
    def sourced_texts(cls, values: Dict[str, Any]) -> Tuple[str, List[str | None]]:
        return f"klagekanalen {values.get('tekst')!r}", [values.get("tekst")]


class LawFile(BaseModel):
    love: Dict[str, LawEntry]
    klageinstanser: Dict[str, List[str]]
    kommune: str
    klagekanaler: Dict[str, Channel]


@dataclass(frozen=True)
class LawRef:
    text: str
    start: int
    end: int
    law: str | None  # key in content/laws.yml, e.g. "serviceloven"
    law_name: str | None
    law_about: str | None
    paragraph: str | None  # "§ 97, stk. 1"
    paragraph_about: str | None

    def as_json(self) -> dict:
        return {
            "text": self.text,
            "law": self.law,
            "law_name": self.law_name,
            "law_about": self.law_about,
            "paragraph": self.paragraph,
            "paragraph_about": self.paragraph_about,
        }


def _clean(text: str) -> str:
    return " ".join(text.split())


def _name_pattern(name: str) -> str:
    return r"\s+".join(re.escape(part) for part in name.split())


class LawBook:
    def __init__(self, data: LawFile):
        self.data = data
        self._by_name: Dict[str, str] = {}
        names: List[str] = []
        abbreviations: List[str] = []
        for key, law in data.love.items():
            for name in law.navne:
                self._by_name[_clean(name.lower())] = key
                names.append(name.lower())
            for abbr in law.forkortelser:
                self._by_name[abbr] = key
                abbreviations.append(abbr)
        names.sort(key=len, reverse=True)
        alternatives = [r"(?i:" + _name_pattern(n) + r"s?)" for n in names]
        alternatives += [re.escape(a) for a in sorted(abbreviations, key=len, reverse=True)]
        self._law_re = re.compile(
            r"(?<![\wæøå])(?:" + "|".join(alternatives) + r")(?![\wæøå])"
        )
        bodies = [(name, pattern) for name, patterns in data.klageinstanser.items()
                  for pattern in patterns]
        self._body_res: List[Tuple[str, re.Pattern[str]]] = [
            (name, re.compile(r"(?<![\wæøå])" + _name_pattern(p) + r"s?(?![\wæøå])",
                              re.IGNORECASE))
            for name, p in bodies
        ]
        self._channel_res: List[Tuple[str, re.Pattern[str]]] = [
            (key, re.compile(
                r"(?<![\wæøå])(?:" + "|".join(_name_pattern(w) for w in ch.ord) + r")",
                re.IGNORECASE,
            ))
            for key, ch in data.klagekanaler.items()
        ]

    # --- laws -------------------------------------------------------------------------

    def _law_key(self, matched: str) -> str:
        text = _clean(matched)
        if text in self._by_name:
            return self._by_name[text]
        lowered = text.lower()
        if lowered in self._by_name:
            return self._by_name[lowered]
        return self._by_name[lowered[:-1]]  # genitive -s

    def _paragraph_about(self, law_key: str | None, paragraph: str) -> str | None:
        if law_key is None:
            return None
        known = self.data.love[law_key].paragraffer
        main_numbers = _SUBDIVISION.sub(" ", paragraph)
        found = []
        for m in _PARA_NUMBER.finditer(main_numbers):
            number = (m.group(1) + (m.group(2) or "")).lower()
            if number in known:
                found.append(known[number])
        return "; ".join(dict.fromkeys(found)) or None

    def _ref(self, text: str, start: int, end: int, law_key: str | None,
             paragraph: str | None) -> LawRef:
        law = self.data.love[law_key] if law_key else None
        return LawRef(
            text=_clean(text[start:end]),
            start=start,
            end=end,
            law=law_key,
            law_name=law.navn if law else None,
            law_about=" ".join(law.om.split()) if law else None,
            paragraph=_clean(paragraph) if paragraph else None,
            paragraph_about=self._paragraph_about(law_key, paragraph) if paragraph else None,
        )

    def find_laws(self, text: str) -> List[LawRef]:
        """Law references in ``text``, in order, each (law, paragraph) once."""
        laws = list(self._law_re.finditer(text))
        paras = list(PARA_RE.finditer(text))
        used_laws: set = set()
        refs: List[LawRef] = []
        for p in paras:
            paragraph = p.group(0).rstrip(" ,")
            p_end = p.start() + len(paragraph)
            paired = None
            for law in laws:
                between = text[law.end():p.start()]
                if law.end() <= p.start() and re.fullmatch(r"\s*,?\s*", between):
                    paired = (law, law.start(), p_end)
                    break
                after = text[p_end:law.start()]
                if law.start() >= p_end and _CONNECTOR_TO_LAW.match(after):
                    paired = (law, p.start(), law.end())
                    break
            if paired:
                law, start, end = paired
                used_laws.add(law.start())
                refs.append(self._ref(text, start, end, self._law_key(law.group(0)), paragraph))
            else:
                refs.append(self._ref(text, p.start(), p_end, None, paragraph))
        for law in laws:
            key = self._law_key(law.group(0))
            if law.start() not in used_laws and not self.data.love[key].kun_med_paragraf:
                refs.append(self._ref(text, law.start(), law.end(), key, None))
        refs.sort(key=lambda r: r.start)
        unique: List[LawRef] = []
        seen: set = set()
        with_paragraph = {r.law for r in refs if r.paragraph and r.law}
        for ref in refs:
            number = None
            if ref.paragraph:
                number = re.sub(r"[\s,]+", "", _SUBDIVISION.sub("", ref.paragraph).lower())
                if ref.law is None:  # a bare paragraph: keep its exact wording
                    number = re.sub(r"\s+", "", ref.paragraph.lower())
            seen_key = (ref.law, number)
            if seen_key in seen or (ref.paragraph is None and ref.law in with_paragraph):
                continue
            seen.add(seen_key)
            unique.append(ref)
        return unique

    # --- complaints -------------------------------------------------------------------

    def find_bodies(self, text: str) -> List[str]:
        """Complaint bodies named in ``text``, in order of first mention."""
        found: List[Tuple[int, str]] = []
        for name, pattern in self._body_res:
            m = pattern.search(text)
            if m:
                found.append((m.start(), name))
        found.sort()
        return list(dict.fromkeys(name for _pos, name in found))

    def find_channels(self, text: str) -> List[str]:
        """Keys of the complaint channels named in ``text``, in the file's order."""
        return [key for key, pattern in self._channel_res if pattern.search(text)]

    def channel_text(self, key: str) -> str:
        return self.data.klagekanaler[key].tekst

    @property
    def kommune(self) -> str:
        return self.data.kommune


def lawbook_from_data(data: Any) -> LawBook:
    return LawBook(LawFile.parse_obj(data))


def load_lawbook(path: Path) -> LawBook:
    """Load and validate the file (``ContentError`` in Danish, with the line)."""
    return load_content(path, lawbook_from_data)


def cached_lawbook(path: Path) -> LawBook:
    """The newest good version; an edit shows up in the next answer."""
    return cached(path, lawbook_from_data)
