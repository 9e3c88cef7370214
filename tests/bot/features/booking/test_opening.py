"""What the citizen's own words say about a booking (bot/features/booking/wording.py)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.features.booking.wording import (
    change_kind_from_text,
    day_phrase,
    find_reference,
    meeting_type_answer,
    meeting_type_from_text,
    read_opening,
    wants_a_meeting,
)

NOW = datetime(2026, 12, 1, 11, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("jeg vil gerne have et telefonmøde", "telefon"),
        ("Kan borgerrådgiveren ringe mig op? jeg kan ikke komme ind til byen", "telefon"),
        ("kan jeg få et telefonmøde i stedet for at møde op?", "telefon"),
        ("I må gerne ringe til mig", "telefon"),
        ("kan jeg komme ind og snakke med jer?", "fremmoede"),
        ("paa boulevarden", "fremmoede"),
        ("jeg vil gerne booke et møde", None),
    ],
)
def test_meeting_type(text: str, expected: str | None) -> None:
    assert meeting_type_from_text(text) == expected


def test_the_answer_moede_means_at_the_office() -> None:
    assert meeting_type_answer("møde") == "fremmoede"
    assert meeting_type_answer("telefonmøde tak") == "telefon"
    assert meeting_type_answer("ved ikke") is None


def test_reference_strict_and_loose() -> None:
    assert find_reference("aflys mit møde K7M4QX tak") == "K7M4QX"
    assert find_reference("mit bookingnummer er k7m4qx") == "K7M4QX"  # has a digit
    assert find_reference("jeg venter stadig") is None  # an ordinary word is no reference
    assert find_reference("venter", loose=True) == "VENTER"
    assert find_reference("k7m 4qx", loose=True) == "K7M4QX"
    assert find_reference("BBBBBB", loose=True) is None  # not in the alphabet


@pytest.mark.parametrize(
    "text, expected",
    [
        ("nej jeg vil FLYTTE det, ikke aflyse", "flyt"),
        ("kan jeg rykke mit møde til en anden dag", "flyt"),
        ("jeg vil gerne ændre tidspunktet", "flyt"),
        ("jeg bliver nødt til at aflyse", "aflys"),
        ("hvad er klokken", None),
    ],
)
def test_change_kind(text: str, expected: str | None) -> None:
    assert change_kind_from_text(text) == expected


def test_opening_message() -> None:
    opening = read_opening("kan i ringe til mig i morgen mellem 10 og 12", NOW)
    assert opening.meeting_type == "telefon"
    assert opening.time_wish is not None
    assert read_opening("jeg vil booke en tid", NOW).time_wish is None
    assert read_opening("det haster, hurtigst muligt", NOW).time_wish is not None
    assert read_opening("/book_meeting", NOW).time_wish is None


def test_an_unsure_meeting_wish() -> None:
    ranking = (("inform", 0.6), ("book_meeting", 0.26))
    assert wants_a_meeting("kan jeg faa en tid hos jer i naeste uge", ranking)
    # Words that can only ask for a meeting do, whatever the classifier thought.
    assert wants_a_meeting("kan jeg faa en tid hos jer", (("inform", 0.9),))
    assert not wants_a_meeting("kan jeg faa hjaelp", (("inform", 0.9),))
    assert not wants_a_meeting("hvad betyder partshøring", ranking)


def test_day_phrase() -> None:
    assert day_phrase(date(2026, 12, 8)) == "den 8. december"


def test_the_opening_message_gives_the_topic() -> None:
    text = "jeg vil godt have et møde med jer om at min sagsbehandler er skiftet 4 gange"
    assert read_opening(text, NOW).topic == "at min sagsbehandler er skiftet 4 gange"
    assert read_opening("kan jeg få et møde om formiddagen", NOW).topic is None


@pytest.mark.parametrize(
    "text, topic",
    [
        (
            "Min mor har ikke fået hjemmehjælp i tre uger, og ingen ringer tilbage. "
            "Kan jeg booke en tid hos jer?",
            "Min mor har ikke fået hjemmehjælp i tre uger, og ingen ringer tilbage.",
        ),
        (
            "Jeg er så træt af jobcentret. De har mistet mine papirer to gange. "
            "Jeg vil gerne tale med en rådgiver.",
            "Jeg er så træt af jobcentret. De har mistet mine papirer to gange.",
        ),
        # A question or a time is no story; a short remark neither.
        (
            "Jeg vil gerne aftale et møde en onsdag eftermiddag. Hvilke papirer skal jeg have med?",
            None,
        ),
        ("hej. kan jeg booke en tid", None),
    ],
)
def test_the_story_in_the_opening_message_is_the_topic(text: str, topic: str | None) -> None:
    assert read_opening(text, NOW).topic == topic


def test_a_meeting_asked_for_in_so_many_words() -> None:
    from bot.features.booking.wording import asks_for_meeting

    assert asks_for_meeting("Kunne jeg mon få et telefonmøde med borgerrådgiveren på mandag?")
    assert asks_for_meeting("jeg vil godt ha et møde med borgerrådgiveren om min sag")
    assert not asks_for_meeting("mit møde med jobcentret gik helt galt")
    # citizen round 2 (c01-c03)
    assert asks_for_meeting("Vil i ringe mig op i morgen efter kl 13? det drejer sig om min far")
    assert asks_for_meeting("kan borgerrådgiveren ringe til mig")
    assert asks_for_meeting("ja som jeg skrev vil jeg gerne komme ind til jer")
    assert asks_for_meeting("jeg skal have en tid hos jer hurtigst muligt!!")
    assert not asks_for_meeting("kommunen siger at de vil ringe til mig men det gør de aldrig")
    assert not asks_for_meeting("det tog 3 måneder at få en tid hos speciallægen")


@pytest.mark.parametrize(
    "typed, name",
    [
        ("Navn: Lone Kjærgaard, og jeg skriver på vegne af min mor", "Lone Kjærgaard"),
        ("Navn: det skrev jeg jo, Hanne Dalgaard Møller", "Hanne Dalgaard Møller"),
        ("Ruth Andersen (jeg er barnebarn, Sofie)", "Ruth Andersen"),
        ("Jakob Hansen", "Jakob Hansen"),
    ],
)
def test_only_the_name_is_kept(typed: str, name: str) -> None:
    from bot.features.booking.contact import clean_name

    assert clean_name(typed) == name


def test_topic_after_a_time_or_as_emne() -> None:
    text = "personligt møde mandag d. 14. december kl. 10 om at jeg ikke får svar fra jobcentret"
    assert read_opening(text, NOW).topic == "at jeg ikke får svar fra jobcentret"
    assert read_opening("book møde, emne: visitator kom ikke", NOW).topic == "visitator kom ikke"


def test_a_correction_at_the_summary_names_what_to_change() -> None:
    from bot.features.booking.wording import correction

    assert correction("nej vent, jeg vil hellere have at i ringer") == "telefon"
    assert correction("nej navnet er forkert") == "navn"
    assert correction("forkert nummer") == "kontakt"
    assert correction("nej") is None
