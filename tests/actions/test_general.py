import asyncio

from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.general import (
    ActionContact,
    ActionFallback,
    ActionGreet,
    ActionOpeningHours,
    ActionSessionStart,
)
from tests.actions.helpers import make_tracker, user_event


def test_session_start_puts_contact_details_in_slots() -> None:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionSessionStart().run(dispatcher, make_tracker("hej", "greet"), {}))
    assert events[0] == SessionStarted()
    assert events[-1] == ActionExecuted("action_listen")
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["telefon"] == "99 31 16 18"
    assert slots["adresse"] == "Boulevarden 13, 1. sal, 9000 Aalborg"
    assert "Karina Korsbæk Jensen, Borgerrådgiver: 99 31 19 67" in slots["medarbejdere"]
    assert dispatcher.messages == []
    assert SlotSet("kontor", "Borgerrådgivningen, Aalborg Kommune") in events


def test_first_fallback_suggests_topics() -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "skat", "confidence": 0.3},
        {"name": "chitchat", "confidence": 0.2},
        {"name": "sundhed", "confidence": 0.1},
    ]
    tracker = make_tracker(
        "blabla", "nlu_fallback", 0.45, ranking=ranking, events=[user_event("hej", "greet")]
    )
    dispatcher = CollectingDispatcher()
    # It always ends by listening: as the dialogue's own fallback (core fallback) it
    # would otherwise be predicted again, up to ten times in one turn.
    assert asyncio.run(ActionFallback().run(dispatcher, tracker, {})) == [
        {"event": "followup", "timestamp": None, "name": "action_listen"}
    ]
    assert [m["response"] for m in dispatcher.messages] == ["utter_fallback_rephrase"]
    # Likely topics (at least 10 %), best first, and always a person last.
    assert dispatcher.messages[0]["buttons"] == [
        {"title": "Skat eller ejendomsvurdering", "payload": "/skat"},
        {"title": "Sygehus, psykiatri eller læge", "payload": "/sundhed"},
        {"title": "Tal med et menneske", "payload": "/request_human"},
    ]


def test_a_yes_in_own_words_answers_the_pending_question() -> None:
    tracker = make_tracker(
        "ja jeg har rykket flere gange",
        "nlu_fallback",
        0.4,
        slots={
            "route": "borgerraadgiver_klage_sagsbehandling",
            "clarify": "dialogue",
            "competence_asked": ["dialogue"],
        },
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionFallback().run(dispatcher, tracker, {}))
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_competence_within",
        "utter_competence_next_steps",
    ]
    assert {"event": "slot", "timestamp": None, "name": "clarify", "value": None} in events


def test_a_deadline_question_the_classifier_missed_is_worked_out() -> None:
    text = "fik afslag den 3. november 2026, hvornaar er fristen for at klage?"
    tracker = make_tracker(text, "nlu_fallback", 0.3)
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionFallback().run(dispatcher, tracker, {}))
    assert dispatcher.messages[0]["response"].startswith("utter_deadline_")
    assert dispatcher.messages[0]["modtaget"] == "3. november 2026"


def test_second_fallback_in_a_row_offers_a_person() -> None:
    tracker = make_tracker(
        "blabla igen", "nlu_fallback", 0.4, events=[user_event("blabla", "nlu_fallback", 0.4)]
    )
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionFallback().run(dispatcher, tracker, {}))
    assert [m["response"] for m in dispatcher.messages] == ["utter_fallback_human"]


def test_unsure_but_the_words_point_to_a_matter_runs_the_competence_check() -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "sundhed", "confidence": 0.32},
        {"name": "skat", "confidence": 0.21},
    ]
    tracker = make_tracker(
        "ventetiden til psykiatrien er lang", "nlu_fallback", 0.45, ranking=ranking
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionFallback().run(dispatcher, tracker, {}))
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_competence_redirect_web",  # the region's source gives no phone number
        "utter_competence_more_help",
    ]
    assert SlotSet("route", "regionen") in events


def test_an_unsure_wish_for_a_meeting_starts_the_booking() -> None:
    ranking = [
        {"name": "inform", "confidence": 0.6},
        {"name": "book_meeting", "confidence": 0.26},
    ]
    text = "hej kan jeg faa en tid hos jer i naeste uge"
    tracker = make_tracker(text, "inform", 0.6, ranking=ranking)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionFallback().run(dispatcher, tracker, {}))
    assert events == [{"event": "followup", "timestamp": None, "name": "action_booking_start"}]
    assert dispatcher.messages == []


def test_a_meeting_type_outside_the_form_starts_the_booking() -> None:
    tracker = make_tracker("telefonmøde tak, næste uge tirsdag", "inform", 0.8)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionFallback().run(dispatcher, tracker, {}))
    assert events == [{"event": "followup", "timestamp": None, "name": "action_booking_start"}]


def test_a_question_about_signing_after_the_fuldmagt_is_answered() -> None:
    """QA round 2, c07: "skal min soen ogsaa skrive under?" got "Det forstod jeg ikke"."""
    earlier = [user_event("send mig en fuldmagt", "request_fuldmagt"), user_event("ja", "affirm")]
    tracker = make_tracker("skal min soen ogsaa skrive under?", "nlu_fallback", 0.3, events=earlier)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionFallback().run(dispatcher, tracker, {}))
    assert events == [{"event": "followup", "timestamp": None, "name": "action_listen"}]
    assert dispatcher.messages[0]["response"] == "utter_fuldmagt_both_sign"
    assert len(dispatcher.messages) == 1


def test_yes_or_no_after_a_letter_is_answered_from_the_letter() -> None:
    """QA round 2, c20: "saa jeg har faaet nej?" after a refusal got "Det forstod jeg ikke"."""
    tracker = make_tracker(
        "saa jeg har faaet nej?", "nlu_fallback", 0.3, slots={"letter_outcome": "nej"}
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionFallback().run(dispatcher, tracker, {}))
    assert events == [{"event": "followup", "timestamp": None, "name": "action_listen"}]
    assert [m["response"] for m in dispatcher.messages] == ["utter_explain_outcome_no"]


def test_a_greeting_alone_is_answered_with_the_welcome() -> None:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionGreet().run(dispatcher, make_tracker("Goddag", "greet"), {}))
    assert events == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_greet"]


def test_a_greeting_that_tells_a_matter_is_the_matter() -> None:
    """QA round 2, c24: a whole request between "Goddag" and "Med venlig hilsen" got the
    welcome again. It asks for contact, so the booking starts (with the matter as topic)."""
    text = (
        "Goddag. Jeg er 79 aar og ikke saa god til det her. Kan en af jeres medarbejdere "
        "kontakte mig, jeg har spoergsmaal om min visitation til madservice. Med venlig hilsen"
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionGreet().run(dispatcher, make_tracker(text, "greet"), {}))
    assert events == [{"event": "followup", "timestamp": None, "name": "action_booking_start"}]
    assert dispatcher.messages == []


def test_when_we_call_after_a_hand_over_repeats_the_promise() -> None:
    """QA round 2, c24: "hvornaar ringer i saa" after the receipt got the telephone hours."""
    slots = {"handover_case": "BR-2026-0002", "handover_due": "fredag den 4. december"}
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("hvornaar ringer i saa", "ask_opening_hours", slots=slots)
    assert ActionOpeningHours().run(dispatcher, tracker, {}) == []
    assert dispatcher.messages[0]["response"] == "utter_handover_when"
    assert dispatcher.messages[0]["senest"] == "fredag den 4. december"
    # Without a case it is the telephone hours.
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("hvornaar ringer i saa", "ask_opening_hours")
    ActionOpeningHours().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_opening_hours"]


def test_the_authoritys_phone_after_a_redirect() -> None:
    """QA round 2, c13: "har de et telefonnummer?" after the redirect to Udbetaling Danmark
    got the competence check's question, then "Det kan Borgerrådgivningen hjælpe med"."""
    for text in ("jeg har ingen computer, har de et telefonnummer?",
                 "nej jeg mener telefonnummeret til udbetaling danmark"):  # fmt: skip
        tracker = make_tracker(text, "nlu_fallback", 0.4, slots={"route": "udbetaling_danmark"})
        dispatcher = CollectingDispatcher()
        events = asyncio.run(ActionFallback().run(dispatcher, tracker, {}))
        assert events[0] == SlotSet("clarify", None)
        assert [m["response"] for m in dispatcher.messages] == ["utter_body_contact_web_offline"]
        assert "Borgerservice" in dispatcher.messages[0]["uden_computer"]


def test_their_number_after_a_redirect_is_theirs_not_ours() -> None:
    """QA round 3, c14/c15: "har de et nummer man kan ringe paa" after Familieretshuset was
    classified as ask_contact and got Borgerrådgivningen's own card."""
    slots = {"route": "familieretshuset"}
    tracker = make_tracker("har de et nummer man kan ringe paa", "ask_contact", slots=slots)
    dispatcher = CollectingDispatcher()
    assert ActionContact().run(dispatcher, tracker, {}) == []
    assert dispatcher.messages[0]["response"] == "utter_body_contact_web"
    assert dispatcher.messages[0]["myndighed"] == "Familieretshuset"
    # Our own number, or no redirect before: the office's card.
    for text, slots in [("hvad er jeres telefonnummer", slots), ("har I et nummer", {})]:
        dispatcher = CollectingDispatcher()
        ActionContact().run(dispatcher, make_tracker(text, "ask_contact", slots=slots), {})
        assert [m["response"] for m in dispatcher.messages] == ["utter_contact"]


def test_when_we_answer_after_the_receipt_whatever_the_intent() -> None:
    """QA round 3, c21: "hvornaar hoerer jeg noget, huslejen skulle vaere betalt i gaar"
    after the receipt got the answer about private disputes."""
    slots = {"handover_case": "BR-2026-0001", "handover_due": "fredag den 4. december"}
    text = "hvornaar hoerer jeg noget, huslejen skulle vaere betalt i gaar"
    tracker = make_tracker(text, "nlu_fallback", 0.4, slots=slots)
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionFallback().run(dispatcher, tracker, {}))
    assert [m["response"] for m in dispatcher.messages] == ["utter_handover_when"]
