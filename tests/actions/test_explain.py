import asyncio
from datetime import date, datetime
from pathlib import Path
from typing import Any, List

import pytest
import spacy
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import actions.explain as action_module
from actions.explain import ActionExplain
from tests.actions.helpers import make_tracker, sent
from tests.fakes import TZ, services

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 26)
AT = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)

LETTER = (
    "Aalborg, den 12. november 2026\nCPR-nr.: [CPR]\n\n"
    "Afgørelse om praktisk hjælp\n\n"
    "Vi har truffet afgørelse om, at din hjælp til rengøring nedsættes til hver 3. uge, "
    "jf. servicelovens § 83.\n\n"
    "Klagevejledning\n"
    "Du kan klage inden 4 uger efter, at du har modtaget afgørelsen. Send klagen til os. "
    "Fastholder vi afgørelsen, sender vi den videre til Ankestyrelsen.\n\n"
    "Med venlig hilsen\nMyndighedsafdelingen"
)


@pytest.fixture(scope="module")
def blank() -> Any:
    return spacy.blank("da")


@pytest.fixture(scope="module")
def action(blank: Any) -> ActionExplain:
    return ActionExplain(services(at=AT), nlp=blank)


def run(action: ActionExplain, text: str, intent: str) -> tuple:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, make_tracker(text, intent), {}))
    return events, dispatcher


def test_name() -> None:
    assert ActionExplain().name() == "action_explain"


def test_what_does_partshoering_mean(action: ActionExplain) -> None:
    events, dispatcher = run(action, "hvad betyder partshøring", "forstaa_afgoerelse")
    assert events == []
    term = action.services.glossary().terms["partshøring"]
    assert dispatcher.messages[0] == {
        "text": None,
        "buttons": [],
        "elements": [],
        "custom": {},
        "template": "utter_explain_term",
        "response": "utter_explain_term",
        "image": None,
        "attachment": None,
        "term": "partshøring",
        "explanation": term.explanation,
        "for_dig": term.for_dig,
    }
    assert sent(dispatcher) == [
        (
            "utter_explain_term",
            {"term": "partshøring", "explanation": term.explanation, "for_dig": term.for_dig},
        ),
        (
            "utter_explain_term_hjemmel",
            {"term": "partshøring", "hjemmel": "forvaltningsloven § 19"},
        ),
        ("utter_explain_not_judging", {}),
        ("utter_explain_next_steps", {}),
    ]


def test_pasted_letter(action: ActionExplain) -> None:
    events, dispatcher = run(action, LETTER, "indsat_brev")
    # The letter's own deadline is remembered for "hvornår er fristen?" afterwards.
    assert events == [SlotSet("letter_deadline", "4 uger")]
    replies = sent(dispatcher)
    assert [name for name, _ in replies] == [
        "utter_explain_letter_intro",
        "utter_explain_letter_terms",
        "utter_explain_deadline_from_letter",
        "utter_explain_deadline_rule",
        "utter_explain_law",
        "utter_explain_klage_found",
        "utter_explain_klage_via_kommune",
        "utter_explain_not_judging",
        "utter_explain_next_steps",
    ]
    assert replies[2][1] == {
        "frist": "inden 4 uger",
        "dato": "10. december 2026",
        "ugedag": "torsdag",
        "brevdato": "12. november 2026",
    }
    assert replies[4][1]["tekst"] == "servicelovens § 83"
    assert replies[4][1]["om_paragraffen"] == (
        "personlig hjælp og pleje, praktisk hjælp i hjemmet og madservice"
    )
    assert replies[6][1] == {"klageinstans": "Ankestyrelsen"}
    terms = replies[1][1]["terms"]
    assert terms.splitlines()[0].startswith("- afgørelse: ")
    assert "CPR" not in terms


def test_unknown_word(action: ActionExplain) -> None:
    events, dispatcher = run(action, "hvad betyder flodhest", "forstaa_afgoerelse")
    assert events == []
    assert sent(dispatcher) == [("utter_explain_no_term", {}), ("utter_explain_next_steps", {})]


def test_button_payload_invites_to_paste(action: ActionExplain) -> None:
    events, dispatcher = run(action, "/forstaa_afgoerelse", "forstaa_afgoerelse")
    assert events == []
    assert sent(dispatcher) == [("utter_explain_invite", {})]


def test_too_long_letter(action: ActionExplain) -> None:
    events, dispatcher = run(action, "Afgørelse. " * 2_000, "indsat_brev")
    assert events == []
    assert sent(dispatcher) == [("utter_explain_too_long", {"max_tegn": "20.000"})]


def test_model_is_loaded_once_lazily(monkeypatch: pytest.MonkeyPatch, blank: Any) -> None:
    calls: List[int] = []

    def fake_load() -> Any:
        calls.append(1)
        return blank

    monkeypatch.setattr(action_module, "load_nlp", fake_load)
    action = ActionExplain(services(at=AT))
    assert calls == []
    run(action, "hvad betyder hjemvist", "forstaa_afgoerelse")
    _events, dispatcher = run(action, "hvad er aktindsigt", "forstaa_afgoerelse")
    assert calls == [1]
    assert sent(dispatcher)[0][1]["term"] == "aktindsigt"


def test_a_sign_off_alone_is_no_letter(action: ActionExplain) -> None:
    """QA round 2, x1: "Med venlig hilsen Poul Erik" got six bubbles about a letter."""
    events, dispatcher = run(action, "Med venlig hilsen Poul Erik", "indsat_brev")
    assert events == []
    assert sent(dispatcher) == [("utter_courtesy_only", {})]
