"""What a citizen's own words say about a booking: meeting type, reference, wish.

Plain functions used by the booking actions, so that what the citizen already
wrote ("telefonmøde på torsdag formiddag", "aflys mit møde K7Q2MP") fills the
form instead of being asked for again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Sequence, Tuple

from bot.features.booking.contact import REFERENCE_ALPHABET, REFERENCE_LENGTH
from bot.features.booking.tables import IN_PERSON, MEETING_TYPES, PHONE
from bot.language.calendar import MONTH_NAMES
from bot.language.fold import fold
from bot.language.timewish import parse_wish

_PHONE_WORDS = re.compile(
    r"telefon|\bring\w* (til )?mig\b|\bring\w* \w+ op\b|\bring\w* op\b|tlf"
    r"|\b(i|i kan|i vil|borgerrådgiveren|hun|i må) ring\w*\b",
    re.I,
)
_IN_PERSON_WORDS = re.compile(
    r"boulevard|fremmød|personligt møde|personlig|komme ind|kommer ind|ind til jer|ind på|"
    r"på kontoret|jeres kontor|ansigt til ansigt|møde op|mødes",
    re.I,
)
# "jeg kan ikke komme ind til byen" is no wish for a meeting at the office.
_NEGATED = re.compile(
    r"\b(ikke|ik|i stedet for at)\s+(\w+\s+)?(komme|kommer|møde op|mødes)\b[^.,!?]*", re.I
)
_REFERENCE = re.compile(rf"\b[A-Za-z0-9]{{{REFERENCE_LENGTH}}}\b")
_ALPHABET = set(REFERENCE_ALPHABET)
MOVE = "flyt"
CANCEL = "aflys"
_URGENT = re.compile(r"hurtigst muligt|snarest|haster|straks|akut|så hurtigt som muligt", re.I)


def meeting_type_from_text(text: str) -> str | None:
    """``telefon`` or ``fremmoede`` when the text says which, else None."""
    low = _NEGATED.sub(" ", fold(text or "").lower())
    by_phone = bool(_PHONE_WORDS.search(low))
    in_person = bool(_IN_PERSON_WORDS.search(low.replace("telefonmøde", "")))
    if by_phone == in_person:
        return None
    return PHONE if by_phone else IN_PERSON


def find_reference(text: str, *, loose: bool = False) -> str | None:
    """A booking reference in the text ("aflys mit møde K7Q2MP").

    Strict (an opening message): the token has a digit or is written in capitals,
    so an ordinary six-letter word ("venter") is not taken. Loose (the answer to
    "what is your booking number?"): any token that fits the alphabet.
    """
    compact = re.sub(r"[\s.-]", "", text or "")
    if loose and len(compact) == REFERENCE_LENGTH and set(compact.upper()) <= _ALPHABET:
        return compact.upper()  # "k7m 4qx"
    for m in _REFERENCE.finditer(text or ""):
        token = m.group(0)
        upper = token.upper()
        if not set(upper) <= _ALPHABET:
            continue
        if loose or any(c.isdigit() for c in token) or token.isupper():
            return upper
    return None


def reference_answer(text: str) -> str | None:
    """The reference in the answer to "what is your booking number?" (strict first)."""
    return find_reference(text) or find_reference(text, loose=True)


@dataclass(frozen=True)
class Opening:
    """What the message that started a booking already tells."""

    meeting_type: str | None = None
    time_wish: str | None = None
    topic: str | None = None


def read_opening(text: str, now: datetime) -> Opening:
    """Meeting type and time wish from the message that asked for a meeting."""
    if not text or text.startswith("/"):
        return Opening()
    wish = parse_wish(text, now)
    has_wish = wish.recognized and (not wish.is_empty or bool(_URGENT.search(fold(text))))
    topic = _TOPIC.search(text)
    return Opening(
        meeting_type=meeting_type_from_text(text),
        time_wish=text if has_wish else None,
        topic=(topic.group("emne") or topic.group(2)).strip(" .?!") if topic else _story(text),
    )


_ANY_DAY = datetime(2026, 1, 5, 9, 0)  # whether a sentence names a time does not depend on it
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
MIN_STORY_CHARS = 25


def _story(text: str) -> str | None:
    """The sentences of an opening message that tell the matter, not the ones that ask for
    the meeting ("Min mor har ikke fået hjemmehjælp i tre uger. Kan jeg booke en tid?")."""
    told = [
        s.strip()
        for s in _SENTENCE.findall(text)
        if not s.strip().endswith("?")  # "Hvilke papirer skal jeg have med?" asks, it tells not
        and not _MEETING_WISH.search(fold(s).lower())
        and not parse_wish(s, _ANY_DAY).recognized
    ]
    story = " ".join(t for t in told if t)
    return story.strip(" ") if len(story) >= MIN_STORY_CHARS else None


# "et møde med borgerrådgiveren om at min sagsbehandler er skiftet 4 gange": the topic.
_TOPIC = re.compile(
    r"\bemne:\s*(?P<emne>.{3,300})$|"
    r"\b(?:møde|tid|telefonmøde|samtale|snakke|tale)\b[^?!\n]{0,60}?\bom "
    r"(?!formiddagen|eftermiddagen|morgenen|mandagen|tirsdagen|onsdagen|torsdagen|fredagen"
    r"|en uge|to uger)(.{12,300})$",
    re.I | re.S,
)


_MOVE_WORDS = re.compile(
    r"\b(flyt\w*|ændre (tiden|tidspunktet|mødet|dato\w*)|ændr\w* tid\w*|rykke\w*|ryk (mødet|tiden)|"
    r"anden tid|ny tid|et andet tidspunkt|en anden dag|omlægge|byt\w* tid)\b",
    re.I,
)
_CANCEL_WORDS = re.compile(r"\b(aflys\w*|annuller\w*|slette? (mødet|tiden|min tid))\b", re.I)
_NOT_CANCEL = re.compile(r"\bikke (aflys\w*|annuller\w*)", re.I)
_IN_PERSON_ANSWER = re.compile(r"\b(møde|personligt|fysisk|ind til jer|kontoret)\b", re.I)


def change_kind_from_text(text: str) -> str | None:
    """``flyt`` or ``aflys`` when the words say which ("jeg vil FLYTTE det, ikke aflyse")."""
    low = fold(text or "").lower()
    move = bool(_MOVE_WORDS.search(low))
    cancel = bool(_CANCEL_WORDS.search(_NOT_CANCEL.sub(" ", low)))
    if move and not cancel:
        return MOVE
    if cancel and not move:
        return CANCEL
    return None


def change_kind(text: str, intent: str | None) -> str:
    """Cancel or move: the words win over the intent; cancelling when neither says."""
    return change_kind_from_text(text) or (MOVE if intent == "move_booking" else CANCEL)


_NEW_BOOKING = re.compile(
    r"\b(book\w*|bestil\w*|finde|få|have|lave) (mig |os )?(en |et )?(helt )?ny(e|t)? "
    r"(tid|møde|aftale|booking)\b|\bnyt møde\b|\bny booking\b",
    re.I,
)


def wants_new_booking(text: str) -> bool:
    """ "jeg vil bare booke en ny tid": a new meeting, not a change of the old one."""
    return bool(_NEW_BOOKING.search(fold(text or "").lower()))


_MOVE_TO = re.compile(r"\b(flyt\w*|ryk\w*|ændre?\w*|omlægge)\b.*?\btil\b(?P<wish>.+)$", re.I | re.S)
_CURRENT_MEETING = re.compile(
    r"\b(min tid|mit møde|mødet|tiden|telefonmødet|aftalen)( (på|om|i|den|d\.))? "
    r"(\w+dag(en)?|i morgen|\d{1,2}\.?( \w+)?)\b",
    re.I,
)


def move_wish_text(text: str) -> str:
    """The part of a move request that says the new time: "rykke min tid på torsdag til en
    formiddag i næste uge" wishes "en formiddag i næste uge", not Thursday."""
    low = fold(text or "")
    moved_to = _MOVE_TO.search(low)
    if moved_to:
        return moved_to.group("wish").strip()
    return _CURRENT_MEETING.sub(" ", low).strip()


def switched_kind(text: str, kind: str | None) -> str | None:
    """The other kind when the answer asks for it ("nej, jeg vil FLYTTE det"), else None."""
    said = change_kind_from_text(text)
    return said if said is not None and said != kind else None


def meeting_type_answer(text: str) -> str | None:
    """The answer to "at the office or by phone?" (a button or words).

    "møde" alone means at the office.
    """
    if (text or "").strip() in MEETING_TYPES:
        return (text or "").strip()
    said = meeting_type_from_text(text)
    if said is not None:
        return said
    low = fold(text or "").lower()
    if _IN_PERSON_ANSWER.search(low) and "telefon" not in low:
        return IN_PERSON
    return None


def day_phrase(day: date) -> str:
    """ "den 8. december": a day as a time wish, to keep it when only the hour changes."""
    return f"den {day.day}. {MONTH_NAMES[day.month - 1]}"


_MEETING_WISH = re.compile(
    r"\b(et møde|en tid|et telefonmøde|booke?|bestille?|aftale (en tid|et møde)|"
    r"ringe? (til )?mig( op)?|komme ind og (snakke|tale)|snakke med (jer|en)|tale med (jer|en))\b"
)
MIN_BOOKING_CONFIDENCE = 0.1
# Words that can only mean a meeting with the advisor, whatever the classifier saw.
_MEETING_KIND = re.compile(
    r"\btelefonmøde|\bmøde på boulevarden|\bpersonligt møde|\bbook\w* (et )?møde"
)


_ASKS_FOR_MEETING = re.compile(
    r"\b(telefonmøde|personligt møde|møde på boulevarden|(et )?møde med (borgerrådgiver\w*|jer|en "
    r"rådgiver)|en tid hos (jer|borgerrådgiver\w*)|book\w* (et |en )?(møde|tid)"
    # "vil I ringe mig op i morgen", "kan borgerrådgiveren ringe til mig", "jeg skal have en
    # tid hurtigst muligt", "komme ind til jer" (citizen round 2, c01-c03)
    r"|ringe? mig op|(vil|kan) (i|du|borgerrådgiveren|en af jer) (ikke )?ringe (til )?mig"
    # "Kan en af jeres medarbejdere kontakte mig" (citizen round 2, c24)
    r"|(vil|kan) (i|en af jer|en af jeres medarbejdere|en medarbejder|borgerrådgiveren) "
    r"(ikke )?kontakte mig"
    r"|komme ind (til jer|og (snakke|tale)))\b"
)


def asks_for_meeting(text: str) -> bool:
    """The message asks for a meeting in so many words ("kunne jeg få et telefonmøde med
    borgerrådgiveren på mandag?"), whatever matter it also describes."""
    return bool(_ASKS_FOR_MEETING.search(fold(text or "").lower()))


def wants_a_meeting(text: str, ranking: Sequence[Tuple[str, float]]) -> bool:
    """An unsure message that asks for a meeting ("kan jeg faa en tid i naeste uge").

    Either the words can only mean a meeting ("telefonmøde", "møde på boulevarden"), or
    the classifier sees booking as likely (in its top three) and the words ask for a
    meeting or a call.
    """
    low = fold(text).lower()
    if _MEETING_KIND.search(low):  # "telefonmøde tak, næste uge tirsdag", "møde på boulevarden"
        return True
    if _ASKS_FOR_MEETING.search(low):  # in so many words, whatever the classifier thought
        return True
    likely = [name for name, conf in ranking[:3] if conf >= MIN_BOOKING_CONFIDENCE]
    return "book_meeting" in likely and bool(_MEETING_WISH.search(low))


_FIX_NAME = re.compile(r"\bnavn(et)?\b|\bstavet\b")
_FIX_CONTACT = re.compile(r"\b(nummer|nummeret|telefon\w*|tlf|mail\w*|e-mail\w*|adresse\w*)\b")


def correction(text: str) -> str | None:
    """At the summary, "nej, navnet er forkert" corrects one part: ``navn``, ``kontakt``,
    or the meeting type ("nej, jeg vil hellere have at I ringer": ``telefon``/``fremmoede``)."""
    low = fold(text or "").lower()
    kind = meeting_type_from_text(low)
    if kind is not None:
        return kind
    if _FIX_NAME.search(low):
        return "navn"
    if _FIX_CONTACT.search(low):
        return "kontakt"
    return None


_EARLIER = re.compile(
    r"\b(står|stod|skrev|skrevet|nævnt\w*|sagt)\b.{0,30}\b(første|forrige|tidligere|før|ovenfor|"
    r"lige|allerede|besked\w*)\b|\b(se|som) (ovenfor|før|tidligere)\b|\bdet har jeg (jo )?(lige )?"
    r"(skrevet|sagt|forklaret)\b"
)


def refers_to_earlier(text: str) -> bool:
    """ "det står i min første besked", "som jeg skrev før": the answer is further up.
    Not when the answer goes on to tell the matter itself ("samme som før, min mor er
    flyttet på plejehjem uden at vi blev spurgt")."""
    low = fold(text or "").lower()
    found = _EARLIER.search(low) if len(low) <= 80 else None
    if found is None:
        return False
    rest = re.findall(r"[a-zæøå0-9]+", low[: found.start()] + " " + low[found.end() :])
    return len(rest) < 5


_ABOUT_A_MEETING = re.compile(
    r"\b(afbud|aflys\w*|annuller\w*|bookingnummer\w*|(flytte|rykke|ændre) (mødet|tiden|min tid"
    r"|telefonmødet))\b"
)


def earlier_topic(earlier: Sequence[str]) -> str | None:
    """The topic an answer like "det står i min første besked" points to: the longest
    message the citizen wrote before (the one that tells the story), leaving out those
    about cancelling or moving a meeting (they are not the matter, and may tell why)."""
    told = [
        t for t in earlier
        if not _ABOUT_A_MEETING.search(fold(t).lower()) and find_reference(t) is None
    ]  # fmt: skip
    return max(told, key=len) if told else None
