"""content/booking.yml: the office's booking rules and texts, read and validated.

How the office changes opening hours, meeting length or closed days
-------------------------------------------------------------------
1. Edit ``content/booking.yml`` (Danish, commented): ``aabningstider`` (per weekday,
   e.g. ``mandag: ["09:00-15:00"]``, several intervals allowed, ``[]`` = closed),
   ``moedelaengde_minutter``, ``pause_minutter`` (buffer after each meeting),
   ``varsel_minutter`` (earliest booking from now), ``bookbar_dage_frem``,
   ``raadgivere`` (names from ``content/contact.yml``, optionally with their own
   ``aabningstider``), ``lukket_ogsaa_paa`` (optional Danish holidays the office
   also closes on, e.g. Grundlovsdag) and ``lukkedage`` (single days or
   ``fra``/``til`` ranges, optionally for one ``raadgiver`` only).
2. Load the file into the database: ``sync.seed_from_file(session, path)`` (wired
   as the ``borger booking-sync`` CLI command). It validates the whole file first
   and changes nothing on an error; it reports existing future bookings that fall
   outside the new hours (they are kept - the office contacts those citizens).
3. Closed days can also be added without editing the file with
   ``sync.add_closed_day(session, day, reason)`` (source "kontor"; a later sync
   from the file keeps them).

The official Danish public holidays (``bot.language.calendar``) are always closed.
Texts of e-mails, calendar entries and date labels live in ``content/booking.yml``
(section ``tekster``) and are read at run time, not stored in the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Dict, List, Tuple

from pydantic import BaseModel, Field, root_validator, validator

from bot.core.content import ContentError, cached
from bot.core.content import load as load_content
from bot.features.booking.errors import BookingFileError
from bot.features.booking.tables import BLOCK_MINUTES, IN_PERSON, MEETING_TYPES
from bot.features.contact import cached_contact, load_contact
from bot.language.calendar import WEEKDAY_NAMES, optional_holidays


def _parse_hhmm(value: str) -> time:
    m = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*", value)
    if not m:
        raise ValueError(f"'{value}' er ikke et klokkeslæt som 09:00")
    t = time(int(m.group(1)), int(m.group(2)))
    if t.minute % BLOCK_MINUTES:
        raise ValueError(f"'{value}': minuttallet skal gå op i {BLOCK_MINUTES}")
    return t


def _parse_interval(value: str) -> Tuple[time, time]:
    parts = str(value).split("-")
    if len(parts) != 2:
        raise ValueError(f"'{value}' skal skrives som 09:00-15:00")
    opens, closes = _parse_hhmm(parts[0]), _parse_hhmm(parts[1])
    if closes <= opens:
        raise ValueError(f"'{value}': sluttid skal være efter starttid")
    return opens, closes


WeeklyHours = Dict[int, List[Tuple[time, time]]]


def parse_week(raw: Dict[str, Any]) -> WeeklyHours:
    """``{"mandag": ["09:00-15:00"]}`` as weekday (0 = Monday) -> sorted intervals."""
    week: WeeklyHours = {}
    for key, intervals in (raw or {}).items():
        name = str(key).strip().lower()
        if name not in WEEKDAY_NAMES:
            raise ValueError(f"'{key}' er ikke en ugedag ({', '.join(WEEKDAY_NAMES)})")
        parsed = sorted(_parse_interval(i) for i in (intervals or []))
        for (_, a_end), (b_start, _) in zip(parsed, parsed[1:], strict=False):
            if b_start < a_end:
                raise ValueError(f"{key}: tidsrummene overlapper")
        week[WEEKDAY_NAMES.index(name)] = parsed
    return week


class AdvisorSpec(BaseModel):
    navn: str
    aabningstider: Dict[str, List[str]] | None = None

    @validator("aabningstider")
    def _valid_week(cls, value: Dict[str, Any] | None) -> Dict[str, Any] | None:
        if value is not None:
            parse_week(value)
        return value


class ClosedSpec(BaseModel):
    dato: date | None = None
    fra: date | None = None
    til: date | None = None
    grund: str = "Lukket"
    raadgiver: str | None = None

    @root_validator(skip_on_failure=True)
    def _one_day_or_range(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        if values.get("dato") is not None:
            if values.get("fra") or values.get("til"):
                raise ValueError("skriv enten dato eller fra/til")
        elif values.get("fra") is None or values.get("til") is None:
            raise ValueError("skriv dato, eller både fra og til")
        elif values["til"] < values["fra"]:
            raise ValueError("til skal være efter fra")
        elif (values["til"] - values["fra"]).days > 366:
            raise ValueError("en lukkeperiode kan højst være et år")
        return values

    def days(self) -> List[date]:
        if self.dato is not None:
            return [self.dato]
        assert self.fra is not None and self.til is not None
        return [self.fra + timedelta(days=i) for i in range((self.til - self.fra).days + 1)]


_TEXT_FIELDS = {
    "navn",
    "tidspunkt",
    "moedeform",
    "sted",
    "reference",
    "kontor",
    "telefon",
    "adresse",
    "raadgiver",
}


class Texts(BaseModel):
    """Danish texts from ``tekster`` in content/booking.yml."""

    ugedage: List[str]
    maaneder: List[str]
    tidspunkt: str = "{ugedag} den {dag}. {maaned} kl. {tid}"
    moedeformer: Dict[str, str]
    sted_telefon: str
    mail_emne_bekraeftelse: str
    mail_tekst_bekraeftelse: str
    mail_emne_flyttet: str
    mail_tekst_flyttet: str
    mail_emne_aflyst: str
    mail_tekst_aflyst: str
    kalender_titel: str
    kalender_beskrivelse: str
    # The first mail to an address: a link to confirm it, nothing the citizen wrote.
    mail_emne_bekraeft_adresse: str
    mail_tekst_bekraeft_adresse: str

    @validator("ugedage")
    def _seven(cls, value: List[str]) -> List[str]:
        if len(value) != 7:
            raise ValueError("ugedage skal have 7 navne, mandag først")
        return value

    @validator("maaneder")
    def _twelve(cls, value: List[str]) -> List[str]:
        if len(value) != 12:
            raise ValueError("maaneder skal have 12 navne, januar først")
        return value

    @validator("moedeformer")
    def _types(cls, value: Dict[str, str]) -> Dict[str, str]:
        missing = [t for t in MEETING_TYPES if t not in value]
        if missing:
            raise ValueError(f"moedeformer mangler {', '.join(missing)}")
        return value

    @validator("tidspunkt")
    def _label_template(cls, value: str) -> str:
        _check_template(value, {"ugedag", "dag", "maaned", "tid", "aar"})
        return value

    @validator(
        "sted_telefon",
        "mail_emne_bekraeftelse",
        "mail_tekst_bekraeftelse",
        "mail_emne_flyttet",
        "mail_tekst_flyttet",
        "mail_emne_aflyst",
        "mail_tekst_aflyst",
        "kalender_titel",
        "kalender_beskrivelse",
    )
    def _mail_template(cls, value: str) -> str:
        _check_template(value, _TEXT_FIELDS)
        return value

    @validator("mail_emne_bekraeft_adresse", "mail_tekst_bekraeft_adresse")
    def _link_template(cls, value: str) -> str:
        _check_template(value, {"link", "kontor", "telefon", "adresse"})
        return value


def _check_template(template: str, allowed: set[str]) -> None:
    names = set(re.findall(r"{([^{}]*)}", template))
    unknown = names - allowed
    if unknown:
        fields = ", ".join("{" + a + "}" for a in sorted(allowed))
        raise ValueError(f"ukendt felt {{{sorted(unknown)[0]}}}; brug {fields}")


class BookingFile(BaseModel):
    """content/booking.yml, validated."""

    moedelaengde_minutter: int = Field(45, ge=10, le=240)
    pause_minutter: int = Field(15, ge=0, le=120)
    varsel_minutter: int = Field(120, ge=0, le=60 * 24 * 14)
    bookbar_dage_frem: int = Field(60, ge=1, le=366)
    antal_forslag: int = Field(3, ge=3, le=8)
    aabningstider: Dict[str, List[str]]
    raadgivere: List[AdvisorSpec]
    lukket_ogsaa_paa: List[str] = []
    lukkedage: List[ClosedSpec] = []
    tekster: Texts

    @validator("moedelaengde_minutter", "pause_minutter")
    def _multiple_of_block(cls, value: int) -> int:
        if value % BLOCK_MINUTES:
            raise ValueError(f"skal gå op i {BLOCK_MINUTES} minutter")
        return value

    @validator("aabningstider")
    def _valid_week(cls, value: Dict[str, Any]) -> Dict[str, Any]:
        parse_week(value)
        return value

    @validator("raadgivere")
    def _unique_advisors(cls, value: List[AdvisorSpec]) -> List[AdvisorSpec]:
        if not value:
            raise ValueError("der skal være mindst én rådgiver")
        names = [a.navn.strip() for a in value]
        if len(set(names)) != len(names):
            raise ValueError("en rådgiver står der to gange")
        return value

    @validator("lukket_ogsaa_paa", each_item=True)
    def _known_holiday(cls, value: str) -> str:
        known = optional_holiday_names()
        if value not in known:
            raise ValueError(f"'{value}' er ikke en af {', '.join(sorted(known))}")
        return value

    @root_validator(skip_on_failure=True)
    def _closed_for_known_advisor(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        names = {a.navn.strip() for a in values["raadgivere"]}
        for spec in values.get("lukkedage", []):
            if spec.raadgiver is not None and spec.raadgiver.strip() not in names:
                raise ValueError(f"lukkedage: '{spec.raadgiver}' står ikke under raadgivere")
        return values

    def week(self) -> WeeklyHours:
        return parse_week(self.aabningstider)


def optional_holiday_names() -> frozenset[str]:
    """Danish names of the days the office may choose to close on too."""
    year = date.today().year
    names: set[str] = set()
    for y in (year, year + 1):
        for name in optional_holidays(y).values():
            names.update(n.strip() for n in name.split(";"))
    return frozenset(names)


def load_booking_file(path: Path, contact_path: Path | None = None) -> BookingFile:
    """Read and validate content/booking.yml (and that advisors are in contact.yml)."""
    try:
        parsed = load_content(path, BookingFile.parse_obj)
    except ContentError as exc:
        raise BookingFileError(str(exc)) from exc
    contact_path = contact_path or path.parent / "contact.yml"
    if contact_path.exists():
        staff = {p.navn for p in load_contact(contact_path).medarbejdere}
        for spec in parsed.raadgivere:
            if spec.navn.strip() not in staff:
                raise BookingFileError(
                    f"{path}: raadgiver '{spec.navn}' står ikke under medarbejdere i {contact_path}"
                )
    return parsed


@dataclass(frozen=True)
class OfficeTexts:
    """Texts for labels, e-mails and calendar entries: the file's plus contact data."""

    texts: Texts
    kontor: str
    telefon: str
    adresse: str

    def label(self, start: datetime) -> str:
        """A Danish label such as "torsdag den 3. december kl. 10.00"."""
        t = self.texts
        return t.tidspunkt.format(
            ugedag=t.ugedage[start.weekday()],
            dag=start.day,
            maaned=t.maaneder[start.month - 1],
            tid=f"{start:%H.%M}",
            aar=start.year,
        )

    def meeting_type_label(self, meeting_type: str) -> str:
        return self.texts.moedeformer.get(meeting_type, meeting_type)

    def location(self, meeting_type: str) -> str:
        return self.adresse if meeting_type == IN_PERSON else self.texts.sted_telefon


def load_texts(path: Path, contact_path: Path | None = None) -> OfficeTexts:
    """The file's texts with the office's name, phone and address from contact.yml."""
    contact_path = contact_path or path.parent / "contact.yml"
    contact = load_contact(contact_path)
    return OfficeTexts(
        texts=load_booking_file(path, contact_path).tekster,
        kontor=contact.navn,
        telefon=contact.hovedtelefon,
        adresse=contact.adresse,
    )


def cached_texts(path: Path) -> OfficeTexts:
    """The newest good texts (booking.yml and contact.yml): an edit shows up in the next
    answer; ``BookingFileError`` only when there has never been a good version."""
    try:
        booking = cached(path, BookingFile.parse_obj)
        contact = cached_contact(path.parent / "contact.yml")
    except ContentError as exc:
        raise BookingFileError(str(exc)) from exc
    return OfficeTexts(
        texts=booking.tekster,
        kontor=contact.navn,
        telefon=contact.hovedtelefon,
        adresse=contact.adresse,
    )
