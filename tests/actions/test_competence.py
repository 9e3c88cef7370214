import asyncio

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.competence import ActionCompetence
from bot.core.settings import ROOT
from bot.features.competence.content import load_competence
from tests.actions.helpers import make_tracker, sent

DATA = load_competence(ROOT / "content" / "competence.yml")


def run(tracker):  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionCompetence().run(dispatcher, tracker, {}))
    return sent(dispatcher), events


def test_redirect_to_familieretshuset() -> None:
    messages, events = run(make_tracker("min eks overholder ikke samværet", "familieret"))
    route = DATA.routes["familieretshuset"]
    body = DATA.bodies["familieretshuset"]
    # Familieretshuset's source gives no phone number: the reply names the web address.
    assert messages == [
        (
            "utter_competence_redirect_web",
            {
                "reason": route.reason,
                "paragraph": route.paragraph,
                "how": route.how,
                "body_name": body.name,
                "body_web": body.web,
                "body_phone": body.phone,
            },
        ),
        ("utter_competence_more_help", {}),
    ]
    assert events == [
        SlotSet("route", "familieretshuset"),
        SlotSet("clarify", None),
        SlotSet("competence_asked", []),
    ]


def test_complaint_asks_about_dialogue_first() -> None:
    messages, events = run(make_tracker("ingen svarer mig", "klage_sagsbehandling"))
    assert messages == [("utter_competence_ask_dialogue", {})]
    assert events == [
        SlotSet("route", "borgerraadgiver_klage_sagsbehandling"),
        SlotSet("clarify", "dialogue"),
        SlotSet("competence_asked", ["dialogue"]),
    ]


def test_answer_no_gives_section_14_reminder_and_next_steps() -> None:
    tracker = make_tracker(
        "nej",
        "deny",
        slots={
            "route": "borgerraadgiver_klage_sagsbehandling",
            "clarify": "dialogue",
            "competence_asked": ["dialogue"],
        },
    )
    messages, events = run(tracker)
    route = DATA.routes["borgerraadgiver_klage_sagsbehandling"]
    assert messages == [
        (
            "utter_competence_within",
            {"reason": route.reason, "paragraph": route.paragraph, "how": route.how},
        ),
        ("utter_competence_dialogue_first", {}),
        ("utter_competence_next_steps", {}),
    ]
    assert events == [
        SlotSet("route", "borgerraadgiver_klage_sagsbehandling"),
        SlotSet("clarify", None),
        SlotSet("competence_asked", ["dialogue"]),
    ]


def test_answer_yes_to_ended_question_is_too_old() -> None:
    tracker = make_tracker(
        "ja",
        "affirm",
        slots={
            "route": "borgerraadgiver_klage_adfaerd",
            "clarify": "ended",
            "competence_asked": ["ended"],
        },
    )
    messages, events = run(tracker)
    route = DATA.routes["for_gammel_sag"]
    assert messages == [
        (
            "utter_competence_too_old",
            {"reason": route.reason, "paragraph": route.paragraph, "how": route.how},
        ),
        ("utter_competence_contact", {}),
    ]
    assert SlotSet("route", "borgerraadgiver_klage_adfaerd") in events


def test_old_matter_from_the_text() -> None:
    messages, _ = run(make_tracker("det skete i 2019 og hun råbte ad mig", "klage_adfaerd"))
    assert [name for name, _ in messages] == [
        "utter_competence_too_old",
        "utter_competence_contact",
    ]


def test_new_matter_while_a_question_is_pending_is_decided_afresh() -> None:
    tracker = make_tracker(
        "min årsopgørelse er forkert",
        "skat",
        slots={
            "route": "borgerraadgiver_klage_sagsbehandling",
            "clarify": "dialogue",
        },
    )
    messages, events = run(tracker)
    assert messages[0][0].startswith("utter_competence_redirect")
    assert SlotSet("route", "skat") in events


def test_yes_without_a_pending_question_asks_for_the_matter() -> None:
    messages, events = run(make_tracker("ja", "affirm"))
    assert messages == [("utter_competence_no_question", {})]
    assert events == [SlotSet("clarify", None)]


def test_after_a_hand_over_it_is_urgent_is_not_a_new_matter() -> None:
    """ "fredag?? det er alt for lang tid det her haster" right after the receipt was once
    told it is a political decision (citizen round 2, c25)."""
    text = "fredag?? det er alt for lang tid det her haster"
    messages, events = run(
        make_tracker(text, "politisk_serviceniveau", slots={"handover_case": "BR-2026-0003"})
    )
    assert messages == [("utter_handover_urgent", {"telefon": "99 31 16 18"})]
    assert events == []
    # Without a case it is routed as before.
    messages, _ = run(make_tracker(text, "politisk_serviceniveau"))
    assert messages[0][0] != "utter_handover_urgent"


def test_urgency_with_no_matter_named_is_not_a_route() -> None:
    """QA round 2, x1: "det er alt for lang tid, det her haster" got the political-decision
    answer (§ 7, stk. 3, nr. 1)."""
    text = "det er alt for lang tid, det her haster"
    messages, events = run(make_tracker(text, "politisk_serviceniveau"))
    assert messages == [("utter_urgent_no_matter", {"telefon": "99 31 16 18"})]
    assert events == []


def test_the_authoritys_phone_is_not_a_new_matter() -> None:
    """QA round 2, c13: the follow-up about Udbetaling Danmark's phone was read as a no to
    "Har du prøvet at løse det med kommunen først?" and answered "Det kan Borgerrådgivningen"."""
    slots = {"route": "udbetaling_danmark", "clarify": "dialogue"}
    text = "nej jeg mener telefonnummeret til udbetaling danmark"
    messages, events = run(make_tracker(text, "udbetaling_danmark", slots=slots))
    assert [name for name, _ in messages] == ["utter_body_contact_web_offline"]
    assert messages[0][1]["myndighed"] == "Udbetaling Danmark"
    assert events == [SlotSet("clarify", None)]
    # The office's own number is another question.
    text = "hvad er jeres telefonnummer"
    messages, _ = run(make_tracker(text, "udbetaling_danmark", slots=slots))
    assert "utter_body_contact_web_offline" not in [name for name, _ in messages]


def test_what_to_do_after_a_hearing_letter() -> None:
    """QA round 2, c22: "ja men hvad skal vi saa goere, skal vi skrive til dem?" after an
    agterskrivelse got "Fortæl mig gerne med dine egne ord" (read as a bare yes)."""
    text = "ja men hvad skal vi saa goere, skal vi skrive til dem?"
    messages, events = run(make_tracker(text, "affirm", slots={"letter_outcome": "høring"}))
    assert messages == [("utter_explain_outcome_hearing", {})]
    assert events == []


def test_someone_who_needs_help_now_gets_where_to_call() -> None:
    """QA round 3, c25: "det haster ... min mor paa 87 kan ikke selv komme op af sengen" got
    "Har du prøvet at løse det med kommunen først?", and "hvem kan jeg ringe til NU" a meeting."""
    text = "hvem kan jeg ringe til NU"
    messages, events = run(make_tracker(text, "klage_sagsbehandling"))
    assert [name for name, _ in messages] == ["utter_acute_help"]
    assert "112" in messages[0][1]["tekst"] and "Lægevagten" in messages[0][1]["tekst"]
    # A longer message also tells the matter: where to call now first, then the answer.
    text = ("det haster!!! min hjemmehjaelp er ikke kommet i 3 dage og min mor paa 87 kan ikke "
            "selv komme op af sengen")  # fmt: skip
    messages, _ = run(make_tracker(text, "klage_sagsbehandling"))
    assert messages[0][0] == "utter_acute_help" and len(messages) > 1


def test_after_the_receipt_when_we_call_is_the_promise() -> None:
    slots = {"handover_case": "BR-2026-0001", "handover_due": "fredag den 4. december"}
    text = "hvad?? jeg spurgte hvornaar i ringer til mig"
    messages, events = run(make_tracker(text, "ikke_kommunen_privat", slots=slots))
    assert messages == [
        ("utter_handover_when", {"nummer": "BR-2026-0001", "senest": "fredag den 4. december"})
    ]
