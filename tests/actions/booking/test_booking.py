"""A new booking (actions/booking.py, and the offers and summary it asks): exact events and
dispatcher messages."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from sqlalchemy import select

from actions.booking import ActionBookingStart, ActionBookMeeting, ValidateBookingForm
from actions.booking_questions import ActionAskBookingConfirmed, ActionAskBookingSlotStart
from bot.core.settings import ROOT
from bot.features import booking as bk
from bot.infra.outbox import OutboxMail
from tests.actions.booking.helpers import (
    BOOKING_SLOTS,
    DOMAIN,
    FILLED,
    NOW,
    PHONE,
    RESET_BOOKING,
    TZ,
    book_directly,
    button,
    confirm_mailbox,
    run,
    tracker,
)
from tests.actions.helpers import msg
from tests.fakes import services


def test_domain_declares_every_response_and_action_used() -> None:
    import re

    # The actions, and the plain functions that choose their responses.
    files = ["actions/booking.py", "actions/booking_change.py", "actions/booking_questions.py"]
    files.append("bot/features/booking/dialogue.py")
    source = "\n".join((ROOT / f).read_text("utf-8") for f in files)

    used = set(re.findall(r'"(utter_[a-z_]+)"', source))
    assert used <= set(DOMAIN["responses"])
    names = set(re.findall(r'return "((?:action|validate)_[a-z_]+)"', source))
    assert names <= set(DOMAIN["actions"])
    for form in (DOMAIN["forms"][f] for f in ("booking_form", "booking_change_form")):
        for slot in form["required_slots"]:
            assert slot in DOMAIN["slots"]
            assert f"utter_ask_{slot}" in DOMAIN["responses"] or f"action_ask_{slot}" in names


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


def test_start_uses_what_the_opening_message_says() -> None:
    text = "kan I ringe mig op på torsdag formiddag?"
    trk = tracker({}, form=None, text=text, intent="book_meeting")
    events, _ = run(ActionBookingStart(services(at=NOW)), trk)
    assert events[-3:-1] == [
        SlotSet("booking_meeting_type", "telefon"),
        SlotSet("booking_time_wish", text),
    ]


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


def test_topic_for_another_authority_gets_a_remark(factory) -> None:  # type: ignore[no-untyped-def]
    typed = "min boligstøtte fra Udbetaling Danmark er stoppet"
    trk = tracker(
        {"requested_slot": "booking_topic"},
        text=typed,
        intent="udbetaling_danmark",
        candidates={"booking_topic": typed},
    )
    events, messages = run(ValidateBookingForm(), trk)
    assert events == [SlotSet("booking_topic", typed)]  # the booking goes on
    assert [m["response"] for m in messages] == ["utter_booking_topic_elsewhere"]
    assert messages[0]["myndighed"] == "Udbetaling Danmark"
    assert messages[0]["web"].startswith("https://")


def test_topic_that_points_to_the_first_message_uses_it(factory) -> None:  # type: ignore[no-untyped-def]
    story = "Min mor har ikke fået hjemmehjælp i tre uger, og ingen ringer tilbage"
    trk = tracker(
        {"requested_slot": "booking_topic"},
        text="det står i min første besked",
        candidates={"booking_topic": "det står i min første besked"},
    )
    trk.events[:0] = [
        {"event": "user", "text": story},
        {"event": "user", "text": "/book_meeting"},
        {"event": "user", "text": "ja tak"},
    ]
    events, messages = run(ValidateBookingForm(), trk)
    assert events == [SlotSet("booking_topic", story)]
    assert messages == []


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


def test_meeting_type_with_a_time_keeps_the_time(factory) -> None:  # type: ignore[no-untyped-def]
    typed = "telefon, tirsdag den 8 kl 13"
    trk = tracker(
        {"requested_slot": "booking_meeting_type"},
        text=typed,
        candidates={"booking_meeting_type": typed},
    )
    events, messages = run(ValidateBookingForm(), trk)
    assert events == [
        SlotSet("booking_meeting_type", "telefon"),
        SlotSet("booking_time_wish", typed),
    ]
    assert messages == []


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
    """The address has not confirmed: a link to confirm it, and the chat says so."""
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
    assert mail.key.startswith("bekraeft:") and "Mette" not in mail.message.decode("ascii")
    assert messages == [
        msg(
            "utter_booking_booked",
            tidspunkt="onsdag den 3. december kl. 10.00",
            moedeform="Personligt møde på Boulevarden 13",
            reference=stored.reference,
        ),
        msg("utter_booking_booked_link", email="mette@example.dk"),
    ]
    # Pressing "Ja" twice books once.
    run(ActionBookMeeting(), tracker({**FILLED, "booking_confirmed": True}, form=None))
    with factory() as session:
        assert bk.count_active(session) == 1


def test_book_with_a_confirmed_email(factory) -> None:  # type: ignore[no-untyped-def]
    confirm_mailbox(factory, "mette@example.dk")
    slots = {**FILLED, "booking_confirmed": True}
    _, messages = run(ActionBookMeeting(), tracker(slots, form=None))
    with factory() as session:
        stored = session.execute(select(bk.Booking)).scalar_one()
        mail = session.execute(select(OutboxMail)).scalar_one()
    assert mail.key == f"booking:{stored.reference}:bekraeftelse:0"
    assert messages[1] == msg("utter_booking_booked_mail", email="mette@example.dk")


def test_a_limit_refuses_with_the_phone_number(factory) -> None:  # type: ignore[no-untyped-def]
    slots = {**FILLED, "booking_contact": "12345678", "booking_confirmed": True}
    for day in (3, 4):
        start = datetime(2025, 12, day, 10, tzinfo=TZ).isoformat(timespec="minutes")
        trk = tracker({**slots, "booking_slot_start": start}, form=None, sender=f"s{day}")
        run(ActionBookMeeting(), trk)
    _, messages = run(ActionBookMeeting(), tracker(slots, form=None, sender="s9"))
    assert messages == [msg("utter_booking_limit", telefon=PHONE)]
    with factory() as session:
        assert bk.count_active(session) == 2


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


def test_broken_data_file_gives_the_phone_number(factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "booking.yml").write_text("moedelaengde_minutter: [\n", encoding="utf-8")
    broken = services(tmp_path, at=NOW, sessions=factory, content_dir=content)
    events, messages = run(
        ActionAskBookingSlotStart(broken), tracker({"requested_slot": "booking_slot_start"})
    )
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None)]
    assert messages == [msg("utter_booking_error", telefon=PHONE)]
    events, messages = run(
        ActionBookMeeting(broken), tracker({**FILLED, "booking_confirmed": True}, form=None)
    )
    assert events == RESET_BOOKING
    assert messages == [msg("utter_booking_error", telefon=PHONE)]


def test_either_meeting_type_will_do(factory) -> None:  # type: ignore[no-untyped-def]
    """QA round 2, c03: "ligemeget bare det er snart" got "Det forstod jeg ikke" and the
    question twice. Either will do: a phone meeting, and the citizen is told how to change it."""
    typed = "ligemeget bare det er snart"
    trk = tracker(
        {"requested_slot": "booking_meeting_type"},
        text=typed,
        candidates={"booking_meeting_type": typed},
    )
    events, messages = run(ValidateBookingForm(), trk)
    assert events[0] == SlotSet("booking_meeting_type", "telefon")
    assert messages == [msg("utter_booking_meeting_type_any")]


def test_calling_them_oneself_is_no_booking(factory) -> None:  # type: ignore[no-untyped-def]
    """ "jeg ringer til dem i morgen" after a redirect was read as a wish for a meeting."""
    trk = tracker({}, form=None, text="jeg ringer til dem i morgen", intent="book_meeting")
    events, messages = run(ActionBookingStart(), trk)
    assert events == [FollowupAction("action_listen")]
    assert messages == [msg("utter_will_call_them", telefon=PHONE)]


def test_a_move_request_that_reads_as_a_booking_is_a_move(factory) -> None:  # type: ignore[no-untyped-def]
    """QA round 3, c04: "... nummer NPFMXE. kan det rykkes til mandag?" was classified as a
    booking and asked "Hvad skal mødet handle om?" (a second meeting)."""
    text = "jeg har et telefonmoede med jer paa fredag, nummer NPFMXE. kan det rykkes til mandag?"
    trk = tracker({}, form=None, text=text, intent="book_meeting")
    events, messages = run(ActionBookingStart(), trk)
    assert events == [FollowupAction("action_booking_change_start")]
    assert messages == []


def test_help_now_is_no_booking(factory) -> None:  # type: ignore[no-untyped-def]
    text = "hun har brug for hjaelp i nat, ikke et moede"
    trk = tracker({}, form=None, text=text, intent="book_meeting")
    events, messages = run(ActionBookingStart(), trk)
    assert events == [FollowupAction("action_listen")]
    assert [m["response"] for m in messages] == ["utter_acute_help"]
