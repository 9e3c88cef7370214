from rasa.shared.nlu.training_data.message import Message

from bot.rasa.letter import LetterDetector

LETTER = (
    "Afgørelse om hjælpemidler\n\nAalborg Kommune har den 1. november 2026 modtaget din "
    "ansøgning om en el-kørestol efter servicelovens § 112. Vi har foretaget en konkret og "
    "individuel vurdering og giver dig afslag. Begrundelse: Du opfylder ikke betingelserne.\n\n"
    "Klagevejledning\nDu kan klage over afgørelsen inden 4 uger fra du har modtaget den. "
    "Klagen sendes til Aalborg Kommune, som genvurderer sagen.\n\nMed venlig hilsen\nJobcentret"
)


def message(text: str) -> Message:
    m = Message(data={"text": text})
    m.data["intent"] = {"name": "ombudsmand", "confidence": 0.8}
    m.data["intent_ranking"] = [
        {"name": "ombudsmand", "confidence": 0.8},
        {"name": "indsat_brev", "confidence": 0.1},
    ]
    return m


def test_a_pasted_letter_becomes_indsat_brev_and_keeps_the_ranking() -> None:
    [m] = LetterDetector().process([message(LETTER)])
    assert m.get("intent") == {"name": "indsat_brev", "confidence": 1.0}
    assert [r["name"] for r in m.get("intent_ranking")] == ["indsat_brev", "ombudsmand"]


def test_a_question_is_left_to_the_classifier() -> None:
    [m] = LetterDetector().process([message("kan jeg klage videre til ombudsmanden?")])
    assert m.get("intent")["name"] == "ombudsmand"


def test_a_short_fragment_in_the_authoritys_voice_is_a_letter() -> None:
    fragment = (
        "Vi har revurderet din hjemmehjælp. Fremover får du hjælp til rengøring hver tredje uge "
        "i stedet for hver anden uge, fordi kommunen har ændret kvalitetsstandarden."
    )
    [m] = LetterDetector().process([message(fragment)])
    assert m.get("intent")["name"] == "indsat_brev"


def test_a_citizen_telling_about_the_same_is_not_a_letter() -> None:
    text = (
        "Kommunen har revurderet min hjemmehjælp, og nu får jeg kun rengøring hver tredje uge. "
        "Det synes jeg er forkert, for jeg kan ikke selv gøre rent."
    )
    [m] = LetterDetector().process([message(text)])
    assert m.get("intent")["name"] == "ombudsmand"


def classified_as_letter(text: str) -> Message:
    m = Message(data={"text": text})
    m.data["intent"] = {"name": "indsat_brev", "confidence": 0.6}
    m.data["intent_ranking"] = [
        {"name": "indsat_brev", "confidence": 0.6},
        {"name": "greet", "confidence": 0.3},
        {"name": "request_human", "confidence": 0.1},
    ]
    return m


def test_an_elderly_citizens_greeting_the_classifier_took_for_a_letter_is_not_one() -> None:
    [m] = LetterDetector().process(
        [classified_as_letter("goddag. jeg forstår ikke det her med chat. kan de hjælpe mig")]
    )
    assert m.get("intent") == {"name": "greet", "confidence": 0.3}
    assert [r["name"] for r in m.get("intent_ranking")] == ["greet", "request_human"]


def test_a_signed_message_to_the_advisor_is_not_a_letter() -> None:
    text = (
        "Kære borgerrådgiver. Min mor på 89 har fået bevilget bad to gange om ugen, men "
        "hjemmehjælpen er kun kommet en gang de sidste tre uger. Ingen giver besked. "
        "Kan I hjælpe? Med venlig hilsen Lene"
    )
    [m] = LetterDetector().process([message(text)])
    assert m.get("intent")["name"] == "ombudsmand"
    [m] = LetterDetector().process([classified_as_letter(text)])
    assert m.get("intent")["name"] == "greet"


def test_a_letter_the_classifier_found_stays_a_letter() -> None:
    text = "Afgørelse om tilbagebetaling af kontanthjælp efter aktivlovens § 91"
    [m] = LetterDetector().process([classified_as_letter(text)])
    assert m.get("intent") == {"name": "indsat_brev", "confidence": 0.6}


def test_a_letter_pasted_with_the_citizens_own_words_is_still_a_letter() -> None:
    text = "Jeg har fået det her fra kommunen: " + LETTER
    [m] = LetterDetector().process([message(text)])
    assert m.get("intent")["name"] == "indsat_brev"
