"""What both booking forms share: the turn (slots, clock, database, texts, replies), the
time question and the confirmation. Each action's database work is one unit of work."""

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

from actions.booking_slots import S
from actions.forms import stopped
from actions.services import WithServices
from bot.app.bootstrap import Services
from bot.features import booking as bk
from bot.infra.db import session_scope

log = logging.getLogger(__name__)

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
        """The arguments of book, cancel and move besides what is booked (with the limits)."""
        limits = bk.policy_terms(self.settings, conversation_id=self.tracker.sender_id)
        return {**self.when, **limits, "texts": texts}

    def unit_of_work(self) -> ContextManager[Session]:
        return session_scope(_seeded(self.services))

    def say(self, *replies: bk.Reply) -> None:
        for response, values in replies:
            self.dispatcher.utter_message(response=response, **values)

    def failed(self, what: str, exc: BaseException | None = None) -> None:
        """Something went wrong: the citizen gets the phone number (logged without data)."""
        if exc is not None and not isinstance(exc, bk.BookingLimit):  # a limit logs itself
            log.error("booking: %s failed (%s)", what, type(exc).__name__)
        self.say(bk.failure_reply(exc, self.phone))

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


def end_form() -> List[EventType]:
    """Ends the active form without its submit (the citizen was told why)."""
    return [ActiveLoop(None), SlotSet(S.REQUESTED, None)]


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
            moving, offered = turn.moving_id(session), bk.offered_keys(turn.tracker.events)
            choice = bk.choose_time(
                session, text, turn.slot(S.WISH), exclude_booking_id=moving, offered=offered,
                **turn.when,
            )  # fmt: skip
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
