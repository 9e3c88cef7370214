"""Cancelling and moving (actions/booking_change.py): exact events and dispatcher messages."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.booking_change import (
    ActionAskBookingReference,
    ActionBookingChangeStart,
    ActionCancelBooking,
    ActionMoveBooking,
    ValidateBookingChangeForm,
)
from actions.booking_questions import ActionAskBookingConfirmed, ActionAskBookingSlotStart
from bot.features import booking as bk
from tests.actions.booking.helpers import (
    CHANGE_DONE,
    CHANGE_SLOTS,
    DOMAIN,
    PHONE,
    TZ,
    book_directly,
    button,
    change_tracker,
    confirm_mailbox,
    run,
    tracker,
)
from tests.actions.helpers import msg


def test_start_of_a_change_uses_the_reference_and_the_words() -> None:
    text = "jeg vil gerne flytte mit møde K7M4QX"
    trk = tracker({}, form=None, text=text, intent="cancel_booking")
    events, messages = run(ActionBookingChangeStart(), trk)
    assert events[0] == SlotSet("booking_change_kind", "flyt")  # the words win over the intent
    assert events[-3:] == [
        SlotSet("booking_reference", "K7M4QX"),
        SlotSet("booking_time_wish", None),
        FollowupAction("booking_change_form"),
    ]
    # The reference is known, so the intro does not ask for it (the contact question follows).
    assert messages == [msg("utter_booking_change_known_move", reference="K7M4QX")]


@pytest.mark.parametrize("text", ["kan vi finde en ny tid i uge 51", "flyt Y4YFU7 til fredag"])
def test_a_new_time_for_the_meeting_just_cancelled_is_a_new_booking(text) -> None:  # type: ignore[no-untyped-def]
    """c05 (QA round 2): after cancelling Y4YFU7, "en ny tid" must not start a move of
    the cancelled meeting (which looped on "Det møde kan ikke ændres længere")."""
    slots = {"booking_cancelled_reference": "Y4YFU7"}
    trk = tracker(slots, form=None, text=text, intent="move_booking")
    events, messages = run(ActionBookingChangeStart(), trk)
    assert events == [*CHANGE_DONE, FollowupAction("action_booking_start")]
    assert messages == [msg("utter_booking_cancelled_book_new")]


def test_another_meeting_can_still_be_moved_after_a_cancellation() -> None:
    slots = {"booking_cancelled_reference": "Y4YFU7"}
    trk = tracker(slots, form=None, text="flyt K7M4QX til fredag", intent="move_booking")
    events, messages = run(ActionBookingChangeStart(), trk)
    assert SlotSet("booking_reference", "K7M4QX") in events
    assert messages == [msg("utter_booking_change_known_move", reference="K7M4QX")]


@pytest.mark.parametrize("kind", ["aflys", "flyt"])
def test_booking_a_new_time_at_the_reference_question_ends_the_change(factory, kind) -> None:  # type: ignore[no-untyped-def]
    typed = "jeg vil bare booke en ny tid i uge 51"
    trk = change_tracker(
        {"requested_slot": "booking_reference", "booking_change_kind": kind},
        text=typed,
        candidates={"booking_reference": typed},
    )
    events, messages = run(ValidateBookingChangeForm(), trk)
    assert SlotSet("form_stopped", True) in events
    assert SlotSet("booking_change_end", "book_new") in events
    assert SlotSet("requested_slot", None) in events  # no more questions
    assert messages == []  # no "Det ligner ikke et bookingnummer"
    submit = ActionCancelBooking() if kind == "aflys" else ActionMoveBooking()
    slots = {"booking_change_kind": kind, "booking_change_end": "book_new", "form_stopped": True}
    events, messages = run(submit, tracker(slots, form=None))
    assert events == [*CHANGE_DONE, FollowupAction("action_booking_start")]
    assert messages == []  # no "Jeg har stoppet": the booking's intro follows


def test_a_move_keeps_the_new_day_it_asks_for() -> None:
    text = "flyt NTN4VN til onsdag kl 14"
    trk = tracker({}, form=None, text=text, intent="move_booking")
    events, _ = run(ActionBookingChangeStart(), trk)
    assert events[-3:-1] == [
        SlotSet("booking_reference", "NTN4VN"),
        SlotSet("booking_time_wish", "onsdag kl 14"),
    ]


def test_a_move_does_not_wish_the_current_meetings_day() -> None:
    """c06 (QA round 2): "min tid på torsdag" is the meeting being moved."""
    text = "kan jeg rykke min tid paa torsdag til en formiddag i naeste uge? bookingnr PM64D7"
    trk = tracker({}, form=None, text=text, intent="move_booking")
    events, _ = run(ActionBookingChangeStart(), trk)
    assert events[-2] == SlotSet("booking_time_wish", "en formiddag i næste uge? bookingnr PM64D7")
    trk = tracker({}, form=None, text="jeg vil flytte mit møde på torsdag", intent="move_booking")
    events, _ = run(ActionBookingChangeStart(), trk)
    assert events[-2] == SlotSet("booking_time_wish", None)


@pytest.mark.parametrize(
    "intent, kind, response",
    [
        ("cancel_booking", "aflys", "utter_booking_change_intro_cancel"),
        ("move_booking", "flyt", "utter_booking_change_intro_move"),
    ],
)
def test_change_start(intent, kind, response) -> None:  # type: ignore[no-untyped-def]
    trk = tracker({"booking_change_kind": kind}, form=None, intent=intent)
    events, messages = run(ActionBookingChangeStart(), trk)
    assert events == [
        SlotSet("booking_change_kind", kind),
        *[SlotSet(name, None) for name in CHANGE_SLOTS],
        SlotSet("form_stopped", None),
        SlotSet("booking_reference", None),
        SlotSet("booking_time_wish", None),
        FollowupAction("booking_change_form"),
    ]
    assert messages == [msg(response)]


@pytest.mark.parametrize(
    "typed, expected",
    [("ja aflys", True), ("Ja, aflys mødet", True), ("jep", True), ("nej", False)],
)
def test_a_typed_confirmation_works_like_the_buttons(factory, typed, expected) -> None:  # type: ignore[no-untyped-def]
    trk = change_tracker(
        {"requested_slot": "booking_confirmed", "booking_change_kind": "aflys"},
        text=typed,
        candidates={"booking_confirmed": typed},
    )
    events, messages = run(ValidateBookingChangeForm(), trk)
    assert events[0] == SlotSet("booking_confirmed", expected)
    assert messages == []


def test_a_cancel_turns_into_a_move_when_the_citizen_says_so(factory) -> None:  # type: ignore[no-untyped-def]
    typed = "nej jeg vil FLYTTE det, ikke aflyse"
    trk = change_tracker(
        {"requested_slot": "booking_reference", "booking_change_kind": "aflys"},
        text=typed,
        candidates={"booking_reference": typed},
    )
    events, messages = run(ValidateBookingChangeForm(), trk)
    assert SlotSet("booking_change_kind", "flyt") in events
    assert SlotSet("booking_reference", None) in events
    assert messages == [msg("utter_booking_change_intro_move")]


def test_reference_format(factory) -> None:  # type: ignore[no-untyped-def]
    for typed, expected in [("k7m 4qx", "K7M4QX"), ("123", None), ("BBBBBB", None)]:
        trk = change_tracker(
            {"requested_slot": "booking_reference", "booking_change_kind": "aflys"},
            candidates={"booking_reference": typed},
        )
        events, messages = run(ValidateBookingChangeForm(), trk)
        # Cancelling overrides required_slots, so rasa_sdk names the next slot itself.
        next_slot = "booking_change_contact" if expected else "booking_reference"
        assert events == [
            SlotSet("booking_reference", expected),
            SlotSet("requested_slot", next_slot),
        ]
        assert messages == ([] if expected else [msg("utter_booking_reference_invalid")])


def test_wrong_contact_three_times_ends_the_form(factory) -> None:  # type: ignore[no-untyped-def]
    info = book_directly(factory, datetime(2025, 12, 3, 10, tzinfo=TZ))
    for attempt in (1, 2, 3):
        trk = change_tracker(
            {
                "requested_slot": "booking_change_contact",
                "booking_change_kind": "aflys",
                "booking_reference": info.reference,
                "booking_change_attempts": float(attempt - 1),
            },
            candidates={"booking_change_contact": "87654321"},
        )
        events, messages = run(ValidateBookingChangeForm(), trk)
        assert events == [
            SlotSet("booking_change_contact", None),
            SlotSet("booking_reference", None),
            SlotSet("booking_change_attempts", float(attempt)),
            SlotSet("requested_slot", "booking_reference"),
        ]
        assert messages == ([msg("utter_booking_not_found", telefon=PHONE)] if attempt < 3 else [])
    trk = change_tracker({"booking_change_attempts": 3.0, "requested_slot": "booking_reference"})
    events, messages = run(ActionAskBookingReference(), trk)
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None)]
    assert messages == [msg("utter_booking_change_too_many", telefon=PHONE)]
    _, messages = run(ActionAskBookingReference(), change_tracker({}))
    assert messages == [msg("utter_ask_booking_reference")]


def test_cancel_flow(factory) -> None:  # type: ignore[no-untyped-def]
    confirm_mailbox(factory, "mette@example.dk")  # else nothing is mailed but the link
    info = book_directly(factory, datetime(2025, 12, 3, 10, tzinfo=TZ), email="mette@example.dk")
    base = {"booking_change_kind": "aflys", "booking_reference": info.reference}
    trk = change_tracker(
        {**base, "requested_slot": "booking_change_contact"},
        candidates={"booking_change_contact": "Mette@Example.dk"},
    )
    events, messages = run(ValidateBookingChangeForm(), trk)
    assert events == [
        SlotSet("booking_change_contact", "mette@example.dk"),
        SlotSet("requested_slot", "booking_confirmed"),
    ]
    assert messages == []
    filled = {**base, "booking_change_contact": "mette@example.dk"}
    # Cancelling skips the time question.
    required = asyncio.run(
        ValidateBookingChangeForm().required_slots(
            DOMAIN["forms"]["booking_change_form"]["required_slots"],
            CollectingDispatcher(),
            change_tracker(filled),
            DOMAIN,
        )
    )
    assert required == ["booking_reference", "booking_change_contact", "booking_confirmed"]
    events, messages = run(
        ActionAskBookingConfirmed(),
        change_tracker({**filled, "requested_slot": "booking_confirmed"}),
    )
    assert messages == [
        msg(
            "utter_booking_confirm_cancel",
            tidspunkt="onsdag den 3. december kl. 10.00",
            reference=info.reference,
        )
    ]
    events, messages = run(
        ActionCancelBooking(), tracker({**filled, "booking_confirmed": True}, form=None)
    )
    assert events == [*CHANGE_DONE, SlotSet("booking_cancelled_reference", info.reference)]
    assert messages == [
        msg("utter_booking_cancelled", tidspunkt="onsdag den 3. december kl. 10.00"),
        msg("utter_booking_cancelled_mail"),
    ]
    with factory() as session:
        assert bk.count_active(session) == 0
    # A second cancel of the same booking is refused.
    _, messages = run(
        ActionCancelBooking(), tracker({**filled, "booking_confirmed": True}, form=None)
    )
    assert messages == [msg("utter_booking_not_changeable", telefon=PHONE)]
    # Looking up the cancelled meeting again ends the form instead of asking again:
    # a cancel says why, a move offers a new meeting (c05, QA round 2).
    for kind, said, end in [
        ("aflys", msg("utter_booking_not_changeable", telefon=PHONE), "ended"),
        ("flyt", msg("utter_booking_not_movable_book_new"), "book_new"),
    ]:
        trk = change_tracker(
            {
                "booking_change_kind": kind,
                "booking_reference": info.reference,
                "requested_slot": "booking_change_contact",
            },
            candidates={"booking_change_contact": "12345678"},
        )
        events, messages = run(ValidateBookingChangeForm(), trk)
        assert messages == [said]
        assert SlotSet("booking_change_end", end) in events
        assert SlotSet("requested_slot", None) in events


def test_cancel_declined(factory) -> None:  # type: ignore[no-untyped-def]
    info = book_directly(factory, datetime(2025, 12, 3, 10, tzinfo=TZ))
    slots = {
        "booking_change_kind": "aflys",
        "booking_reference": info.reference,
        "booking_change_contact": "12345678",
        "booking_confirmed": False,
    }
    events, messages = run(ActionCancelBooking(), tracker(slots, form=None))
    assert events == CHANGE_DONE
    assert messages == [msg("utter_booking_change_aborted")]
    with factory() as session:
        assert bk.count_active(session) == 1


def test_move_flow(factory) -> None:  # type: ignore[no-untyped-def]
    info = book_directly(factory, datetime(2025, 12, 3, 10, tzinfo=TZ))
    base = {
        "booking_change_kind": "flyt",
        "booking_reference": info.reference,
        "booking_change_contact": "12345678",
    }
    # The offers may include the booking's own current time (it is being moved).
    trk = change_tracker(
        {**base, "requested_slot": "booking_slot_start", "booking_time_wish": "den 3. december"}
    )
    _, messages = run(ActionAskBookingSlotStart(), trk)
    assert messages[0]["response"] == "utter_booking_offer_wish"
    assert messages[0]["buttons"][0] == button(
        "Onsdag den 3. december kl. 09.00", "2025-12-03T09:00+01:00"
    )
    typed = "torsdag den 4. december kl. 13"
    trk = change_tracker(
        {**base, "requested_slot": "booking_slot_start"}, candidates={"booking_slot_start": typed}
    )
    events, _ = run(ValidateBookingChangeForm(), trk)
    assert events == [
        SlotSet("booking_slot_start", "2025-12-04T13:00+01:00"),
        SlotSet("booking_slot_label", "torsdag den 4. december kl. 13.00"),
        SlotSet("booking_time_wish", None),
    ]
    filled = {
        **base,
        "booking_slot_start": "2025-12-04T13:00+01:00",
        "booking_slot_label": "torsdag den 4. december kl. 13.00",
    }
    _, messages = run(
        ActionAskBookingConfirmed(),
        change_tracker({**filled, "requested_slot": "booking_confirmed"}),
    )
    assert messages == [
        msg(
            "utter_booking_confirm_move",
            gammelt_tidspunkt="onsdag den 3. december kl. 10.00",
            tidspunkt="torsdag den 4. december kl. 13.00",
        )
    ]
    events, messages = run(
        ActionMoveBooking(), tracker({**filled, "booking_confirmed": True}, form=None)
    )
    assert events == CHANGE_DONE
    assert messages == [
        msg(
            "utter_booking_moved",
            tidspunkt="torsdag den 4. december kl. 13.00",
            moedeform="Personligt møde på Boulevarden 13",
            reference=info.reference,
        )
    ]


def test_move_to_a_time_taken_meanwhile(factory) -> None:  # type: ignore[no-untyped-def]
    info = book_directly(factory, datetime(2025, 12, 3, 10, tzinfo=TZ))
    target = datetime(2025, 12, 4, 13, tzinfo=TZ)
    book_directly(factory, target, phone="87654321")
    book_directly(factory, target, phone="11223344")
    slots = {
        "booking_change_kind": "flyt",
        "booking_reference": info.reference,
        "booking_change_contact": "12345678",
        "booking_slot_start": "2025-12-04T13:00+01:00",
        "booking_confirmed": True,
    }
    events, messages = run(ActionMoveBooking(), tracker(slots, form=None))
    assert events == [
        SlotSet("booking_slot_start", None),
        SlotSet("booking_slot_label", None),
        SlotSet("booking_confirmed", None),
        SlotSet("booking_time_wish", "2025-12-04T13:00+01:00"),
        ActiveLoop("booking_change_form"),
        FollowupAction("booking_change_form"),
    ]
    assert messages == [msg("utter_booking_slot_taken")]
    with factory() as session:
        still = bk.find_booking(session, info.reference, bk.ContactInfo(phone="12345678"))
    assert still.start == datetime(2025, 12, 3, 10, tzinfo=TZ)
