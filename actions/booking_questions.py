"""The questions both booking forms ask (new booking, cancel, move).

- ``action_ask_booking_slot_start``: free times as buttons
  (``/inform{"slot_start":"2025-12-03T10:00+01:00"}``), following the citizen's wish.
- ``action_ask_booking_confirmed``: the summary to confirm (new booking, cancel, move).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk.events import EventType

from actions.booking_turn import FAILURES, BookingAction, S, Turn, end_form
from bot.features import booking as bk


class ActionAskBookingSlotStart(BookingAction):
    """Offer free times as buttons, following the citizen's time wish if any."""

    def name(self) -> str:
        return "action_ask_booking_slot_start"

    def act(self, turn: Turn) -> List[EventType]:
        try:
            texts = turn.texts()
            with turn.unit_of_work() as session:
                moving, wish = turn.moving_id(session), turn.slot(S.WISH)
                plan = bk.offer_times(session, wish, exclude_booking_id=moving, **turn.when)
        except FAILURES as exc:
            turn.failed("slot search", exc)
            return end_form()
        if not plan.slots:
            turn.say((plan.response, {"telefon": turn.phone}))
            return end_form()
        turn.say((plan.response, {"buttons": [bk.slot_button(s, texts) for s in plan.slots]}))
        return []


class ActionAskBookingConfirmed(BookingAction):
    """The summary to confirm: new booking, cancellation or move."""

    def name(self) -> str:
        return "action_ask_booking_confirmed"

    def act(self, turn: Turn) -> List[EventType]:
        try:
            texts = turn.texts()
            if not turn.changing:
                turn.say(("utter_booking_confirm_new", _summary(turn, texts)))
                return []
            with turn.unit_of_work() as session:
                current = turn.current(session)
        except FAILURES as exc:
            turn.failed("look-up for confirmation", exc)
            return end_form()
        label = turn.tracker.get_slot(S.LABEL)
        turn.say(bk.change_summary(turn.slot(S.KIND), current, label, texts))
        return []


def _summary(turn: Turn, texts: bk.OfficeTexts) -> Dict[str, Any]:
    get = turn.tracker.get_slot
    return {
        "tidspunkt": get(S.LABEL),
        "moedeform": texts.meeting_type_label(str(get(S.MEETING_TYPE))),
        "emne": get(S.TOPIC),
        "navn": get(S.NAME),
        "kontakt": get(S.CONTACT),
    }
