"""Rasa actions for booking, cancelling and moving a meeting (logic in bot.booking).

- ``action_booking_start`` / ``action_booking_change_start``: intro, fresh slots.
- ``validate_booking_form``: topic, meeting type, time (button key or a Danish time
  wish, see bot.timeparse), name, phone/e-mail, confirmation.
- ``action_ask_booking_slot_start``: offers free times as buttons
  (``/inform{"slot_start":"2025-12-03T10:00+01:00"}``).
- ``action_ask_booking_confirmed``: the summary to confirm (new booking, cancel, move).
- ``action_book_meeting``, ``action_cancel_booking``, ``action_move_booking``: submit.
- ``validate_booking_change_form``: booking reference + the phone/e-mail booked with
  (at most ``MAX_CHANGE_ATTEMPTS`` failed look-ups per conversation).
- "stop" while a form is active ends it (actions/forms.py); the submit actions say so.

The database is opened lazily on first use (and seeded from data/booking.yml when
empty); nothing connects at import time. Texts come from the domain responses and
data/booking.yml. Personal data is never logged.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Set
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from actions.forms import FORM_STOPPED, CitizenFormValidation, latest_text, stopped
from bot import booking as bk
from bot import booking_text as bt
from bot.contact import cached_contact
from bot.db import shared_session_factory
from bot.language.answers import yes_no
from bot.settings import Settings, get_settings
from bot.timeparse import parse_wish, refine_wish

log = logging.getLogger(__name__)

FORM = "booking_form"
CHANGE_FORM = "booking_change_form"
REQUESTED_SLOT = "requested_slot"
TOPIC = "booking_topic"
MEETING_TYPE = "booking_meeting_type"
SLOT_START = "booking_slot_start"
TIME_WISH = "booking_time_wish"
SLOT_LABEL = "booking_slot_label"
NAME = "booking_name"
CONTACT = "booking_contact"
CONFIRMED = "booking_confirmed"
REFERENCE = "booking_reference"
CHANGE_CONTACT = "booking_change_contact"
CHANGE_KIND = "booking_change_kind"
ATTEMPTS = "booking_change_attempts"

CANCEL = "aflys"
MOVE = "flyt"
MAX_CHANGE_ATTEMPTS = 3
_CHANGE_INTRO = {
    CANCEL: "utter_booking_change_intro_cancel",
    MOVE: "utter_booking_change_intro_move",
}
BOOKING_FILE = "booking.yml"

BOOKING_SLOTS = [TOPIC, MEETING_TYPE, SLOT_START, TIME_WISH, SLOT_LABEL, NAME, CONTACT, CONFIRMED]
CHANGE_SLOTS = [REFERENCE, CHANGE_CONTACT, SLOT_START, TIME_WISH, SLOT_LABEL, CONFIRMED]

_ISO_KEY = re.compile(r"^\s*\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")

_seeded: Set[str] = set()


def _session_factory(settings: Settings) -> sessionmaker:
    """The app database, with the booking rules loaded on first use."""
    url = settings.app_database_url
    factory = shared_session_factory(url)
    if url not in _seeded:
        with factory() as session:
            bk.ensure_seeded(session, settings.data_dir / BOOKING_FILE, tz=settings.timezone)
        _seeded.add(url)
    return factory


def _now(settings: Settings) -> datetime:
    return datetime.now(ZoneInfo(settings.timezone))


@lru_cache(maxsize=4)
def _texts_for(path: Path) -> bk.OfficeTexts:
    return bk.load_texts(path)


def _texts(settings: Settings) -> bk.OfficeTexts:
    """Texts from data/booking.yml (``BookingFileError`` when the file is broken)."""
    return _texts_for(settings.data_dir / BOOKING_FILE)


def _texts_or_error(settings: Settings, dispatcher: CollectingDispatcher) -> bk.OfficeTexts | None:
    """The texts, or None after telling the citizen (a broken data/booking.yml)."""
    try:
        return _texts(settings)
    except bk.BookingError as exc:
        log.error("booking: data/booking.yml could not be loaded (%s)", type(exc).__name__)
        dispatcher.utter_message(response="utter_booking_error", telefon=_phone(settings))
        return None


def _phone(settings: Settings) -> str:
    return cached_contact(settings.data_dir / "contact.yml").hovedtelefon


def _mail_domain(settings: Settings) -> str:
    return bk.mail_domain_of(settings.mail_from)


def _reset(names: List[str]) -> List[EventType]:
    return [SlotSet(name, None) for name in names]


def _capitalised(label: str) -> str:
    return label[:1].upper() + label[1:]


def _slot_button(slot: bk.Slot, texts: bk.OfficeTexts) -> Dict[str, str]:
    payload = json.dumps({"slot_start": slot.key}, separators=(",", ":"))
    return {"title": _capitalised(texts.label(slot.start)), "payload": f"/inform{payload}"}


def _contact_text(info: bk.ContactInfo) -> str:
    return ", ".join(p for p in (info.phone, info.email) if p)


def _active_form(tracker: Tracker) -> str | None:
    return (tracker.active_loop or {}).get("name")


def _lookup_current(session: Session, tracker: Tracker, settings: Settings) -> bk.BookingInfo:
    return bk.find_booking(
        session,
        str(tracker.get_slot(REFERENCE) or ""),
        bk.parse_contact(str(tracker.get_slot(CHANGE_CONTACT) or "")),
        tz=settings.timezone,
    )


# --------------------------------------------------------------------------- start / stop


class ActionBookingStart(Action):
    """Intro and fresh slots; what the opening message already says fills the form."""

    def name(self) -> str:
        return "action_booking_start"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_booking_intro")
        opening = bt.read_opening(latest_text(tracker), _now(get_settings()))
        return [
            *_reset([*BOOKING_SLOTS, FORM_STOPPED]),
            SlotSet(MEETING_TYPE, opening.meeting_type),
            SlotSet(TIME_WISH, opening.time_wish),
            FollowupAction(FORM),  # also when the fallback started the booking
        ]


class ActionBookingChangeStart(Action):
    """Cancel or move: the kind from the words, a reference in the message is used."""

    def name(self) -> str:
        return "action_booking_change_start"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        text = latest_text(tracker)
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        kind = bt.change_kind_from_text(text) or (MOVE if intent == "move_booking" else CANCEL)
        dispatcher.utter_message(response=_CHANGE_INTRO[kind])
        return [
            SlotSet(CHANGE_KIND, kind),
            *_reset([*CHANGE_SLOTS, FORM_STOPPED]),
            SlotSet(REFERENCE, bt.find_reference(text)),
        ]


def _back_to_form(form: str, start: datetime) -> List[EventType]:
    """The wanted time was taken meanwhile: back into the form with offers near it."""
    return [
        SlotSet(SLOT_START, None),
        SlotSet(SLOT_LABEL, None),
        SlotSet(CONFIRMED, None),
        SlotSet(TIME_WISH, start.isoformat(timespec="minutes")),
        ActiveLoop(form),
        FollowupAction(form),
    ]


# --------------------------------------------------------------------------- time choice


def _validate_slot_start(
    value: Any,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    *,
    moving: bool,
) -> Dict[str, Any]:
    """A button key, or a time wish (exact and free = chosen, else offers are shown)."""
    settings = get_settings()
    text = str(value or "").strip()
    if not text or text.startswith("/"):
        return {SLOT_START: None}
    now = _now(settings)
    start = bk.parse_slot_key(text, settings.timezone) if _ISO_KEY.match(text) else None
    if start is None:
        previous = str(tracker.get_slot(TIME_WISH) or "")
        text = refine_wish("" if _ISO_KEY.match(previous) else previous, text, now)
        wish = parse_wish(text, now)
        if wish.is_exact:
            assert wish.date_from is not None and wish.at is not None
            start = datetime.combine(wish.date_from, wish.at, ZoneInfo(settings.timezone))
    try:
        with _session_factory(settings)() as session:
            exclude = _lookup_current(session, tracker, settings).id if moving else None
            slot = (
                bk.find_slot(
                    session, start, now=now, tz=settings.timezone, exclude_booking_id=exclude
                )
                if start is not None
                else None
            )
    except (SQLAlchemyError, bk.BookingError) as exc:
        log.error("booking: slot check failed (%s)", type(exc).__name__)
        dispatcher.utter_message(response="utter_booking_error", telefon=_phone(settings))
        return {SLOT_START: None}
    if slot is not None:
        texts = _texts_or_error(settings, dispatcher)
        if texts is None:
            return {SLOT_START: None}
        return {SLOT_START: slot.key, SLOT_LABEL: texts.label(slot.start), TIME_WISH: None}
    if _ISO_KEY.match(text):
        # A button for a time that was taken meanwhile (or is no longer bookable).
        dispatcher.utter_message(response="utter_booking_slot_taken")
    return {SLOT_START: None, TIME_WISH: text}


class ActionAskBookingSlotStart(Action):
    """Offer free times as buttons, following the citizen's time wish if any."""

    def name(self) -> str:
        return "action_ask_booking_slot_start"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        settings = get_settings()
        texts = _texts_or_error(settings, dispatcher)
        if texts is None:
            return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        now = _now(settings)
        wish_text = str(tracker.get_slot(TIME_WISH) or "")
        if _ISO_KEY.match(wish_text):
            start = bk.parse_slot_key(wish_text, settings.timezone)
            assert start is not None
            wish = bk.TimeWish(date_from=start.date(), date_to=start.date(), at=start.time())
        else:
            wish = parse_wish(wish_text, now)
        try:
            with _session_factory(settings)() as session:
                exclude = None
                if _active_form(tracker) == CHANGE_FORM:
                    exclude = _lookup_current(session, tracker, settings).id
                offers = bk.find_offers(
                    session, now=now, wish=wish, tz=settings.timezone, exclude_booking_id=exclude
                )
        except (SQLAlchemyError, bk.BookingError) as exc:
            log.error("booking: slot search failed (%s)", type(exc).__name__)
            dispatcher.utter_message(response="utter_booking_error", telefon=_phone(settings))
            return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        if not offers.slots:
            dispatcher.utter_message(response="utter_booking_no_slots", telefon=_phone(settings))
            return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        if wish_text and not wish.recognized and not _ISO_KEY.match(wish_text):
            response = "utter_booking_wish_not_understood"
        elif wish.is_empty:
            response = "utter_booking_offer"
        elif offers.matched:
            response = "utter_booking_offer_wish"
        else:
            response = "utter_booking_offer_nearest"
        buttons = [_slot_button(slot, texts) for slot in offers.slots]
        dispatcher.utter_message(response=response, buttons=buttons)
        return []


# --------------------------------------------------------------------------- new booking


class _ConfirmedSlot:
    """The yes/no confirmation both booking forms end with, typed or by button.

    "nej, den 10. december kl 13" is a no with a new time: back to the time choice.
    """

    def validate_booking_confirmed(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        text = str(slot_value)
        answer = slot_value if isinstance(slot_value, bool) else yes_no(text)
        if answer is None or answer is False:
            moving = _active_form(tracker) == CHANGE_FORM
            wants_time = tracker.get_slot(CHANGE_KIND) == MOVE or not moving
            settings = get_settings()
            if wants_time and parse_wish(text, _now(settings)).recognized:
                key = str(tracker.get_slot(SLOT_START) or "")
                chosen_start = bk.parse_slot_key(key, settings.timezone)
                day = bt.day_phrase(chosen_start.date()) if chosen_start else None
                tracker.slots[TIME_WISH] = day
                chosen = _validate_slot_start(text, dispatcher, tracker, moving=moving)
                return {CONFIRMED: None, SLOT_LABEL: None, **chosen}
        if answer is None:
            dispatcher.utter_message(response="utter_booking_confirm_unclear")
        return {CONFIRMED: answer}


class ValidateBookingForm(_ConfirmedSlot, CitizenFormValidation):
    def name(self) -> str:
        return "validate_booking_form"

    def validate_booking_topic(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        topic = bk.clean_topic(str(slot_value or ""))
        if len(topic) < 3 or topic.startswith("/"):
            dispatcher.utter_message(response="utter_booking_topic_too_short")
            return {TOPIC: None}
        return {TOPIC: topic}

    def validate_booking_meeting_type(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        text = str(slot_value or "").strip()
        if text in bk.MEETING_TYPES:
            return {MEETING_TYPE: text}
        answer = bt.meeting_type_answer(text)
        if answer is not None:
            return {MEETING_TYPE: answer}
        dispatcher.utter_message(response="utter_booking_meeting_type_invalid")
        return {MEETING_TYPE: None}

    def validate_booking_slot_start(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        return _validate_slot_start(slot_value, dispatcher, tracker, moving=False)

    def validate_booking_name(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        name = re.sub(r"\s+", " ", str(slot_value or "")).strip()
        name = re.sub(r"^(?:jeg hedder|mit navn er|navn:)\s*", "", name, flags=re.I).strip()
        if not (2 <= len(name) <= 100) or not re.search(r"[^\W\d_]", name) or "/" in name[:1]:
            dispatcher.utter_message(response="utter_booking_name_invalid")
            return {NAME: None}
        return {NAME: name}

    def validate_booking_contact(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        from bot.outbox import InvalidMail, validate_address

        info = bk.parse_contact(str(slot_value or ""))
        if info.email:
            try:
                validate_address(info.email)
            except InvalidMail:
                info = bk.ContactInfo(phone=info.phone)
        if info.empty:
            dispatcher.utter_message(response="utter_booking_contact_invalid")
            return {CONTACT: None}
        if tracker.get_slot(MEETING_TYPE) == bk.PHONE and not info.phone:
            dispatcher.utter_message(response="utter_booking_phone_needed")
            return {CONTACT: None}
        return {CONTACT: _contact_text(info)}


class ActionAskBookingConfirmed(Action):
    """The summary to confirm: new booking, cancellation or move."""

    def name(self) -> str:
        return "action_ask_booking_confirmed"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        settings = get_settings()
        texts = _texts_or_error(settings, dispatcher)
        if texts is None:
            return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        if _active_form(tracker) != CHANGE_FORM:
            dispatcher.utter_message(
                response="utter_booking_confirm_new",
                tidspunkt=tracker.get_slot(SLOT_LABEL),
                moedeform=texts.meeting_type_label(str(tracker.get_slot(MEETING_TYPE))),
                emne=tracker.get_slot(TOPIC),
                navn=tracker.get_slot(NAME),
                kontakt=tracker.get_slot(CONTACT),
            )
            return []
        try:
            with _session_factory(settings)() as session:
                current = _lookup_current(session, tracker, settings)
        except (SQLAlchemyError, bk.BookingError) as exc:
            log.error("booking: look-up for confirmation failed (%s)", type(exc).__name__)
            dispatcher.utter_message(response="utter_booking_error", telefon=_phone(settings))
            return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        if tracker.get_slot(CHANGE_KIND) == MOVE:
            dispatcher.utter_message(
                response="utter_booking_confirm_move",
                gammelt_tidspunkt=texts.label(current.start),
                tidspunkt=tracker.get_slot(SLOT_LABEL),
            )
        else:
            dispatcher.utter_message(
                response="utter_booking_confirm_cancel",
                tidspunkt=texts.label(current.start),
                reference=current.reference,
            )
        return []


class ActionBookMeeting(Action):
    def name(self) -> str:
        return "action_book_meeting"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        settings = get_settings()
        phone = _phone(settings)
        if stopped(tracker):
            dispatcher.utter_message(response="utter_booking_stopped", telefon=phone)
            return _reset([*BOOKING_SLOTS, FORM_STOPPED])
        confirmed = tracker.get_slot(CONFIRMED)
        if confirmed is None:  # the form ended early and has said why
            return _reset(BOOKING_SLOTS)
        if confirmed is not True:
            dispatcher.utter_message(response="utter_booking_not_booked", telefon=phone)
            return _reset(BOOKING_SLOTS)
        start = bk.parse_slot_key(str(tracker.get_slot(SLOT_START) or ""), settings.timezone)
        contact = bk.parse_contact(str(tracker.get_slot(CONTACT) or ""))
        meeting_type = tracker.get_slot(MEETING_TYPE)
        if start is None or contact.empty or meeting_type not in bk.MEETING_TYPES:
            dispatcher.utter_message(response="utter_booking_error", telefon=phone)
            return _reset(BOOKING_SLOTS)
        texts = _texts_or_error(settings, dispatcher)
        if texts is None:
            return _reset(BOOKING_SLOTS)
        request = bk.BookingRequest(
            start=start,
            meeting_type=str(meeting_type),
            topic=str(tracker.get_slot(TOPIC) or ""),
            name=str(tracker.get_slot(NAME) or ""),
            phone=contact.phone,
            email=contact.email,
            request_key=bk.request_key(tracker.sender_id, start.isoformat()),
        )
        try:
            with _session_factory(settings)() as session:
                info = bk.book(
                    session,
                    request,
                    now=_now(settings),
                    texts=texts,
                    tz=settings.timezone,
                    mail_domain=_mail_domain(settings),
                )
        except bk.SlotTaken:
            # Taken meanwhile: back into the form with offers near the wanted time.
            dispatcher.utter_message(response="utter_booking_slot_taken")
            return _back_to_form(FORM, start)
        except (SQLAlchemyError, bk.BookingError) as exc:
            log.error("booking: booking failed (%s)", type(exc).__name__)
            dispatcher.utter_message(response="utter_booking_error", telefon=phone)
            return _reset(BOOKING_SLOTS)
        values = bk.mail_vars(info, texts)
        dispatcher.utter_message(
            response="utter_booking_booked",
            tidspunkt=values["tidspunkt"],
            moedeform=values["moedeform"],
            reference=info.reference,
        )
        if info.mail_queued:
            dispatcher.utter_message(response="utter_booking_booked_mail", email=info.email)
        else:
            dispatcher.utter_message(response="utter_booking_booked_chat", telefon=phone)
        return _reset(BOOKING_SLOTS)


# --------------------------------------------------------------------------- cancel / move


class ValidateBookingChangeForm(_ConfirmedSlot, CitizenFormValidation):
    def name(self) -> str:
        return "validate_booking_change_form"

    def slots_for(self, domain_slots: List[str], tracker: Tracker) -> List[str]:
        if tracker.get_slot(CHANGE_KIND) == MOVE:
            return domain_slots
        return [s for s in domain_slots if s != SLOT_START]

    def validate_booking_reference(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        text = str(slot_value or "")
        switch = _switch_kind(text, tracker, dispatcher)
        if switch:
            return {**switch, REFERENCE: bt.find_reference(text)}
        ref = bt.find_reference(text) or bt.find_reference(text, loose=True)
        if ref is None:
            dispatcher.utter_message(response="utter_booking_reference_invalid")
            return {REFERENCE: None}
        return {REFERENCE: ref}

    def validate_booking_change_contact(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        settings = get_settings()
        phone = _phone(settings)
        attempts = int(tracker.get_slot(ATTEMPTS) or 0)
        if attempts >= MAX_CHANGE_ATTEMPTS:  # action_ask_booking_reference ends the form
            return {REFERENCE: None, CHANGE_CONTACT: None}
        contact = bk.parse_contact(str(slot_value or ""))
        if contact.empty:
            dispatcher.utter_message(response="utter_booking_contact_invalid")
            return {CHANGE_CONTACT: None}
        try:
            with _session_factory(settings)() as session:
                current = bk.find_booking(
                    session, str(tracker.get_slot(REFERENCE) or ""), contact, tz=settings.timezone
                )
        except bk.BookingNotFound:
            attempts += 1
            if attempts < MAX_CHANGE_ATTEMPTS:
                dispatcher.utter_message(response="utter_booking_not_found", telefon=phone)
            return {REFERENCE: None, CHANGE_CONTACT: None, ATTEMPTS: float(attempts)}
        except (SQLAlchemyError, bk.BookingError) as exc:
            log.error("booking: look-up failed (%s)", type(exc).__name__)
            dispatcher.utter_message(response="utter_booking_error", telefon=phone)
            return {CHANGE_CONTACT: None}
        if current.status != bk.ACTIVE or current.start <= _now(settings):
            dispatcher.utter_message(response="utter_booking_not_changeable", telefon=phone)
            return {REFERENCE: None, CHANGE_CONTACT: None}
        return {CHANGE_CONTACT: _contact_text(contact)}

    def validate_booking_slot_start(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        return _validate_slot_start(slot_value, dispatcher, tracker, moving=True)


class ActionAskBookingReference(Action):
    """Ask for the reference, or end the form after too many failed look-ups."""

    def name(self) -> str:
        return "action_ask_booking_reference"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if int(tracker.get_slot(ATTEMPTS) or 0) >= MAX_CHANGE_ATTEMPTS:
            dispatcher.utter_message(
                response="utter_booking_change_too_many", telefon=_phone(get_settings())
            )
            return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        dispatcher.utter_message(response="utter_ask_booking_reference")
        return []


def _switch_kind(text: str, tracker: Tracker, dispatcher: CollectingDispatcher) -> Dict[str, Any]:
    """ "Nej, jeg vil FLYTTE det, ikke aflyse": the same form goes on as the other kind."""
    said = bt.change_kind_from_text(text)
    if said is None or said == tracker.get_slot(CHANGE_KIND):
        return {}
    dispatcher.utter_message(response=_CHANGE_INTRO[said])
    return {CHANGE_KIND: said}


def _change_done(extra: List[EventType] | None = None) -> List[EventType]:
    return [*(extra or []), *_reset([*CHANGE_SLOTS, FORM_STOPPED]), SlotSet(CHANGE_KIND, None)]


def _change_stopped(tracker: Tracker, dispatcher: CollectingDispatcher, phone: str) -> bool:
    if stopped(tracker):
        dispatcher.utter_message(response="utter_booking_stopped", telefon=phone)
        return True
    return False


class ActionCancelBooking(Action):
    def name(self) -> str:
        return "action_cancel_booking"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        settings = get_settings()
        phone = _phone(settings)
        if _change_stopped(tracker, dispatcher, phone):
            return _change_done()
        confirmed = tracker.get_slot(CONFIRMED)
        if confirmed is None:
            return _change_done()
        if confirmed is not True:
            dispatcher.utter_message(response="utter_booking_change_aborted")
            return _change_done()
        texts = _texts_or_error(settings, dispatcher)
        if texts is None:
            return _change_done()
        try:
            with _session_factory(settings)() as session:
                info = bk.cancel(
                    session,
                    str(tracker.get_slot(REFERENCE) or ""),
                    bk.parse_contact(str(tracker.get_slot(CHANGE_CONTACT) or "")),
                    now=_now(settings),
                    texts=texts,
                    tz=settings.timezone,
                    mail_domain=_mail_domain(settings),
                )
        except (bk.BookingNotFound, bk.BookingNotChangeable):
            dispatcher.utter_message(response="utter_booking_not_changeable", telefon=phone)
            return _change_done()
        except (SQLAlchemyError, bk.BookingError) as exc:
            log.error("booking: cancel failed (%s)", type(exc).__name__)
            dispatcher.utter_message(response="utter_booking_error", telefon=phone)
            return _change_done()
        dispatcher.utter_message(
            response="utter_booking_cancelled", tidspunkt=texts.label(info.start)
        )
        if info.mail_queued:
            dispatcher.utter_message(response="utter_booking_cancelled_mail")
        return _change_done()


class ActionMoveBooking(Action):
    def name(self) -> str:
        return "action_move_booking"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        settings = get_settings()
        phone = _phone(settings)
        if _change_stopped(tracker, dispatcher, phone):
            return _change_done()
        confirmed = tracker.get_slot(CONFIRMED)
        if confirmed is None:
            return _change_done()
        if confirmed is not True:
            dispatcher.utter_message(response="utter_booking_change_aborted")
            return _change_done()
        start = bk.parse_slot_key(str(tracker.get_slot(SLOT_START) or ""), settings.timezone)
        if start is None:
            dispatcher.utter_message(response="utter_booking_error", telefon=phone)
            return _change_done()
        texts = _texts_or_error(settings, dispatcher)
        if texts is None:
            return _change_done()
        try:
            with _session_factory(settings)() as session:
                info = bk.move(
                    session,
                    str(tracker.get_slot(REFERENCE) or ""),
                    bk.parse_contact(str(tracker.get_slot(CHANGE_CONTACT) or "")),
                    start,
                    now=_now(settings),
                    texts=texts,
                    tz=settings.timezone,
                    mail_domain=_mail_domain(settings),
                )
        except bk.SlotTaken:
            dispatcher.utter_message(response="utter_booking_slot_taken")
            return _back_to_form(CHANGE_FORM, start)
        except (bk.BookingNotFound, bk.BookingNotChangeable):
            dispatcher.utter_message(response="utter_booking_not_changeable", telefon=phone)
            return _change_done()
        except (SQLAlchemyError, bk.BookingError) as exc:
            log.error("booking: move failed (%s)", type(exc).__name__)
            dispatcher.utter_message(response="utter_booking_error", telefon=phone)
            return _change_done()
        values = bk.mail_vars(info, texts)
        dispatcher.utter_message(
            response="utter_booking_moved",
            tidspunkt=values["tidspunkt"],
            moedeform=values["moedeform"],
            reference=info.reference,
        )
        if info.mail_queued:
            dispatcher.utter_message(response="utter_booking_moved_mail")
        return _change_done()
