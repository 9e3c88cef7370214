"""Booking a meeting: start, the form's answers, the booking. What both booking forms share
is in actions/booking_turn.py, cancel/move in actions/booking_change.py, decisions in
bot.features.booking."""

from __future__ import annotations

from typing import Any, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking_slots import BOOKING_SLOTS, REQUEST, S
from actions.booking_turn import (
    FAILURES,
    BookingAction,
    Slots,
    TimeAndConfirmation,
    Turn,
    back_to_form,
    reset,
)
from actions.forms import FORM_STOPPED, CitizenFormValidation, answer, earlier_texts, latest_text
from bot.features import booking as bk
from bot.features.competence.elsewhere import body_elsewhere
from bot.features.handover.urgency import needs_help_now
from bot.language.courtesy import CALL_RESPONSES, will_call


class ActionBookingStart(BookingAction):
    """Intro and fresh slots; what the opening message already says fills the form."""

    def name(self) -> str:
        return "action_booking_start"

    def act(self, turn: Turn) -> List[EventType]:
        text = latest_text(turn.tracker)
        calling = will_call(text)
        if calling is not None:  # "jeg ringer til dem i morgen": no meeting wanted
            turn.say((CALL_RESPONSES[calling], {"telefon": turn.phone}))
            return [FollowupAction("action_listen")]
        if needs_help_now(text):  # "hun har brug for hjælp i nat, ikke et møde"
            turn.say(("utter_acute_help", {"tekst": self.services.competence().acute.text}))
            return [FollowupAction("action_listen")]
        if bk.find_reference(text) and bk.change_kind_from_text(text):
            # "mit telefonmøde, nummer NPFMXE, kan det rykkes til mandag?" (QA round 3, c04)
            return [FollowupAction("action_booking_change_start")]
        turn.say(("utter_booking_intro", {}))
        opening = bk.read_opening(latest_text(turn.tracker), turn.now)
        known = [SlotSet(S.MEETING_TYPE, opening.meeting_type), SlotSet(S.WISH, opening.time_wish)]
        known += [SlotSet(S.TOPIC, opening.topic)] if opening.topic else []
        # The form follows, also when the fallback started the booking.
        return [*reset([*BOOKING_SLOTS, FORM_STOPPED]), *known, FollowupAction(S.FORM)]


class ValidateBookingForm(TimeAndConfirmation, CitizenFormValidation):
    def name(self) -> str:
        return "validate_booking_form"

    _topic = answer(S.TOPIC, bk.topic_answer, "utter_booking_topic_too_short")

    def validate_booking_topic(
        self, value: Any, dispatcher: Any, tracker: Tracker, *_: Any
    ) -> Slots:
        text = str(value or "")
        if bk.refers_to_earlier(text):  # "det står i min første besked"
            text = bk.earlier_topic(earlier_texts(tracker)) or text
        else:  # "boligstøtte fra Udbetaling Danmark": say where it belongs, then go on
            intent = (tracker.latest_message or {}).get("intent") or {}
            data = self.services.competence()
            body = body_elsewhere(intent.get("name"), intent.get("confidence") or 0.0, data)
            if body is not None:
                remark = dict(myndighed=body.name, web=body.web)
                dispatcher.utter_message(response="utter_booking_topic_elsewhere", **remark)
        return self._topic(text, dispatcher)

    def validate_booking_meeting_type(self, value: Any, dispatcher: Any, *_: Any) -> Slots:
        text, now = str(value or ""), self.services.clock.now()
        kind, wish = bk.meeting_type_and_wish(text, now)
        if kind is None and bk.any_meeting_type(text):  # "ligemeget bare det er snart"
            kind, wish = bk.PHONE, bk.read_opening(text, now).time_wish
            dispatcher.utter_message(response="utter_booking_meeting_type_any")
        elif kind is None:  # "telefon, tirsdag den 8 kl 13" also gives the time wish
            dispatcher.utter_message(response="utter_booking_meeting_type_invalid")
        return {S.MEETING_TYPE: kind, **({S.WISH: wish} if wish else {})}

    validate_booking_name = answer(S.NAME, bk.clean_name, "utter_booking_name_invalid")

    def validate_booking_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        earlier = earlier_texts(tracker)  # an e-mail given when the phone was asked for
        contact, problem = bk.contact_answer(
            str(value or ""), tracker.get_slot(S.MEETING_TYPE), earlier
        )
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
