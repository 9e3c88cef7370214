"""The booking conversation's decisions, as plain functions (no Rasa).

What an answer means (a time chosen by button or in words, a confirmation, the
phone/e-mail) and what to say, as response names with their variables
(``Reply``), which the actions in ``actions/booking.py`` and
``actions/booking_change.py`` send as they are.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Dict, List, Sequence, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.features.booking.commands import BookingRequest
from bot.features.booking.contact import parse_contact, reachable_contact, request_key
from bot.features.booking.guard import BookingLimit
from bot.features.booking.mails import mail_vars
from bot.features.booking.offers import pick_offered
from bot.features.booking.office import OfficeTexts
from bot.features.booking.slots import (
    Slot,
    exact_wish,
    find_offers,
    find_slot,
    is_slot_key,
    parse_slot_key,
)
from bot.features.booking.tables import DEFAULT_TZ, MEETING_TYPES, PHONE, BookingInfo
from bot.features.booking.wording import MOVE, day_phrase, meeting_type_answer, read_opening
from bot.language.answers import yes_no
from bot.language.fold import fold
from bot.language.timewish import parse_wish, refine_wish

Reply = Tuple[str, Dict[str, Any]]  # (response name, its variables)

# Failed look-ups of a booking (wrong reference or contact) per conversation.
MAX_CHANGE_ATTEMPTS = 3

# --------------------------------------------------------------------------- the time


@dataclass(frozen=True)
class TimeChoice:
    slot: Slot | None  # the free slot chosen, if any
    wish: str  # otherwise: the wish to offer times for
    taken: bool = False  # a button for a time that is no longer free


def choose_time(
    session: Session,
    answer: str,
    previous_wish: str,
    *,
    now: datetime,
    tz: str = DEFAULT_TZ,
    exclude_booking_id: int | None = None,
    offered: Sequence[str] = (),
) -> TimeChoice:
    """A button key, an offered time named in words ("den sidste", ``offered`` being the
    keys just offered), or a time wish: exact and free is chosen, anything else is offered.

    A wish refines the one before ("kl 13" after "den 3. december").
    """
    text = answer.strip()
    start = parse_slot_key(text, tz) if is_slot_key(text) else None
    if start is None and offered:
        times = [t for t in (parse_slot_key(k, tz) for k in offered) if t is not None]
        start = pick_offered(text, times, now)
    if start is None:
        text = refine_wish("" if is_slot_key(previous_wish) else previous_wish, text, now)
        wish = parse_wish(text, now)
        if wish.is_exact:
            assert wish.date_from is not None and wish.at is not None
            start = datetime.combine(wish.date_from, wish.at, ZoneInfo(tz))
    slot = None
    if start is not None:
        slot = find_slot(session, start, now=now, tz=tz, exclude_booking_id=exclude_booking_id)
    return TimeChoice(slot=slot, wish=text, taken=slot is None and is_slot_key(text))


@dataclass(frozen=True)
class OfferPlan:
    slots: List[Slot]
    response: str


def offer_times(
    session: Session,
    wish_text: str,
    *,
    now: datetime,
    tz: str = DEFAULT_TZ,
    exclude_booking_id: int | None = None,
) -> OfferPlan:
    """Free times for the wish and how to present them (no slots: call the office)."""
    start = parse_slot_key(wish_text, tz) if is_slot_key(wish_text) else None
    wish = exact_wish(start) if start is not None else parse_wish(wish_text, now)
    offers = find_offers(session, now=now, wish=wish, tz=tz, exclude_booking_id=exclude_booking_id)
    if not offers.slots:
        response = "utter_booking_no_slots"
    elif wish_text and not wish.recognized and start is None:
        response = "utter_booking_wish_not_understood"
    elif wish.is_empty:
        response = "utter_booking_offer"
    elif offers.matched:
        response = "utter_booking_offer_wish"
    else:
        response = "utter_booking_offer_nearest"
    return OfferPlan(slots=offers.slots, response=response)


def confirmation(value: Any) -> bool | None:
    """Yes or no to the summary, by button (a bool) or typed; None when unclear."""
    return value if isinstance(value, bool) else yes_no(str(value))


def names_a_time(text: str, now: datetime) -> bool:
    """ "nej, den 10. december kl 13": a no that asks for another time."""
    return parse_wish(text, now).recognized


def kept_day(slot_key: str, tz: str = DEFAULT_TZ) -> str | None:
    """The chosen slot's day as a wish, so "hellere kl 13" keeps it."""
    start = parse_slot_key(slot_key, tz)
    return day_phrase(start.date()) if start else None


# --------------------------------------------------------------------------- the details


def meeting_type_and_wish(text: str, now: datetime) -> Tuple[str | None, str | None]:
    """The answer to "at the office or by phone?" and a time wish given with it
    ("telefon, tirsdag den 8 kl 13")."""
    kind = meeting_type_answer(text)
    return kind, read_opening(text, now).time_wish if kind else None


_ANY_TYPE = re.compile(
    r"\b(ligegyldig\w*|ligemeget|lige meget|lige gyldigt|begge dele|hvad som helst|"
    r"det samme for mig|uanset hvad|hvad der er hurtigst|det hurtigste|det der er først)\b"
)


def any_meeting_type(text: str) -> bool:
    """ "ligemeget bare det er snart": either kind of meeting will do (citizen round 2, c03)."""
    return bool(_ANY_TYPE.search(fold(text or "").lower()))


def contact_answer(
    text: str, meeting_type: str | None, earlier: Sequence[str] = ()
) -> Tuple[str | None, str | None]:
    """(the phone/e-mail to keep, or None; the response that says what is missing).

    ``earlier`` are the citizen's messages just before: an e-mail address given when a
    phone number was asked for ("nej, min mail er ...") is kept with the phone number
    that follows, and the other way round."""
    info = reachable_contact(text)
    for before in reversed(earlier[-2:]):
        more = reachable_contact(before)
        info = replace(info, phone=info.phone or more.phone, email=info.email or more.email)
    if info.empty:
        return None, "utter_booking_contact_invalid"
    if meeting_type == PHONE and not info.phone:
        return None, "utter_booking_phone_needed"
    return info.text, None


def booking_request(
    *,
    slot_key: str,
    contact: str,
    meeting_type: Any,
    topic: str,
    name: str,
    conversation_id: str,
    tz: str = DEFAULT_TZ,
) -> BookingRequest | None:
    """The request from the form's answers; None when one is missing or invalid."""
    start = parse_slot_key(slot_key, tz)
    info = parse_contact(contact)
    if start is None or info.empty or meeting_type not in MEETING_TYPES:
        return None
    return BookingRequest(
        start=start,
        meeting_type=str(meeting_type),
        topic=topic,
        name=name,
        phone=info.phone,
        email=info.email,
        request_key=request_key(conversation_id, start.isoformat()),
    )


# --------------------------------------------------------------------------- replies


def _meeting(info: BookingInfo, texts: OfficeTexts) -> Dict[str, Any]:
    values = mail_vars(info, texts)
    return {
        "tidspunkt": values["tidspunkt"],
        "moedeform": values["moedeform"],
        "reference": info.reference,
    }


def booked_replies(info: BookingInfo, texts: OfficeTexts, phone: str) -> List[Reply]:
    """Booked: when, how and the reference; then where the confirmation is."""
    if info.mail_queued:
        where: Reply = ("utter_booking_booked_mail", {"email": info.email})
    elif info.mail_link:  # the address confirms first (bot.features.booking.mails)
        where = ("utter_booking_booked_link", {"email": info.email})
    else:
        where = ("utter_booking_booked_chat", {"telefon": phone})
    return [("utter_booking_booked", _meeting(info, texts)), where]


def failure_reply(exc: BaseException | None, phone: str) -> Reply:
    """What to say when booking, moving or a look-up failed: a limit, or an error."""
    response = "utter_booking_limit" if isinstance(exc, BookingLimit) else "utter_booking_error"
    return (response, {"telefon": phone})


def moved_replies(info: BookingInfo, texts: OfficeTexts) -> List[Reply]:
    replies: List[Reply] = [("utter_booking_moved", _meeting(info, texts))]
    if info.mail_queued:
        replies.append(("utter_booking_moved_mail", {}))
    return replies


def cancelled_replies(info: BookingInfo, texts: OfficeTexts) -> List[Reply]:
    replies: List[Reply] = [("utter_booking_cancelled", {"tidspunkt": texts.label(info.start)})]
    if info.mail_queued:
        replies.append(("utter_booking_cancelled_mail", {}))
    return replies


def change_summary(
    kind: str | None, current: BookingInfo, new_label: str | None, texts: OfficeTexts
) -> Reply:
    """What to confirm before a move (to ``new_label``) or a cancellation."""
    if kind == MOVE:
        return (
            "utter_booking_confirm_move",
            {"gammelt_tidspunkt": texts.label(current.start), "tidspunkt": new_label},
        )
    return (
        "utter_booking_confirm_cancel",
        {"tidspunkt": texts.label(current.start), "reference": current.reference},
    )


def slot_button(slot: Slot, texts: OfficeTexts) -> Dict[str, str]:
    """A button that chooses ``slot``: its label, and its key as the payload."""
    payload = json.dumps({"slot_start": slot.key}, separators=(",", ":"))
    label = texts.label(slot.start)
    return {"title": label[:1].upper() + label[1:], "payload": f"/inform{payload}"}
