"""Facts with sources: every statement about an authority says where it comes from.

Content models (competence routes and bodies, contact, glossary terms, laws) use
these checks: ``source`` is one web address or a list of them (or the seed page),
``checked`` the day it was last read ("2026-12-01"); a text that names an authority
must carry both.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Dict, List, Tuple

from pydantic import BaseModel, root_validator, validator

# The seed: Borgerrådgivningens own page on aalborg.dk with the full vedtægt.
SEED_SOURCE = "seed: Borgerrådgivningens side og vedtægt"
SEED_URL = "https://www.aalborg.dk/mit-liv/personlige-forhold/hjaelp-til-oekonomi-og-jura/borgerraadgivning"
# Names that show that a text describes an authority (what it handles, how to complain,
# deadlines, contact). A glossary term or law text that names one must say where the
# statement comes from (``source``) and when it was checked (``checked``).
AUTHORITY_NAMES: Tuple[str, ...] = (
    "Ankestyrelsen",
    "Familieretshuset",
    "familieretten",
    "Skattestyrelsen",
    "Vurderingsstyrelsen",
    "Gældsstyrelsen",
    "Skatteankestyrelsen",
    "Udbetaling Danmark",
    "Nævnenes Hus",
    "Planklagenævnet",
    "Miljø- og Fødevareklagenævnet",
    "Byggeklageenheden",
    "Forbrugerklagenævnet",
    "Region Nordjylland",
    "Patientkontoret",
    "Styrelsen for Patientklager",
    "ombudsmand",
    "domstol",
    "byret",
    "Socialtilsyn",
    "Huslejenævnet",
    "Beboerklagenævnet",
    "kommunale tilsyn",
    "Datatilsynet",
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def names_an_authority(*texts: str | None) -> List[str]:
    """The authority names in ``AUTHORITY_NAMES`` that the texts mention."""
    low = " ".join(t for t in texts if t).lower()
    return [name for name in AUTHORITY_NAMES if name.lower() in low]


def check_source(value: Any) -> List[str]:
    """``source``: one address or a list; each a web address or the seed."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ValueError("source skal være en webadresse eller en liste af webadresser")
    out: List[str] = []
    for item in value:
        text = str(item).strip()
        if not (text.startswith("https://") or text.startswith("http://") or text == SEED_SOURCE):
            raise ValueError(
                f"source {text!r} skal være en webadresse (https://...) eller {SEED_SOURCE!r}"
            )
        out.append(text)
    return out


def check_checked(value: Any) -> str:
    """``checked``: the day the source was read, as "ÅÅÅÅ-MM-DD"."""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip() if value is not None else ""
    if not _DATE.match(text):
        raise ValueError('checked skal være en dato som "2026-12-01"')
    date.fromisoformat(text)  # a real day
    return text


def check_optional_source(entry: str, values: Dict[str, Any], *texts: str | None) -> None:
    """For glossary terms and laws: source and checked come together, and are required
    when the text names an authority."""
    source, checked = values.get("source"), values.get("checked")
    if (source is None) != (checked is None):
        raise ValueError(f"{entry}: source og checked skal stå sammen")
    named = names_an_authority(*texts)
    if named and source is None:
        raise ValueError(
            f"{entry} nævner {', '.join(named)}: skriv source (myndighedens egen side) og checked"
        )


class Sourced(BaseModel):
    """A statement about an authority: where it comes from and when that was checked."""

    source: List[str]
    checked: str

    _source = validator("source", pre=True, allow_reuse=True)(check_source)
    _checked = validator("checked", pre=True, allow_reuse=True)(check_checked)


class OptionalSourced(BaseModel):
    """An entry that may carry a source (glossary terms, laws); required when the texts
    that ``sourced_texts`` names mention an authority."""

    source: List[str] | None = None
    checked: str | None = None

    _source = validator("source", pre=True, allow_reuse=True)(check_source)
    _checked = validator("checked", pre=True, allow_reuse=True)(check_checked)

    @classmethod
    def sourced_texts(cls, values: Dict[str, Any]) -> Tuple[str, List[str | None]]:
        """The entry's name (for the error) and the texts that may name an authority."""
        raise NotImplementedError

    @root_validator(skip_on_failure=True)
    def _authority_facts_have_a_source(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        entry, texts = cls.sourced_texts(values)
        check_optional_source(entry, values, *texts)
        return values
