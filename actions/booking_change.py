"""Rasa actions for cancelling and moving a meeting, and the questions both forms ask.

- ``action_booking_change_start``: cancel or move (the words win over the intent);
  a reference in the message is used.
- ``validate_booking_change_form``: booking reference + the phone/e-mail booked with
  (at most ``MAX_CHANGE_ATTEMPTS`` failed look-ups per conversation), the new time
  when moving, the confirmation.
- ``action_ask_booking_reference``: asks, or ends the form after too many look-ups.
- ``action_cancel_booking``, ``action_move_booking``: the submits.

Decisions in bot.features.booking; ``Turn`` and the rest both forms share in
actions/booking_turn.py, the time and summary questions of both forms in
actions/booking_questions.py.
"""

from __future__ import annotations

from typing import Any, Callable, List, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking_slots import BOOK_NEW, ENDED
from actions.booking_turn import (
    FAILURES,
    BookingAction,
    S,
    Slots,
    TimeAndConfirmation,
    Turn,
    back_to_form,
    end_form,
    reset,
)
from actions.forms import FORM_STOPPED, CitizenFormValidation, answer, latest_intent, latest_text
from bot.features import booking as bk

CHANGE_SLOTS = [S.REFERENCE, S.CHANGE_CONTACT, S.START, S.WISH, S.LABEL, S.CONFIRMED, S.CHANGE_END]
INTRO = {bk.CANCEL: "utter_booking_change_intro_cancel", bk.MOVE: "utter_booking_change_intro_move"}
KNOWN = {bk.CANCEL: "utter_booking_change_known_cancel", bk.MOVE: "utter_booking_change_known_move"}
ABORTED: bk.Reply = ("utter_booking_change_aborted", {})


def _done() -> List[EventType]:
    return [*reset([*CHANGE_SLOTS, FORM_STOPPED]), SlotSet(S.KIND, None)]


def _book_new() -> List[EventType]:
    """The change form's slots cleared, and a new booking started instead."""
    return [*_done(), FollowupAction("action_booking_start")]


def _ended_early(turn: Turn) -> List[EventType] | None:
    """The submit's events when the form ended before its summary (None: it did not)."""
    end = turn.tracker.get_slot(S.CHANGE_END)
    if end == BOOK_NEW:
        return _book_new()
    return _done() if end == ENDED else None


def _stop_form(end: str) -> Slots:
    """Ends the change form from a validation: no more questions, the submit sees ``end``."""
    return {FORM_STOPPED: True, S.CHANGE_END: end, S.REFERENCE: None, S.CHANGE_CONTACT: None}


class ActionBookingChangeStart(BookingAction):
    """Cancel or move: the kind from the words, a reference in the message is used."""

    def name(self) -> str:
        return "action_booking_change_start"

    def act(self, turn: Turn) -> List[EventType]:
        text = latest_text(turn.tracker)
        kind = bk.change_kind(text, latest_intent(turn.tracker))
        found = bk.find_reference(text)
        cancelled = turn.tracker.get_slot(S.CANCELLED)
        if kind == bk.MOVE and cancelled and found in (None, cancelled):
            # "kan vi finde en ny tid" just after cancelling: a new meeting, not a move.
            turn.say(("utter_booking_cancelled_book_new", {}))
            return _book_new()
        turn.say((KNOWN[kind], {"reference": found}) if found else (INTRO[kind], {}))
        # "flyt det til fredag": the new time wish is used when the times are offered.
        wish = None
        if kind == bk.MOVE:  # not the current meeting's day ("min tid på torsdag")
            wish = bk.read_opening(bk.move_wish_text(text), turn.now).time_wish
        events = [SlotSet(S.KIND, kind), *reset([*CHANGE_SLOTS, FORM_STOPPED])]
        # The form follows, also when the booking's start handed the message over.
        events += [SlotSet(S.REFERENCE, found), SlotSet(S.WISH, wish)]
        return [*events, FollowupAction(S.CHANGE_FORM)]


class ValidateBookingChangeForm(TimeAndConfirmation, CitizenFormValidation):
    def name(self) -> str:
        return "validate_booking_change_form"

    def slots_for(self, domain_slots: List[str], tracker: Tracker) -> List[str]:
        if tracker.get_slot(S.KIND) == bk.MOVE:
            return domain_slots
        return [s for s in domain_slots if s != S.START]

    _reference = answer(S.REFERENCE, bk.reference_answer, "utter_booking_reference_invalid")

    def validate_booking_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        """ "Nej, jeg vil FLYTTE det, ikke aflyse": the same form goes on as the other kind."""
        text = str(value or "")
        if bk.wants_new_booking(text):  # "jeg vil bare booke en ny tid"
            return _stop_form(BOOK_NEW)
        other = bk.switched_kind(text, tracker.get_slot(S.KIND))
        if other is None:
            return self._reference(value, dispatcher)
        dispatcher.utter_message(response=INTRO[other])
        return {S.KIND: other, S.REFERENCE: bk.find_reference(text)}

    def validate_booking_change_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        turn = Turn(dispatcher, tracker, self.services)
        attempts = int(tracker.get_slot(S.ATTEMPTS) or 0)
        if attempts >= bk.MAX_CHANGE_ATTEMPTS:  # action_ask_booking_reference ends the form
            return {S.REFERENCE: None, S.CHANGE_CONTACT: None}
        contact = bk.parse_contact(str(value or ""))
        if contact.empty:
            turn.say(("utter_booking_contact_invalid", {}))
            return {S.CHANGE_CONTACT: None}
        try:
            with turn.unit_of_work() as session:
                current = bk.find_booking(session, turn.slot(S.REFERENCE), contact, tz=turn.tz)
        except bk.BookingNotFound:
            attempts += 1
            if attempts < bk.MAX_CHANGE_ATTEMPTS:
                turn.say(("utter_booking_not_found", {"telefon": turn.phone}))
            return {S.REFERENCE: None, S.CHANGE_CONTACT: None, S.ATTEMPTS: float(attempts)}
        except FAILURES as exc:
            turn.failed("look-up", exc)
            return {S.CHANGE_CONTACT: None}
        if not bk.is_changeable(current.status, current.start, turn.now):
            if tracker.get_slot(S.KIND) == bk.MOVE:  # a new meeting instead, no loop
                turn.say(("utter_booking_not_movable_book_new", {}))
                return _stop_form(BOOK_NEW)
            turn.say(("utter_booking_not_changeable", {"telefon": turn.phone}))
            return _stop_form(ENDED)
        return {S.CHANGE_CONTACT: contact.text}


class ActionAskBookingReference(BookingAction):
    """Ask for the reference, or end the form after too many failed look-ups."""

    def name(self) -> str:
        return "action_ask_booking_reference"

    def act(self, turn: Turn) -> List[EventType]:
        if int(turn.tracker.get_slot(S.ATTEMPTS) or 0) >= bk.MAX_CHANGE_ATTEMPTS:
            turn.say(("utter_booking_change_too_many", {"telefon": turn.phone}))
            return end_form()
        turn.say(("utter_ask_booking_reference", {}))
        return []


def _change(
    turn: Turn, command: Callable[..., bk.BookingInfo], *args: Any
) -> Tuple[bk.BookingInfo, bk.OfficeTexts] | None:
    """Cancel or move in one unit of work; None after telling the citizen why not."""
    contact = bk.parse_contact(turn.slot(S.CHANGE_CONTACT))
    try:
        texts = turn.texts()
        with turn.unit_of_work() as session:
            info = command(session, turn.slot(S.REFERENCE), contact, *args, **turn.terms(texts))
        return info, texts
    except bk.SlotTaken:
        raise
    except (bk.BookingNotFound, bk.BookingNotChangeable):
        turn.say(("utter_booking_not_changeable", {"telefon": turn.phone}))
    except FAILURES as exc:
        turn.failed(command.__name__, exc)
    return None


class ActionCancelBooking(BookingAction):
    def name(self) -> str:
        return "action_cancel_booking"

    def act(self, turn: Turn) -> List[EventType]:
        early = _ended_early(turn)
        if early is not None:
            return early
        if turn.stopped() or not turn.confirmed(ABORTED):
            return _done()
        done = _change(turn, bk.cancel)
        if done is None:
            return _done()
        turn.say(*bk.cancelled_replies(*done))
        events = [*_done(), SlotSet(S.CANCELLED, done[0].reference)]
        if bk.wants_new_booking(latest_text(turn.tracker)):  # "ja aflys, men en ny tid i uge 51"
            return [*events, FollowupAction("action_booking_start")]
        return events


class ActionMoveBooking(BookingAction):
    def name(self) -> str:
        return "action_move_booking"

    def act(self, turn: Turn) -> List[EventType]:
        early = _ended_early(turn)
        if early is not None:
            return early
        if turn.stopped() or not turn.confirmed(ABORTED):
            return _done()
        start = bk.parse_slot_key(turn.slot(S.START), turn.tz)
        if start is None:
            turn.failed("move request")
            return _done()
        try:
            done = _change(turn, bk.move, start)
        except bk.SlotTaken:  # taken meanwhile: back to the offers near the wanted time
            turn.say(("utter_booking_slot_taken", {}))
            return back_to_form(S.CHANGE_FORM, start)
        if done is not None:
            turn.say(*bk.moved_replies(*done))
        return _done()
