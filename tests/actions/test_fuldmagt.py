"""Rasa actions for the fuldmagt (actions/fuldmagt.py): exact events and messages."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions.fuldmagt import (
    ActionFuldmagtIntro,
    ActionSendFuldmagt,
    ValidateFuldmagtForm,
)
from bot.app.bootstrap import Services
from bot.core.settings import ROOT
from bot.features.fuldmagt.service import FuldmagtRequest
from bot.infra.mail import FileMailer
from bot.infra.outbox import OutboxMail, deliver_due
from tests.actions.helpers import msg
from tests.fakes import services

DOMAIN: Dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text("utf-8"))
PHONE = "99 31 16 18"
OFFICE_ADDRESS = "Boulevarden 13, 1. sal, 9000 Aalborg"


def tracker(
    slots: Dict[str, Any] | None = None,
    *,
    text: str = "",
    intent: str = "inform_email",
    candidates: Dict[str, Any] | None = None,
    sender: str = "samtale-1",
) -> Tracker:
    """A tracker inside the form, as Rasa sends it to the validation action:
    the user message, the form action, then the slot candidates."""
    slots = {
        "fuldmagt_email": None,
        "fuldmagt_confirmed": None,
        "requested_slot": None,
        **(slots or {}),
    }
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    events: List[Dict[str, Any]] = [
        {"event": "user", "text": text, "parse_data": latest},
        {"event": "slot", "name": "requested_slot", "value": slots["requested_slot"]},
        {"event": "action", "name": "fuldmagt_form"},
    ]
    for name, value in (candidates or {}).items():
        events.append({"event": "slot", "name": name, "value": value})
        slots[name] = value
    return Tracker(
        sender_id=sender,
        slots=slots,
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "fuldmagt_form"},
        latest_action_name="fuldmagt_form",
    )


def run(action: Any, trk: Tracker) -> tuple:
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, trk, DOMAIN)
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return result, dispatcher.messages


RESET = [
    SlotSet("fuldmagt_email", None),
    SlotSet("fuldmagt_confirmed", None),
    SlotSet("form_stopped", None),
]


class NoDatabase:
    """A session factory that fails the test when it is used."""

    def __call__(self) -> None:
        raise AssertionError("this action must not touch the database")


class BrokenDatabase:
    def __call__(self) -> None:
        raise RuntimeError("database is down")


@pytest.fixture
def app(session_factory, tmp_path: Path) -> Services:
    """Services with the test database (SQLite and PostgreSQL)."""
    return services(tmp_path, sessions=session_factory)


@pytest.fixture
def no_db(tmp_path: Path) -> Services:
    return services(tmp_path, sessions=NoDatabase())  # type: ignore[arg-type]


# ---------------------------------------------------------------- intro and cancel


def test_intro_explains_mentions_the_phone_and_resets(no_db) -> None:
    trk = tracker({"fuldmagt_email": "gammel@eksempel.dk"})
    events, messages = run(ActionFuldmagtIntro(no_db), trk)
    assert events == [*RESET, SlotSet("fuldmagt_email", None)]
    assert messages == [msg("utter_fuldmagt_explain"), msg("utter_fuldmagt_phone", telefon=PHONE)]


def test_intro_to_a_relative_who_wants_to_help(no_db) -> None:
    trk = tracker(text="jeg vil gerne hjælpe min far med hans sag, skal jeg have en fuldmagt?")
    _, messages = run(ActionFuldmagtIntro(no_db), trk)
    assert messages[0] == msg("utter_fuldmagt_explain_helper")


def test_intro_to_a_citizen_who_gives_a_relative_the_fuldmagt(no_db) -> None:
    """QA round 2, c07: "så min søn kan snakke med jer på mine vegne" - she gives it."""
    text = "hej kan i maile mig den der blanket saa min soen kan snakke med jer paa mine vegne"
    _, messages = run(ActionFuldmagtIntro(no_db), tracker(text=text, intent="request_fuldmagt"))
    assert messages[0] == msg("utter_fuldmagt_explain")


def test_a_signing_question_after_the_order_is_answered_not_ordered_again(no_db) -> None:
    """QA round 2, c09: "kan man lave en fuldmagt hvis han ikke kan skrive under" after the
    fuldmagt was sent started the order again and asked for the address."""
    trk = tracker(text="kan man lave en fuldmagt hvis han ikke kan skrive under")
    trk.latest_message["intent"] = {"name": "request_fuldmagt", "confidence": 1.0}
    trk.events.insert(0, {"event": "action", "name": "action_send_fuldmagt"})
    events, messages = run(ActionFuldmagtIntro(no_db), trk)
    assert events == [FollowupAction("action_listen")]
    assert messages == [msg("utter_fuldmagt_cannot_sign", telefon=PHONE)]


def test_a_signing_question_at_the_address_question_is_answered(no_db) -> None:
    typed = "hvad hvis han ikke selv kan skrive under?"
    trk = tracker(
        {"requested_slot": "fuldmagt_email"}, text=typed, candidates={"fuldmagt_email": typed}
    )
    events, messages = run(ValidateFuldmagtForm(no_db), trk)
    assert events == [SlotSet("fuldmagt_email", None)]  # the question is asked again
    assert messages == [msg("utter_fuldmagt_cannot_sign", telefon=PHONE)]  # no "ligner ikke"


def test_intro_takes_an_address_from_the_opening_message(no_db) -> None:
    trk = tracker(text="send mig en fuldmagt på karen@eksempel.dk tak", intent="request_fuldmagt")
    events, _ = run(ActionFuldmagtIntro(no_db), trk)
    assert events == [*RESET, SlotSet("fuldmagt_email", "karen@eksempel.dk")]


def test_a_typed_yes_or_no_confirms_or_asks_again(no_db) -> None:
    base = {"fuldmagt_email": "karen@eksempel.dk", "requested_slot": "fuldmagt_confirmed"}
    for typed, events_expected, messages_expected in [
        ("ja tak", [SlotSet("fuldmagt_confirmed", True)], []),
        ("jep", [SlotSet("fuldmagt_confirmed", True)], []),
        (
            "nej",
            [SlotSet("fuldmagt_confirmed", None), SlotSet("fuldmagt_email", None)],
            [],
        ),
        (
            "måske i morgen",
            [SlotSet("fuldmagt_confirmed", None)],
            [msg("utter_fuldmagt_confirm_unclear")],
        ),
    ]:
        trk = tracker(base, text=typed, intent="affirm", candidates={"fuldmagt_confirmed": typed})
        events, messages = run(ValidateFuldmagtForm(no_db), trk)
        assert events == events_expected, typed
        assert messages == messages_expected, typed


def test_a_typed_stop_ends_the_form_and_sends_nothing(no_db) -> None:
    trk = tracker(
        {"requested_slot": "fuldmagt_email"},
        text="annuller",
        intent="stop",
        candidates={"fuldmagt_email": "annuller"},
    )
    events, messages = run(ValidateFuldmagtForm(no_db), trk)
    assert events == [
        SlotSet("fuldmagt_email", None),
        SlotSet("form_stopped", True),
        SlotSet("requested_slot", None),
    ]
    assert messages == []
    trk = tracker({"form_stopped": True})
    events, messages = run(ActionSendFuldmagt(no_db), trk)
    assert events == RESET
    assert messages == [msg("utter_fuldmagt_cancelled", telefon=PHONE)]


def test_a_question_about_a_bisidder_is_explained_not_a_form(no_db) -> None:  # type: ignore[no-untyped-def]
    trk = tracker(text="skal en bisidder have fuldmagt?", intent="request_fuldmagt")
    events, messages = run(ActionFuldmagtIntro(no_db), trk)
    assert events == [FollowupAction("action_listen")]
    explained = [m["term"] for m in messages if m["response"] == "utter_explain_term"]
    assert "bisidder" in explained  # the glossary says a bisidder needs no fuldmagt
    assert "utter_ask_fuldmagt_email" not in [m["response"] for m in messages]


# ---------------------------------------------------------------- validation


def test_valid_address_is_normalised(no_db) -> None:
    trk = tracker(
        {"requested_slot": "fuldmagt_email"},
        text="min mail er Karen@Eksempel.DK",
        candidates={"fuldmagt_email": "min mail er Karen@Eksempel.DK"},
    )
    events, messages = run(ValidateFuldmagtForm(no_db), trk)
    assert events == [SlotSet("fuldmagt_email", "Karen@eksempel.dk")]
    assert messages == []


@pytest.mark.parametrize(
    "typed",
    ["karen(at)eksempel.dk", "karen@eksempel", "det ved jeg ikke", "a@eksempel.dk b@eksempel.dk"],
)
def test_invalid_address_is_refused_and_asked_again(no_db, typed: str) -> None:
    trk = tracker(
        {"requested_slot": "fuldmagt_email"}, text=typed, candidates={"fuldmagt_email": typed}
    )
    events, messages = run(ValidateFuldmagtForm(no_db), trk)
    assert events == [SlotSet("fuldmagt_email", None)]
    assert messages == [msg("utter_fuldmagt_invalid_email")]


def test_header_injection_in_the_chat_is_refused(no_db) -> None:
    typed = "karen@eksempel.dk\nBcc: alle@eksempel.dk"
    trk = tracker(
        {"requested_slot": "fuldmagt_email"}, text=typed, candidates={"fuldmagt_email": typed}
    )
    events, messages = run(ValidateFuldmagtForm(no_db), trk)
    assert events == [SlotSet("fuldmagt_email", None)]
    assert messages == [msg("utter_fuldmagt_invalid_email")]


def test_yes_confirms(no_db) -> None:
    trk = tracker(
        {"fuldmagt_email": "karen@eksempel.dk", "requested_slot": "fuldmagt_confirmed"},
        text="/affirm",
        intent="affirm",
        candidates={"fuldmagt_confirmed": True},
    )
    events, messages = run(ValidateFuldmagtForm(no_db), trk)
    assert events == [SlotSet("fuldmagt_confirmed", True)]
    assert messages == []


def test_change_address_asks_for_it_again(no_db) -> None:
    trk = tracker(
        {"fuldmagt_email": "karen@eksempel.dk", "requested_slot": "fuldmagt_confirmed"},
        text="/deny",
        intent="deny",
        candidates={"fuldmagt_confirmed": False},
    )
    events, messages = run(ValidateFuldmagtForm(no_db), trk)
    assert events == [SlotSet("fuldmagt_confirmed", None), SlotSet("fuldmagt_email", None)]
    assert messages == []


def test_new_address_typed_at_the_confirmation_replaces_the_old(no_db) -> None:
    trk = tracker(
        {"fuldmagt_email": "karen@eksempel.dk", "requested_slot": "fuldmagt_confirmed"},
        text="nej, send den til Ny.Adresse@eksempel.dk",
        intent="inform_email",
    )
    events, messages = run(ValidateFuldmagtForm(no_db), trk)
    assert events == [SlotSet("fuldmagt_email", "Ny.Adresse@eksempel.dk")]
    assert messages == []


def test_other_text_at_the_confirmation_changes_nothing(no_db) -> None:
    trk = tracker(
        {"fuldmagt_email": "karen@eksempel.dk", "requested_slot": "fuldmagt_confirmed"},
        text="hvad er en partsrepræsentant",
        intent="request_fuldmagt",
    )
    events, messages = run(ValidateFuldmagtForm(no_db), trk)
    assert events == []
    assert messages == []


# ---------------------------------------------------------------- sending


def confirmed(address: str = "karen@eksempel.dk", sender: str = "samtale-1") -> Tracker:
    return tracker(
        {"fuldmagt_email": address, "fuldmagt_confirmed": True},
        text="/affirm",
        intent="affirm",
        sender=sender,
    )


def mails(session_factory) -> int:
    with session_factory() as session:
        return int(session.execute(select(func.count(OutboxMail.id))).scalar_one())


def test_send_queues_the_mail_and_clears_the_address(app, session_factory, tmp_path) -> None:
    events, messages = run(ActionSendFuldmagt(app), confirmed())
    assert events == RESET
    assert messages == [
        msg("utter_fuldmagt_on_its_way", email="karen@eksempel.dk", adresse=OFFICE_ADDRESS)
    ]
    with session_factory() as session:
        request = session.execute(select(FuldmagtRequest)).scalar_one()
        assert request.conversation_id == "samtale-1"
        assert request.status == "queued"

    # The worker's part: in the embedded setup the mail becomes an .eml file.
    mailer = FileMailer(tmp_path / "outbox", mail_from=app.settings.mail_from)
    assert deliver_due(session_factory, mailer) == 1
    (eml,) = list((tmp_path / "outbox").glob("*.eml"))
    sent = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert sent["To"] == "karen@eksempel.dk"
    (pdf,) = list(sent.iter_attachments())
    assert pdf.get_content().startswith(b"%PDF-")


def test_send_twice_is_not_sent_twice(app, session_factory) -> None:
    run(ActionSendFuldmagt(app), confirmed())
    events, messages = run(ActionSendFuldmagt(app), confirmed("KAREN@eksempel.dk"))
    assert events == RESET
    assert messages == [
        msg("utter_fuldmagt_already_requested", email="KAREN@eksempel.dk", telefon=PHONE)
    ]
    assert mails(session_factory) == 1


def test_send_respects_the_rate_limit(app, session_factory) -> None:
    limited = replace(app, settings=app.settings.copy(update={"fuldmagt_max_per_conversation": 1}))
    run(ActionSendFuldmagt(limited), confirmed("a@eksempel.dk"))
    events, messages = run(ActionSendFuldmagt(limited), confirmed("b@eksempel.dk"))
    assert events == RESET
    assert messages == [msg("utter_fuldmagt_rate_limited", telefon=PHONE)]
    assert mails(session_factory) == 1


def test_send_without_confirmation_sends_nothing(app, session_factory) -> None:
    trk = tracker({"fuldmagt_email": "karen@eksempel.dk", "fuldmagt_confirmed": None})
    events, messages = run(ActionSendFuldmagt(app), trk)
    assert events == RESET
    assert messages == [msg("utter_fuldmagt_error", telefon=PHONE)]
    assert mails(session_factory) == 0


def test_database_failure_gives_the_phone_number(tmp_path, caplog) -> None:
    broken = services(tmp_path, sessions=BrokenDatabase())  # type: ignore[arg-type]
    events, messages = run(ActionSendFuldmagt(broken), confirmed())
    assert events == RESET
    assert messages == [msg("utter_fuldmagt_error", telefon=PHONE)]
    assert "karen" not in caplog.text


def test_session_factory_is_built_lazily_from_the_settings(tmp_path) -> None:
    svc = services(tmp_path)
    assert not (tmp_path / "app.db").exists()  # nothing at import time
    factory = svc.app_sessions()
    assert svc.app_sessions() is factory
    assert (tmp_path / "app.db").exists()
    with factory() as session:  # schema created
        assert session.execute(select(func.count(OutboxMail.id))).scalar_one() == 0
    factory.kw["bind"].dispose()


def test_domain_declares_what_the_actions_use() -> None:
    responses = set(DOMAIN["responses"])
    source = (ROOT / "actions" / "fuldmagt.py").read_text("utf-8")
    import re

    used = set(re.findall(r'response="(utter_[a-z_]+)"', source))
    assert used <= responses
    for action in (
        ActionFuldmagtIntro(),
        ValidateFuldmagtForm(),
        ActionSendFuldmagt(),
    ):
        assert action.name() in DOMAIN["actions"]
    buttons = DOMAIN["responses"]["utter_ask_fuldmagt_confirmed"][0]["buttons"]
    assert [(b["title"], b["payload"]) for b in buttons] == [
        ("Ja", "/affirm"),
        ("Ret adressen", "/deny"),
        ("Annuller", "/stop"),
    ]
