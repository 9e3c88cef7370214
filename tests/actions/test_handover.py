"""Hand-over actions (actions/handover.py): exact events and messages."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.handover import (
    ActionAskHandoverConsent,
    ActionHandoverAdd,
    ActionHandoverAddStart,
    ActionHandoverStart,
    ActionHandoverSubmit,
    ValidateHandoverAddForm,
    ValidateHandoverForm,
)
from bot.app.bootstrap import Services
from bot.core.settings import ROOT
from bot.features.cases.intake import NewCase, open_case
from bot.features.cases.tables import CITIZEN, CLOSED, Case, CaseEntry
from bot.features.handover.content import load_handover
from bot.infra.db import session_scope
from tests.actions.helpers import msg
from tests.fakes import services

DOMAIN: Dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text("utf-8"))
TZ = ZoneInfo("Europe/Copenhagen")
OPEN = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)  # Tuesday, office open
SATURDAY = datetime(2026, 12, 5, 11, 0, tzinfo=TZ)
PHONE = "99 31 16 18"
STAFF = (
    "- Karina Korsbæk Jensen, Borgerrådgiver: 99 31 19 67\n"
    "- Anja Kristensen, Socialfaglig konsulent: 99 31 16 18"
)
VERSION = load_handover(ROOT / "content" / "handover.yml").samtykke.version_id
FORM_SLOTS = [
    "handover_consent",
    "handover_consent_version",
    "handover_unclear",
    "handover_matter",
    "handover_contact",
    "handover_when",
    "form_stopped",
]
RESET = [SlotSet(name, None) for name in FORM_SLOTS]
T0 = OPEN.timestamp()
MATTER = "Min sagsbehandler på jobcentret har ikke svaret i fem måneder. Mit cpr er [CPR]"


def user(text: str, intent: str, t: float = T0) -> Dict[str, Any]:
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    return {"event": "user", "text": text, "timestamp": t, "parse_data": parse}


def bot(text: str, t: float = T0) -> Dict[str, Any]:
    return {"event": "bot", "text": text, "timestamp": t, "data": {}}


HISTORY = [
    {"event": "session_started"},
    user(MATTER, "klage_sagsbehandling"),
    bot("Det kan Borgerrådgivningen hjælpe med."),
    user("/request_human", "request_human", T0 + 30),
]


def tracker(
    slots: Dict[str, Any] | None = None,
    *,
    text: str = "",
    intent: str = "inform",
    history: List[Dict[str, Any]] | None = None,
    form: str | None = None,
    candidates: Dict[str, Any] | None = None,
    sender: str = "samtale-1",
) -> Tracker:
    """A tracker as Rasa sends it: the history, the latest message, the form's candidates."""
    all_slots: Dict[str, Any] = {name: None for name in FORM_SLOTS}
    all_slots.update({"handover_case": None, "handover_addition": None, "requested_slot": None})
    all_slots.update(slots or {})
    latest = user(text, intent, T0 + 60)
    events = [*(HISTORY if history is None else history), latest]
    if form:
        events.append({"event": "action", "name": form})
    for name, value in (candidates or {}).items():
        events.append({"event": "slot", "name": name, "value": value})
        all_slots[name] = value
    return Tracker(
        sender_id=sender,
        slots=all_slots,
        latest_message=latest["parse_data"],
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


def validate(slots: Dict[str, Any], requested: str, text: str, **kw: Any) -> tuple:
    """The form validation for an answer to ``requested``."""
    trk = tracker(
        {**slots, "requested_slot": requested},
        text=text,
        form="handover_form",
        candidates={requested: text},
        **kw,
    )
    return run(ValidateHandoverForm(services()), trk)


class NoDatabase:
    def __call__(self) -> None:
        raise AssertionError("this action must not touch the database")


class BrokenDatabase:
    def __call__(self) -> None:
        raise RuntimeError("database is down")


@pytest.fixture
def app(session_factory, tmp_path: Path) -> Services:
    return services(tmp_path, at=OPEN, sessions=session_factory)


# ------------------------------------------------------------------- offer and consent


def test_the_offer_gives_the_phone_numbers_and_starts_fresh() -> None:
    events, messages = run(ActionHandoverStart(services()), tracker(text="menneske"))
    assert events == RESET
    assert messages == [msg("utter_handover_intro", telefon=PHONE, medarbejdere=STAFF)]


def test_a_conversation_already_handed_over_is_offered_to_add_to_it() -> None:
    trk = tracker({"handover_case": "BR-2026-0007"}, text="menneske")
    events, messages = run(ActionHandoverStart(services()), trk)
    assert events == [FollowupAction("action_listen")]
    assert messages == [msg("utter_handover_already", nummer="BR-2026-0007")]


def test_the_consent_question_says_how_long_and_remembers_its_version() -> None:
    events, messages = run(ActionAskHandoverConsent(services()), tracker())
    assert events == [SlotSet("handover_consent_version", VERSION)]
    [message] = messages
    assert message["response"] == "utter_handover_consent"
    assert "365 dage" in message["samtykke"] and "§ 19" in message["samtykke"]
    text = services(case_retention_days=90).handover().samtykke.render(90)
    _, messages = run(ActionAskHandoverConsent(services(case_retention_days=90)), tracker())
    assert messages[0]["samtykke"] == text and "90 dage" in text


# ------------------------------------------------------------------------ the form


def test_yes_asks_for_the_contact_when_the_matter_is_known() -> None:
    events, messages = validate({}, "handover_consent", "/affirm", intent="affirm")
    assert events == [
        SlotSet("handover_consent", True),
        SlotSet("requested_slot", "handover_contact"),  # the matter is skipped
    ]
    assert messages == []


def test_yes_asks_what_it_is_about_when_the_conversation_does_not_say() -> None:
    history = [
        {"event": "session_started"},
        user("kan jeg tale med en rigtig person", "request_human"),
    ]
    events, messages = validate({}, "handover_consent", "ja", intent="affirm", history=history)
    assert events == [SlotSet("handover_consent", True)]  # the domain's order: the matter next
    assert messages == []


def test_no_ends_the_form() -> None:
    events, messages = validate({}, "handover_consent", "Nej", intent="deny")
    assert events == [SlotSet("handover_consent", False), SlotSet("requested_slot", None)]
    assert messages == []


def test_an_unclear_answer_is_asked_again_once_then_taken_as_no() -> None:
    events, messages = validate({}, "handover_consent", "hvad betyder det", intent="inform")
    assert events == [
        SlotSet("handover_consent", None),
        SlotSet("handover_unclear", 1.0),
        SlotSet("requested_slot", "handover_consent"),
    ]
    assert messages == [msg("utter_handover_consent_unclear")]
    events, messages = validate({"handover_unclear": 1.0}, "handover_consent", "tja")
    assert events == [
        SlotSet("handover_consent", False),
        SlotSet("handover_unclear", 2.0),
        SlotSet("requested_slot", None),
    ]
    assert messages == []


def test_stop_ends_the_form_without_consent() -> None:
    events, messages = validate({}, "handover_consent", "stop")
    assert events == [
        SlotSet("handover_consent", None),
        SlotSet("form_stopped", True),
        SlotSet("requested_slot", None),
    ]
    assert messages == []


def test_a_phone_number_asks_when_it_suits() -> None:
    events, messages = validate({"handover_consent": True}, "handover_contact", "12 34 56 78")
    assert events == [
        SlotSet("handover_contact", "12345678"),
        SlotSet("requested_slot", "handover_when"),
    ]
    assert messages == []


@pytest.mark.parametrize(
    "text, kept",
    [
        ("min mail er a@example.org", "a@example.org"),
        ("/deny", "selv"),
        ("jeg ringer selv", "selv"),
    ],
)
def test_an_address_or_calling_oneself_needs_no_time(text: str, kept: str) -> None:
    events, messages = validate({"handover_consent": True}, "handover_contact", text)
    assert events == [SlotSet("handover_contact", kept), SlotSet("requested_slot", None)]
    assert messages == []


def test_an_invalid_contact_says_how_to_write_it() -> None:
    events, messages = validate({"handover_consent": True}, "handover_contact", "1234")
    assert events == [
        SlotSet("handover_contact", None),
        SlotSet("requested_slot", "handover_contact"),
    ]
    assert messages == [msg("utter_handover_contact_invalid")]


def test_the_time_ends_the_form() -> None:
    slots = {"handover_consent": True, "handover_contact": "12345678"}
    events, messages = validate(slots, "handover_when", "Om formiddagen")
    assert events == [SlotSet("handover_when", "Om formiddagen"), SlotSet("requested_slot", None)]
    assert messages == []


# ------------------------------------------------------------------------ the case


def filled(**slots: Any) -> Tracker:
    values = {
        "handover_consent": True,
        "handover_consent_version": VERSION,
        "handover_contact": "12345678",
        "handover_when": "Om formiddagen",
        "route": "borgerraadgiver_klage_sagsbehandling",
        **slots,
    }
    return tracker(values, text="Om formiddagen")


def test_no_keeps_nothing_and_offers_the_phone_and_booking(tmp_path: Path) -> None:
    action = ActionHandoverSubmit(services(tmp_path, sessions=NoDatabase()))  # type: ignore[arg-type]
    for slots in ({"handover_consent": False}, {"handover_consent": None, "form_stopped": True}):
        events, messages = run(action, tracker(slots))
        assert events == RESET
        assert messages == [msg("utter_handover_declined", telefon=PHONE)]


def test_yes_opens_the_case_and_sends_the_receipt(app: Services) -> None:
    events, messages = run(ActionHandoverSubmit(app), filled())
    # The promise is remembered for "hvornår ringer I så?" (action_opening_hours).
    due = SlotSet("handover_due", "torsdag den 3. december")
    assert events == [*RESET, SlotSet("handover_case", "BR-2026-0001"), due]
    assert messages == [
        msg(
            "utter_handover_receipt_phone",
            nummer="BR-2026-0001",
            senest="torsdag den 3. december",
            kontakt="12345678",
        ),
        msg("utter_handover_add_more"),
    ]
    with session_scope(app.app_sessions()) as session:
        case = session.execute(select(Case)).scalar_one()
        assert case.conversation_id == "samtale-1"
        assert case.transcript.startswith(f"[2026-12-01 10:00] Borger: {MATTER}")
        assert "Borger: [Knap]" in case.transcript
        summary = json.loads(case.summary_json)
        assert summary["route"]["id"] == "borgerraadgiver_klage_sagsbehandling"
        assert summary["topic"] == MATTER
        assert summary["contact"] == {
            "method": "telefon",
            "value": "12345678",
            "when": "Om formiddagen",
        }
        assert (case.consent_version, case.consent_at) == (VERSION, datetime(2026, 12, 1, 9, 0))
        assert case.due_at == datetime(2026, 12, 3, 14, 0)  # Thursday 15:00 local, in UTC


def test_off_hours_the_receipt_says_when_we_open(session_factory, tmp_path: Path) -> None:
    app = services(tmp_path, at=SATURDAY, sessions=session_factory)
    events, messages = run(ActionHandoverSubmit(app), filled(handover_contact="selv"))
    assert events[-2] == SlotSet("handover_case", "BR-2026-0001")
    assert messages == [
        msg(
            "utter_handover_receipt_self",
            nummer="BR-2026-0001",
            senest="onsdag den 9. december",
            telefon=PHONE,
        ),
        msg("utter_handover_off_hours", aabner="mandag den 7. december kl. 9.00"),
        msg("utter_handover_add_more"),
    ]


def test_a_database_error_gives_the_phone_number(tmp_path: Path, caplog) -> None:
    app = services(tmp_path, at=OPEN, sessions=BrokenDatabase())  # type: ignore[arg-type]
    events, messages = run(ActionHandoverSubmit(app), filled())
    assert events == RESET
    assert messages == [msg("utter_handover_error", telefon=PHONE)]
    assert "handover: the case could not be stored (RuntimeError)" in caplog.text
    assert "12345678" not in caplog.text


# ------------------------------------------------------------------------ adding more


def test_adding_without_a_case_offers_the_handover(app: Services) -> None:
    events, messages = run(ActionHandoverAddStart(app), tracker(text="jeg vil tilføje noget"))
    assert events == [FollowupAction("action_listen")]
    assert messages == [msg("utter_handover_add_no_case")]


def test_adding_asks_for_the_text_of_the_conversations_case(app: Services) -> None:
    trk = tracker({"handover_case": "BR-2026-0001"}, text="jeg vil tilføje noget")
    assert run(ActionHandoverAddStart(app), trk) == (
        [
            SlotSet("handover_addition", None),
            SlotSet("form_stopped", None),
            SlotSet("handover_case", "BR-2026-0001"),
        ],
        [],
    )


def test_after_a_new_session_the_case_is_found_in_the_database(app: Services) -> None:
    with session_scope(app.app_sessions()) as session:
        open_case(session, NewCase("samtale-1", "", "{}", VERSION, OPEN, "samtale", OPEN), OPEN)
    events, messages = run(ActionHandoverAddStart(app), tracker(text="jeg vil tilføje noget"))
    assert events[-1] == SlotSet("handover_case", "BR-2026-0001") and messages == []
    other = tracker(text="jeg vil tilføje noget", sender="en-anden-samtale")
    assert run(ActionHandoverAddStart(app), other)[1] == [msg("utter_handover_add_no_case")]


def test_the_addition_must_say_something() -> None:
    trk = tracker(
        {"handover_case": "BR-2026-0001", "requested_slot": "handover_addition"},
        text="/affirm",
        form="handover_add_form",
        candidates={"handover_addition": "/affirm"},
    )
    events, messages = run(ValidateHandoverAddForm(), trk)
    assert events == [SlotSet("handover_addition", None)]
    assert messages == [msg("utter_handover_addition_empty")]


def test_more_text_is_added_to_the_same_case(app: Services) -> None:
    run(ActionHandoverSubmit(app), filled())
    trk = tracker({"handover_case": "BR-2026-0001", "handover_addition": "Jeg glemte: [CPR]"})
    events, messages = run(ActionHandoverAdd(app), trk)
    assert events == [SlotSet("handover_addition", None), SlotSet("form_stopped", None)]
    assert messages == [msg("utter_handover_added", nummer="BR-2026-0001")]
    with session_scope(app.app_sessions()) as session:
        [entry] = session.execute(select(CaseEntry)).scalars().all()
        assert (entry.kind, entry.text) == (CITIZEN, "Jeg glemte: [CPR]")


def test_a_closed_case_gets_nothing_more(app: Services) -> None:
    with session_scope(app.app_sessions()) as session:
        new = NewCase("samtale-1", "", "{}", VERSION, OPEN, "samtale", OPEN)
        open_case(session, new, OPEN).status = CLOSED
    trk = tracker({"handover_case": "BR-2026-0001", "handover_addition": "mere"})
    events, messages = run(ActionHandoverAdd(app), trk)
    assert events == [
        SlotSet("handover_addition", None),
        SlotSet("form_stopped", None),
        SlotSet("handover_case", None),
    ]
    assert messages == [msg("utter_handover_add_no_case")]


def test_stop_adds_nothing(tmp_path: Path) -> None:
    app = services(tmp_path, sessions=NoDatabase())  # type: ignore[arg-type]
    trk = tracker({"handover_case": "BR-2026-0001", "form_stopped": True})
    events, messages = run(ActionHandoverAdd(app), trk)
    assert events == [SlotSet("handover_addition", None), SlotSet("form_stopped", None)]
    assert messages == [msg("utter_handover_add_stopped")]


def test_a_database_error_when_looking_for_the_case_says_there_is_none(
    tmp_path: Path, caplog
) -> None:
    app = services(tmp_path, sessions=BrokenDatabase())  # type: ignore[arg-type]
    events, messages = run(ActionHandoverAddStart(app), tracker(text="tilføj"))
    assert events == [FollowupAction("action_listen")]
    assert messages == [msg("utter_handover_add_no_case")]
    assert "handover: the case could not be looked up (RuntimeError)" in caplog.text
