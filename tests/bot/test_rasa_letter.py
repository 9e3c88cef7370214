from rasa.shared.nlu.training_data.message import Message

from bot.rasa_letter import LetterDetector

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
