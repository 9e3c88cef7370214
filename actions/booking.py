"""Booking actions and what they share (``Turn``); cancel/move in actions/booking_change.py,
decisions in bot.features.booking. Each action's database work is one unit of work."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any, ContextManager, Dict, List, Set

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from actions.forms import FORM_STOPPED, CitizenFormValidation, answer, latest_text, stopped
from actions.services import WithServices
from bot.app.bootstrap import Services
from bot.features import booking as bk
from bot.infra.db import session_scope

log = logging.getLogger(__name__)


class S:  # the forms and slots (domain.yml)
    FORM, CHANGE_FORM, REQUESTED = "booking_form", "booking_change_form", "requested_slot"
    TOPIC, MEETING_TYPE, NAME = "booking_topic", "booking_meeting_type", "booking_name"
    START, WISH, LABEL = "booking_slot_start", "booking_time_wish", "booking_slot_label"
    CONTACT, CONFIRMED = "booking_contact", "booking_confirmed"
    REFERENCE, CHANGE_CONTACT = "booking_reference", "booking_change_contact"
    KIND, ATTEMPTS = "booking_change_kind", "booking_change_attempts"


BOOKING_SLOTS = [S.TOPIC, S.MEETING_TYPE, S.START, S.WISH, S.LABEL, S.NAME, S.CONTACT, S.CONFIRMED]
REQUEST = dict(  # bk.booking_request's arguments and the slots they come from
    slot_key=S.START, contact=S.CONTACT, meeting_type=S.MEETING_TYPE, topic=S.TOPIC, name=S.NAME
)
BOOKING_FILE = "booking.yml"
FAILURES = (SQLAlchemyError, bk.BookingError)  # the citizen is given the phone number
Slots = Dict[str, Any]

_seeded_factories: Set[sessionmaker] = set()


def _seeded(services: Services) -> sessionmaker:
    """The app database, with the booking rules loaded on first use."""
    factory, settings = services.app_sessions(), services.settings
    if factory not in _seeded_factories:
        with session_scope(factory) as session:
            bk.ensure_seeded(session, settings.content_dir / BOOKING_FILE, tz=settings.timezone)
        _seeded_factories.add(factory)
    return factory


class Turn:
    """One run of a booking action: the slots, clock, database, texts and replies."""

    def __init__(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, services: Services
    ) -> None:
        self.dispatcher, self.tracker, self.services = dispatcher, tracker, services
        self.settings = settings = services.settings
        self.tz, self.now = settings.timezone, services.clock.now()
        self.when: Dict[str, Any] = {"now": self.now, "tz": self.tz}  # for bk's functions
        self.mail_domain = bk.mail_domain_of(settings.mail_from)
        self.changing = (tracker.active_loop or {}).get("name") == S.CHANGE_FORM

    def slot(self, name: str) -> str:
        return str(self.tracker.get_slot(name) or "")

    @property
    def phone(self) -> str:
        return self.services.contact().hovedtelefon

    def texts(self) -> bk.OfficeTexts:
        """Texts from content/booking.yml (``BookingFileError`` when the file is broken)."""
        return bk.cached_texts(self.settings.content_dir / BOOKING_FILE)

    def terms(self, texts: bk.OfficeTexts) -> Dict[str, Any]:
        """The arguments of book, cancel and move besides what is booked."""
        return {**self.when, "texts": texts, "mail_domain": self.mail_domain}

    def unit_of_work(self) -> ContextManager[Session]:
        return session_scope(_seeded(self.services))

    def say(self, *replies: bk.Reply) -> None:
        for response, values in replies:
            self.dispatcher.utter_message(response=response, **values)

    def failed(self, what: str, exc: BaseException | None = None) -> None:
        """Something went wrong: the citizen gets the phone number (logged without data)."""
        if exc is not None:
            log.error("booking: %s failed (%s)", what, type(exc).__name__)
        self.say(("utter_booking_error", {"telefon": self.phone}))

    def stopped(self) -> bool:
        if stopped(self.tracker):
            self.say(("utter_booking_stopped", {"telefon": self.phone}))
        return stopped(self.tracker)

    def confirmed(self, no: bk.Reply) -> bool:
        """Whether the summary got a yes; says ``no`` after a no (None: the form said why)."""
        said = self.tracker.get_slot(S.CONFIRMED)
        if said is not None and said is not True:
            self.say(no)
        return said is True

    def current(self, session: Session) -> bk.BookingInfo:
        """The booking being cancelled or moved."""
        contact = bk.parse_contact(self.slot(S.CHANGE_CONTACT))
        return bk.find_booking(session, self.slot(S.REFERENCE), contact, tz=self.tz)

    def moving_id(self, session: Session) -> int | None:
        """In the change form, the booking being moved: its own time counts as free."""
        return self.current(session).id if self.changing else None


class BookingAction(WithServices, Action, ABC):
    """A booking action: ``act`` gets the turn (abstract: not registered itself)."""

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return self.act(Turn(dispatcher, tracker, self.services))

    @abstractmethod
    def act(self, turn: Turn) -> List[EventType]:
        """The events; replies through ``turn``."""


def reset(names: List[str]) -> List[EventType]:
    return [SlotSet(name, None) for name in names]


def back_to_form(form: str, start: datetime) -> List[EventType]:
    """The wanted time was taken meanwhile: back into the form with offers near it."""
    wish = SlotSet(S.WISH, start.isoformat(timespec="minutes"))
    return [*reset([S.START, S.LABEL, S.CONFIRMED]), wish, ActiveLoop(form), FollowupAction(form)]


def choose_time(turn: Turn, value: Any) -> Slots:
    """A button key, or a time wish (exact and free = chosen, else offers are shown)."""
    text = str(value or "").strip()
    if not text or text.startswith("/"):
        return {S.START: None}
    try:
        with turn.unit_of_work() as session:
            moving, wish = turn.moving_id(session), turn.slot(S.WISH)
            choice = bk.choose_time(session, text, wish, exclude_booking_id=moving, **turn.when)
        label = turn.texts().label(choice.slot.start) if choice.slot else None
    except FAILURES as exc:
        turn.failed("slot check", exc)
        return {S.START: None}
    if choice.slot is not None:
        return {S.START: choice.slot.key, S.LABEL: label, S.WISH: None}
    if choice.taken:  # a button for a time that was taken meanwhile
        turn.say(("utter_booking_slot_taken", {}))
    return {S.START: None, S.WISH: choice.wish}


class TimeAndConfirmation(WithServices):
    """What both forms ask: the time, and the yes/no ("nej, hellere kl 13" = a new time)."""

    def validate_booking_slot_start(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return choose_time(Turn(dispatcher, tracker, self.services), value)

    def validate_booking_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        turn = Turn(dispatcher, tracker, self.services)
        said = bk.confirmation(value)
        wants_time = turn.slot(S.KIND) == bk.MOVE or not turn.changing
        if said is not True and wants_time and bk.names_a_time(str(value), turn.now):
            tracker.slots[S.WISH] = bk.kept_day(turn.slot(S.START), turn.tz)
            return {S.CONFIRMED: None, S.LABEL: None, **choose_time(turn, value)}
        fix = bk.correction(str(value)) if said is not True and not turn.changing else None
        fixes = {"navn": (S.NAME, None), "kontakt": (S.CONTACT, None)}  # ask for it again
        if fix is not None:  # "nej, navnet er forkert", "nej, hellere at I ringer"
            slot, new = fixes.get(fix, (S.MEETING_TYPE, fix))
            return {S.CONFIRMED: None, slot: new}
        if said is None:
            turn.say(("utter_booking_confirm_unclear", {}))
        return {S.CONFIRMED: said}


class ActionBookingStart(BookingAction):
    """Intro and fresh slots; what the opening message already says fills the form."""

    def name(self) -> str:
        return "action_booking_start"

    def act(self, turn: Turn) -> List[EventType]:
        turn.say(("utter_booking_intro", {}))
        opening = bk.read_opening(latest_text(turn.tracker), turn.now)
        known = [SlotSet(S.MEETING_TYPE, opening.meeting_type), SlotSet(S.WISH, opening.time_wish)]
        known += [SlotSet(S.TOPIC, opening.topic)] if opening.topic else []
        # The form follows, also when the fallback started the booking.
        return [*reset([*BOOKING_SLOTS, FORM_STOPPED]), *known, FollowupAction(S.FORM)]


class ValidateBookingForm(TimeAndConfirmation, CitizenFormValidation):
    def name(self) -> str:
        return "validate_booking_form"

    validate_booking_topic = answer(S.TOPIC, bk.topic_answer, "utter_booking_topic_too_short")
    validate_booking_meeting_type = answer(
        S.MEETING_TYPE, bk.meeting_type_answer, "utter_booking_meeting_type_invalid"
    )
    validate_booking_name = answer(S.NAME, bk.clean_name, "utter_booking_name_invalid")

    def validate_booking_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        contact, problem = bk.contact_answer(str(value or ""), tracker.get_slot(S.MEETING_TYPE))
        if problem:
            dispatcher.utter_message(response=problem)
        return {S.CONTACT: contact}


class ActionBookMeeting(BookingAction):
    def name(self) -> str:
        return "action_book_meeting"

    def act(self, turn: Turn) -> List[EventType]:
        if turn.stopped():
            return reset([*BOOKING_SLOTS, FORM_STOPPED])
        if not turn.confirmed(("utter_booking_not_booked", {"telefon": turn.phone})):
            return reset(BOOKING_SLOTS)
        answers = {arg: turn.slot(slot) for arg, slot in REQUEST.items()}
        request = bk.booking_request(**answers, conversation_id=turn.tracker.sender_id, tz=turn.tz)
        if request is None:
            turn.failed("booking request")
            return reset(BOOKING_SLOTS)
        try:
            texts = turn.texts()
            with turn.unit_of_work() as session:
                info = bk.book(session, request, **turn.terms(texts))
        except bk.SlotTaken:  # taken meanwhile: back to the offers near the wanted time
            turn.say(("utter_booking_slot_taken", {}))
            return back_to_form(S.FORM, request.start)
        except FAILURES as exc:
            turn.failed("booking", exc)
            return reset(BOOKING_SLOTS)
        turn.say(*bk.booked_replies(info, texts, turn.phone))
        return reset(BOOKING_SLOTS)
