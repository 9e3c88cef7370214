"""Rasa actions for booking (actions/booking.py): exact events and dispatcher messages."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

import actions.booking as booking_actions
from actions.booking import (
    ActionAskBookingConfirmed,
    ActionAskBookingReference,
    ActionAskBookingSlotStart,
    ActionBookingChangeStart,
    ActionBookingStart,
    ActionBookMeeting,
    ActionCancelBooking,
    ActionMoveBooking,
    ValidateBookingChangeForm,
    ValidateBookingForm,
)
from bot import booking as bk
from bot.db import make_engine, make_session_factory
from bot.outbox import OutboxMail
from bot.settings import ROOT, Settings

DOMAIN: Dict[str, Any] = yaml.safe_load((ROOT / "domain" / "booking.yml").read_text("utf-8"))
TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2025, 11, 26, 10, 0, tzinfo=TZ)  # Wednesday
PHONE = "99 31 16 18"
BOOKING_SLOTS = [
    "booking_topic",
    "booking_meeting_type",
    "booking_slot_start",
    "booking_time_wish",
    "booking_slot_label",
    "booking_name",
    "booking_contact",
    "booking_confirmed",
]
CHANGE_SLOTS = [
    "booking_reference",
    "booking_change_contact",
    "booking_slot_start",
    "booking_time_wish",
    "booking_slot_label",
    "booking_confirmed",
]
RESET_BOOKING = [SlotSet(name, None) for name in BOOKING_SLOTS]
CHANGE_DONE = [SlotSet(name, None) for name in CHANGE_SLOTS] + [
    SlotSet("form_stopped", None),
    SlotSet("booking_change_kind", None),
]


def msg(response: str, **kwargs: Any) -> Dict[str, Any]:
    """A dispatcher message as CollectingDispatcher records it."""
    return {
        "text": None,
        "buttons": [],
        "elements": [],
        "custom": {},
        "template": response,
        "response": response,
        "image": None,
        "attachment": None,
        **kwargs,
    }


def button(title: str, key: str) -> Dict[str, str]:
    return {"title": title, "payload": '/inform{"slot_start":"' + key + '"}'}


def tracker(
    slots: Dict[str, Any] | None = None,
    *,
    form: str | None = "booking_form",
    text: str = "",
    intent: str = "inform",
    candidates: Dict[str, Any] | None = None,
    sender: str = "samtale-1",
) -> Tracker:
    """A tracker inside a form, as Rasa sends it: user message, form action, candidates."""
    all_slots: Dict[str, Any] = {name: None for name in BOOKING_SLOTS + CHANGE_SLOTS}
    all_slots.update({"booking_change_kind": None, "booking_change_attempts": 0.0})
    all_slots["requested_slot"] = None
    all_slots.update(slots or {})
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    events: List[Dict[str, Any]] = [
        {"event": "user", "text": text, "parse_data": latest},
        {"event": "slot", "name": "requested_slot", "value": all_slots["requested_slot"]},
    ]
    if form:
        events.append({"event": "action", "name": form})
    for name, value in (candidates or {}).items():
        events.append({"event": "slot", "name": name, "value": value})
        all_slots[name] = value
    return Tracker(
        sender_id=sender,
        slots=all_slots,
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": form} if form else {},
        latest_action_name=form or "action_listen",
    )


def run(action: Any, trk: Tracker) -> tuple:
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, trk, DOMAIN)
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return result, dispatcher.messages


@pytest.fixture
def factory(monkeypatch, session_factory, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The actions' settings, clock and (seeded) database."""
    settings = Settings(var_dir=tmp_path, data_dir=ROOT / "data")
    with session_factory() as session:
        bk.seed_from_file(session, ROOT / "data" / "booking.yml", now=NOW)
    monkeypatch.setattr(booking_actions, "get_settings", lambda: settings)
    monkeypatch.setattr(booking_actions, "_session_factory", lambda s: session_factory)
    monkeypatch.setattr(booking_actions, "_now", lambda s: NOW)
    return session_factory


@pytest.fixture
def db_down(monkeypatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A database that refuses connections."""
    settings = Settings(var_dir=tmp_path, data_dir=ROOT / "data")
    engine = make_engine("postgresql://postgres@127.0.0.1:1/nothing")
    monkeypatch.setattr(booking_actions, "get_settings", lambda: settings)
    monkeypatch.setattr(booking_actions, "_session_factory", lambda s: make_session_factory(engine))
    monkeypatch.setattr(booking_actions, "_now", lambda s: NOW)
    yield
    engine.dispose()


def book_directly(factory, start: datetime, **kw: Any) -> bk.BookingInfo:  # type: ignore[no-untyped-def]
    args: Dict[str, Any] = {
        "start": start,
        "meeting_type": bk.IN_PERSON,
        "topic": "Min sag",
        "name": "Mette Hansen",
        "phone": "12345678",
        "email": None,
    }
    args.update(kw)
    with factory() as session:
        return bk.book(session, bk.BookingRequest(**args), now=NOW)


# --------------------------------------------------------------------------- domain


def test_domain_declares_every_response_and_action_used() -> None:
    source = (ROOT / "actions" / "booking.py").read_text("utf-8")
    import re

    used = set(re.findall(r'"(utter_[a-z_]+)"', source))
    assert used <= set(DOMAIN["responses"])
    names = set(re.findall(r'return "((?:action|validate)_[a-z_]+)"', source))
    assert names == set(DOMAIN["actions"])
    for form in DOMAIN["forms"].values():
        for slot in form["required_slots"]:
            assert slot in DOMAIN["slots"]
            assert f"utter_ask_{slot}" in DOMAIN["responses"] or f"action_ask_{slot}" in names


# --------------------------------------------------------------------------- start / stop


def test_start_resets_and_introduces() -> None:
    events, messages = run(ActionBookingStart(), tracker({"booking_topic": "gammelt"}, form=None))
    assert events == [
        *RESET_BOOKING,
        SlotSet("form_stopped", None),
        SlotSet("booking_meeting_type", None),
        SlotSet("booking_time_wish", None),
        FollowupAction("booking_form"),
    ]
    assert messages == [msg("utter_booking_intro")]


def test_start_uses_what_the_opening_message_says(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(booking_actions, "_now", lambda s: NOW)
    text = "kan I ringe mig op på torsdag formiddag?"
    events, _ = run(ActionBookingStart(), tracker({}, form=None, text=text, intent="book_meeting"))
    assert events[-3:-1] == [
        SlotSet("booking_meeting_type", "telefon"),
        SlotSet("booking_time_wish", text),
    ]


def test_start_of_a_change_uses_the_reference_and_the_words() -> None:
    text = "jeg vil gerne flytte mit møde K7M4QX"
    trk = tracker({}, form=None, text=text, intent="cancel_booking")
    events, messages = run(ActionBookingChangeStart(), trk)
    assert events[0] == SlotSet("booking_change_kind", "flyt")  # the words win over the intent
    assert events[-1] == SlotSet("booking_reference", "K7M4QX")
    assert messages == [msg("utter_booking_change_intro_move")]


def test_a_typed_stop_ends_the_form_and_books_nothing(factory) -> None:  # type: ignore[no-untyped-def]
    trk = tracker(
        {"requested_slot": "booking_name"}, text="glem det", candidates={"booking_name": "glem det"}
    )
    events, messages = run(ValidateBookingForm(), trk)
    assert events == [
        SlotSet("booking_name", None),
        SlotSet("form_stopped", True),
        SlotSet("requested_slot", None),
    ]
    assert messages == []
    events, messages = run(ActionBookMeeting(), tracker({"form_stopped": True}, form=None))
    assert events == [*RESET_BOOKING, SlotSet("form_stopped", None)]
    assert messages == [msg("utter_booking_stopped", telefon=PHONE)]
    with factory() as session:
        assert bk.count_active(session) == 0


def test_a_name_is_an_answer_never_a_stop(factory) -> None:  # type: ignore[no-untyped-def]
    trk = tracker(
        {"requested_slot": "booking_name"},
        text="Bent Larsen",
        intent="stop",  # whatever the classifier thought
        candidates={"booking_name": "Bent Larsen"},
    )
    events, messages = run(ValidateBookingForm(), trk)
    assert events == [SlotSet("booking_name", "Bent Larsen")]
    assert messages == []


def test_cleared_slots_are_not_validated_when_the_form_starts(factory) -> None:  # type: ignore[no-untyped-def]
    cleared = {name: None for name in BOOKING_SLOTS}
    trk = tracker({"requested_slot": None}, text="book et møde", candidates=cleared)
    events, messages = run(ValidateBookingForm(), trk)
    assert messages == []  # no "Det forstod jeg ikke" before the citizen has said anything
    assert events == [SlotSet(name, None) for name in BOOKING_SLOTS]


@pytest.mark.parametrize(
    "typed, expected",
    [("ja aflys", True), ("Ja, aflys mødet", True), ("jep", True), ("nej", False)],
)
def test_a_typed_confirmation_works_like_the_buttons(factory, typed, expected) -> None:  # type: ignore[no-untyped-def]
    trk = _change_tracker(
        {"requested_slot": "booking_confirmed", "booking_change_kind": "aflys"},
        text=typed,
        candidates={"booking_confirmed": typed},
    )
    events, messages = run(ValidateBookingChangeForm(), trk)
    assert events[0] == SlotSet("booking_confirmed", expected)
    assert messages == []


def test_a_no_with_a_new_hour_keeps_the_day(factory) -> None:  # type: ignore[no-untyped-def]
    slots = {
        "requested_slot": "booking_confirmed",
        "booking_slot_start": "2025-12-03T10:00+01:00",
        "booking_slot_label": "onsdag den 3. december kl. 10.00",
    }
    typed = "nej, hellere kl 13"
    trk = tracker(slots, text=typed, candidates={"booking_confirmed": typed})
    events, messages = run(ValidateBookingForm(), trk)
    assert SlotSet("booking_slot_start", "2025-12-03T13:00+01:00") in events
    assert SlotSet("booking_confirmed", None) in events
    assert messages == []


def test_an_hour_after_a_day_keeps_the_day(factory) -> None:  # type: ignore[no-untyped-def]
    slots = {"requested_slot": "booking_slot_start", "booking_time_wish": "den 3. december"}
    trk = tracker(slots, text="kl 13 er fint", candidates={"booking_slot_start": "kl 13 er fint"})
    events, _ = run(ValidateBookingForm(), trk)
    assert events[0] == SlotSet("booking_slot_start", "2025-12-03T13:00+01:00")


def test_a_cancel_turns_into_a_move_when_the_citizen_says_so(factory) -> None:  # type: ignore[no-untyped-def]
    typed = "nej jeg vil FLYTTE det, ikke aflyse"
    trk = _change_tracker(
        {"requested_slot": "booking_reference", "booking_change_kind": "aflys"},
        text=typed,
        candidates={"booking_reference": typed},
    )
    events, messages = run(ValidateBookingChangeForm(), trk)
    assert SlotSet("booking_change_kind", "flyt") in events
    assert SlotSet("booking_reference", None) in events
    assert messages == [msg("utter_booking_change_intro_move")]


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "typed, expected, response",
    [
        ("Afslag på  boligstøtte [CPR]", "Afslag på boligstøtte [CPR]", None),
        ("ok", None, "utter_booking_topic_too_short"),
    ],
)
def test_topic(factory, typed, expected, response) -> None:  # type: ignore[no-untyped-def]
    trk = tracker(
        {"requested_slot": "booking_topic"}, text=typed, candidates={"booking_topic": typed}
    )
    events, messages = run(ValidateBookingForm(), trk)
    assert events == [SlotSet("booking_topic", expected)]
    assert messages == ([msg(response)] if response else [])


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("telefon", "telefon"),
        ("fremmoede", "fremmoede"),
        ("Et telefonmøde, tak", "telefon"),
        ("I må gerne ringe til mig", "telefon"),
        ("Jeg kommer gerne ind på Boulevarden", "fremmoede"),
        ("personligt møde", "fremmoede"),
        ("ved ikke", None),
    ],
)
def test_meeting_type(factory, typed, expected) -> None:  # type: ignore[no-untyped-def]
    trk = tracker(
        {"requested_slot": "booking_meeting_type"},
        text=typed,
        candidates={"booking_meeting_type": typed},
    )
    events, messages = run(ValidateBookingForm(), trk)
    assert events == [SlotSet("booking_meeting_type", expected)]
    assert messages == ([] if expected else [msg("utter_booking_meeting_type_invalid")])


def test_button_choice_is_checked_and_labelled(factory) -> None:  # type: ignore[no-untyped-def]
    key = "2025-12-03T10:00+01:00"
    trk = tracker(
        {"requested_slot": "booking_slot_start"},
        text='/inform{"slot_start":"2025-12-03T10:00+01:00"}',
        candidates={"booking_slot_start": key},
    )
    events, messages = run(ValidateBookingForm(), trk)
    assert events == [
        SlotSet("booking_slot_start", key),
        SlotSet("booking_slot_label", "onsdag den 3. december kl. 10.00"),
        SlotSet("booking_time_wish", None),
    ]
    assert messages == []


def test_exact_free_wish_is_chosen_directly(factory) -> None:  # type: ignore[no-untyped-def]
    typed = "den 3. december kl. 10"
    trk = tracker(
        {"requested_slot": "booking_slot_start"},
        text=typed,
        candidates={"booking_slot_start": typed},
    )
    events, messages = run(ValidateBookingForm(), trk)
    assert events == [
        SlotSet("booking_slot_start", "2025-12-03T10:00+01:00"),
        SlotSet("booking_slot_label", "onsdag den 3. december kl. 10.00"),
        SlotSet("booking_time_wish", None),
    ]
    assert messages == []


def test_other_wish_is_kept_for_the_offers(factory) -> None:  # type: ignore[no-untyped-def]
    typed = "i næste uge om formiddagen"
    trk = tracker(
        {"requested_slot": "booking_slot_start"},
        text=typed,
        candidates={"booking_slot_start": typed},
    )
    events, messages = run(ValidateBookingForm(), trk)
    assert events == [SlotSet("booking_slot_start", None), SlotSet("booking_time_wish", typed)]
    assert messages == []


def test_button_for_a_taken_time(factory) -> None:  # type: ignore[no-untyped-def]
    start = datetime(2025, 12, 3, 10, tzinfo=TZ)
    book_directly(factory, start)
    book_directly(factory, start, phone="87654321")  # both advisors busy
    key = "2025-12-03T10:00+01:00"
    trk = tracker({"requested_slot": "booking_slot_start"}, candidates={"booking_slot_start": key})
    events, messages = run(ValidateBookingForm(), trk)
    assert events == [SlotSet("booking_slot_start", None), SlotSet("booking_time_wish", key)]
    assert messages == [msg("utter_booking_slot_taken")]


@pytest.mark.parametrize(
    "typed, meeting_type, expected, response",
    [
        ("12 34 56 78", "fremmoede", "12345678", None),
        ("mette@example.dk", "fremmoede", "mette@example.dk", None),
        ("+45 12345678 og mette@example.dk", "telefon", "12345678, mette@example.dk", None),
        ("mette@example.dk", "telefon", None, "utter_booking_phone_needed"),
        ("det vil jeg ikke sige", "fremmoede", None, "utter_booking_contact_invalid"),
        ("mette@localhost", "fremmoede", None, "utter_booking_contact_invalid"),
    ],
)
def test_contact(factory, typed, meeting_type, expected, response) -> None:  # type: ignore[no-untyped-def]
    trk = tracker(
        {"requested_slot": "booking_contact", "booking_meeting_type": meeting_type},
        text=typed,
        candidates={"booking_contact": typed},
    )
    events, messages = run(ValidateBookingForm(), trk)
    assert events == [SlotSet("booking_contact", expected)]
    assert messages == ([msg(response)] if response else [])


@pytest.mark.parametrize(
    "typed, expected",
    [("Mette Hansen", "Mette Hansen"), ("jeg hedder Mette", "Mette"), ("42", None)],
)
def test_name(factory, typed, expected) -> None:  # type: ignore[no-untyped-def]
    trk = tracker(
        {"requested_slot": "booking_name"}, text=typed, candidates={"booking_name": typed}
    )
    events, messages = run(ValidateBookingForm(), trk)
    assert events == [SlotSet("booking_name", expected)]
    assert messages == ([] if expected else [msg("utter_booking_name_invalid")])


# --------------------------------------------------------------------------- offers


def test_offers_next_free_times(factory) -> None:  # type: ignore[no-untyped-def]
    events, messages = run(
        ActionAskBookingSlotStart(), tracker({"requested_slot": "booking_slot_start"})
    )
    assert events == []
    assert messages == [
        msg(
            "utter_booking_offer",
            buttons=[
                button("Onsdag den 26. november kl. 12.00", "2025-11-26T12:00+01:00"),
                button("Torsdag den 27. november kl. 09.00", "2025-11-27T09:00+01:00"),
                button("Fredag den 28. november kl. 09.00", "2025-11-28T09:00+01:00"),
            ],
        )
    ]


def test_offers_follow_a_free_text_wish(factory) -> None:  # type: ignore[no-untyped-def]
    trk = tracker({"requested_slot": "booking_slot_start", "booking_time_wish": "på torsdag"})
    events, messages = run(ActionAskBookingSlotStart(), trk)
    assert events == []
    assert messages == [
        msg(
            "utter_booking_offer_wish",
            buttons=[
                button("Torsdag den 27. november kl. 09.00", "2025-11-27T09:00+01:00"),
                button("Torsdag den 27. november kl. 10.00", "2025-11-27T10:00+01:00"),
                button("Torsdag den 27. november kl. 11.00", "2025-11-27T11:00+01:00"),
            ],
        )
    ]


def test_offers_nearest_when_the_wish_is_not_free(factory) -> None:  # type: ignore[no-untyped-def]
    trk = tracker(
        {"requested_slot": "booking_slot_start", "booking_time_wish": "den 24. december kl. 10"}
    )
    events, messages = run(ActionAskBookingSlotStart(), trk)
    assert messages == [
        msg(
            "utter_booking_offer_nearest",
            buttons=[
                button("Fredag den 19. december kl. 11.00", "2025-12-19T11:00+01:00"),
                button("Mandag den 22. december kl. 14.00", "2025-12-22T14:00+01:00"),
                button("Tirsdag den 23. december kl. 14.00", "2025-12-23T14:00+01:00"),
            ],
        )
    ]


def test_offers_when_the_wish_is_not_understood(factory) -> None:  # type: ignore[no-untyped-def]
    trk = tracker(
        {"requested_slot": "booking_slot_start", "booking_time_wish": "når solen skinner"}
    )
    _, messages = run(ActionAskBookingSlotStart(), trk)
    assert [m["response"] for m in messages] == ["utter_booking_wish_not_understood"]
    assert len(messages[0]["buttons"]) == 3


def test_offers_when_the_database_is_down(db_down) -> None:  # type: ignore[no-untyped-def]
    events, messages = run(
        ActionAskBookingSlotStart(), tracker({"requested_slot": "booking_slot_start"})
    )
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None)]
    assert messages == [msg("utter_booking_error", telefon=PHONE)]


# --------------------------------------------------------------------------- confirm and book

FILLED = {
    "booking_topic": "Afslag på boligstøtte",
    "booking_meeting_type": "fremmoede",
    "booking_slot_start": "2025-12-03T10:00+01:00",
    "booking_slot_label": "onsdag den 3. december kl. 10.00",
    "booking_name": "Mette Hansen",
    "booking_contact": "12345678, mette@example.dk",
}


def test_summary_to_confirm(factory) -> None:  # type: ignore[no-untyped-def]
    events, messages = run(
        ActionAskBookingConfirmed(), tracker({**FILLED, "requested_slot": "booking_confirmed"})
    )
    assert events == []
    assert messages == [
        msg(
            "utter_booking_confirm_new",
            tidspunkt="onsdag den 3. december kl. 10.00",
            moedeform="Personligt møde på Boulevarden 13",
            emne="Afslag på boligstøtte",
            navn="Mette Hansen",
            kontakt="12345678, mette@example.dk",
        )
    ]


def test_book_with_email(factory) -> None:  # type: ignore[no-untyped-def]
    events, messages = run(
        ActionBookMeeting(), tracker({**FILLED, "booking_confirmed": True}, form=None)
    )
    assert events == RESET_BOOKING
    with factory() as session:
        stored = session.execute(select(bk.Booking)).scalar_one()
        mail = session.execute(select(OutboxMail)).scalar_one()
    assert (stored.name, stored.phone, stored.email) == (
        "Mette Hansen",
        "12345678",
        "mette@example.dk",
    )
    assert mail.key == f"booking:{stored.reference}:bekraeftelse:0"
    assert messages == [
        msg(
            "utter_booking_booked",
            tidspunkt="onsdag den 3. december kl. 10.00",
            moedeform="Personligt møde på Boulevarden 13",
            reference=stored.reference,
        ),
        msg("utter_booking_booked_mail", email="mette@example.dk"),
    ]
    # Pressing "Ja" twice books once.
    run(ActionBookMeeting(), tracker({**FILLED, "booking_confirmed": True}, form=None))
    with factory() as session:
        assert bk.count_active(session) == 1


def test_book_with_phone_only_confirms_in_the_chat(factory) -> None:  # type: ignore[no-untyped-def]
    slots = {**FILLED, "booking_contact": "12345678", "booking_confirmed": True}
    _, messages = run(ActionBookMeeting(), tracker(slots, form=None))
    assert [m["response"] for m in messages] == [
        "utter_booking_booked",
        "utter_booking_booked_chat",
    ]
    assert messages[1] == msg("utter_booking_booked_chat", telefon=PHONE)
    with factory() as session:
        assert session.execute(select(OutboxMail)).first() is None


def test_book_taken_meanwhile_goes_back_to_the_offers(factory) -> None:  # type: ignore[no-untyped-def]
    start = datetime(2025, 12, 3, 10, tzinfo=TZ)
    book_directly(factory, start)
    book_directly(factory, start, phone="87654321")
    events, messages = run(
        ActionBookMeeting(), tracker({**FILLED, "booking_confirmed": True}, form=None)
    )
    assert events == [
        SlotSet("booking_slot_start", None),
        SlotSet("booking_slot_label", None),
        SlotSet("booking_confirmed", None),
        SlotSet("booking_time_wish", "2025-12-03T10:00+01:00"),
        ActiveLoop("booking_form"),
        FollowupAction("booking_form"),
    ]
    assert messages == [msg("utter_booking_slot_taken")]
    # The form then offers the nearest free times.
    trk = tracker(
        {"requested_slot": "booking_slot_start", "booking_time_wish": "2025-12-03T10:00+01:00"}
    )
    _, offers = run(ActionAskBookingSlotStart(), trk)
    assert offers[0]["response"] == "utter_booking_offer_nearest"
    assert "2025-12-03T10:00+01:00" not in str(offers[0]["buttons"])


def test_book_when_the_database_is_down(db_down) -> None:  # type: ignore[no-untyped-def]
    events, messages = run(
        ActionBookMeeting(), tracker({**FILLED, "booking_confirmed": True}, form=None)
    )
    assert events == RESET_BOOKING
    assert messages == [msg("utter_booking_error", telefon=PHONE)]


def test_book_declined(factory) -> None:  # type: ignore[no-untyped-def]
    events, messages = run(
        ActionBookMeeting(), tracker({**FILLED, "booking_confirmed": False}, form=None)
    )
    assert events == RESET_BOOKING
    assert messages == [msg("utter_booking_not_booked", telefon=PHONE)]
    with factory() as session:
        assert bk.count_active(session) == 0


# --------------------------------------------------------------------------- cancel / move


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
    ]
    assert messages == [msg(response)]


def _change_tracker(slots: Dict[str, Any], **kw: Any) -> Tracker:
    return tracker(slots, form="booking_change_form", **kw)


def test_reference_format(factory) -> None:  # type: ignore[no-untyped-def]
    for typed, expected in [("k7m 4qx", "K7M4QX"), ("123", None), ("BBBBBB", None)]:
        trk = _change_tracker(
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
        trk = _change_tracker(
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
    trk = _change_tracker({"booking_change_attempts": 3.0, "requested_slot": "booking_reference"})
    events, messages = run(ActionAskBookingReference(), trk)
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None)]
    assert messages == [msg("utter_booking_change_too_many", telefon=PHONE)]
    _, messages = run(ActionAskBookingReference(), _change_tracker({}))
    assert messages == [msg("utter_ask_booking_reference")]


def test_cancel_flow(factory) -> None:  # type: ignore[no-untyped-def]
    info = book_directly(factory, datetime(2025, 12, 3, 10, tzinfo=TZ), email="mette@example.dk")
    base = {"booking_change_kind": "aflys", "booking_reference": info.reference}
    trk = _change_tracker(
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
            _change_tracker(filled),
            DOMAIN,
        )
    )
    assert required == ["booking_reference", "booking_change_contact", "booking_confirmed"]
    events, messages = run(
        ActionAskBookingConfirmed(),
        _change_tracker({**filled, "requested_slot": "booking_confirmed"}),
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
    assert events == CHANGE_DONE
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
    trk = _change_tracker(
        {**base, "requested_slot": "booking_slot_start", "booking_time_wish": "den 3. december"}
    )
    _, messages = run(ActionAskBookingSlotStart(), trk)
    assert messages[0]["response"] == "utter_booking_offer_wish"
    assert messages[0]["buttons"][0] == button(
        "Onsdag den 3. december kl. 09.00", "2025-12-03T09:00+01:00"
    )
    typed = "torsdag den 4. december kl. 13"
    trk = _change_tracker(
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
        _change_tracker({**filled, "requested_slot": "booking_confirmed"}),
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


def test_broken_data_file_gives_the_phone_number(factory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(path: Path) -> bk.OfficeTexts:
        raise bk.BookingFileError("data/booking.yml: bad")

    monkeypatch.setattr(booking_actions, "_texts_for", broken)
    events, messages = run(
        ActionAskBookingSlotStart(), tracker({"requested_slot": "booking_slot_start"})
    )
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None)]
    assert messages == [msg("utter_booking_error", telefon=PHONE)]
    events, messages = run(
        ActionBookMeeting(), tracker({**FILLED, "booking_confirmed": True}, form=None)
    )
    assert events == RESET_BOOKING
    assert messages == [msg("utter_booking_error", telefon=PHONE)]
