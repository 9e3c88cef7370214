"""The citizen's words about changing a booking (bot/features/booking/wording.py).

The rest of wording.py is tested in tests/bot/features/booking/test_opening.py.
"""

from __future__ import annotations

import pytest

from bot.features import booking as bk


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("jeg vil gerne flytte mit møde", "cancel_booking", "flyt"),  # the words win
        ("aflys mit møde", "move_booking", "aflys"),
        ("K7M4QX", "move_booking", "flyt"),
        ("K7M4QX", "cancel_booking", "aflys"),
        ("K7M4QX", None, "aflys"),
    ],
)
def test_change_kind(text, intent, expected) -> None:  # type: ignore[no-untyped-def]
    assert bk.change_kind(text, intent) == expected


def test_switched_kind() -> None:
    assert bk.switched_kind("nej jeg vil FLYTTE det, ikke aflyse", "aflys") == "flyt"
    assert bk.switched_kind("jeg vil flytte det", "flyt") is None
    assert bk.switched_kind("K7M4QX", "aflys") is None


@pytest.mark.parametrize(
    "text, expected", [("k7m 4qx", "K7M4QX"), ("det er K7M4QX", "K7M4QX"), ("123", None)]
)
def test_reference_answer(text, expected) -> None:  # type: ignore[no-untyped-def]
    assert bk.reference_answer(text) == expected


@pytest.mark.parametrize("payload", ["telefon", "fremmoede", " telefon "])
def test_meeting_type_buttons(payload) -> None:  # type: ignore[no-untyped-def]
    assert bk.meeting_type_answer(payload) == payload.strip()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("det står i min første besked", True),
        ("som jeg skrev før", True),
        ("det har jeg jo lige skrevet", True),
        ("min klage over hjemmeplejen", False),
        ("jeg har skrevet til dem flere gange om min hjemmepleje og de svarer ikke", False),
        ("samme som foer", True),
        # the answer goes on to tell the matter itself (citizen round 2, c05)
        ("samme som foer, min mor er flyttet plejehjem uden at vi blev spurgt", False),
    ],
)
def test_an_answer_that_points_further_up(text: str, expected: bool) -> None:
    assert bk.refers_to_earlier(text) is expected


def test_the_earlier_topic_is_the_longest_message() -> None:
    assert bk.earlier_topic(["hej", "min mor får ikke sin hjemmehjælp", "ja"]) == (
        "min mor får ikke sin hjemmehjælp"
    )
    assert bk.earlier_topic([]) is None


def test_the_earlier_topic_is_not_a_cancellation() -> None:
    """A message cancelling or moving a meeting is not the matter (and may tell why,
    with health details: citizen round 2, c05)."""
    cancelled = ("hej jeg maa desvaerre melde afbud til telefonmoedet i morgen, min mor er "
                 "kommet paa sygehuset. nummeret er y4yfu7")  # fmt: skip
    story = "min mor er flyttet på plejehjem uden at vi blev spurgt"
    assert bk.earlier_topic([cancelled, "ja", story]) == story
    assert bk.earlier_topic([cancelled, "kan jeg flytte mødet til K7Q2MP"]) is None
    # "flyttet" and "rykket" in a story are the matter, not a meeting being moved
    chased = "jeg har rykket dem tre gange, og min mor er flyttet uden at blive spurgt"
    assert bk.earlier_topic([chased]) == chased


@pytest.mark.parametrize(
    "text, expected",
    [
        ("jeg vil bare booke en ny tid i uge 51", True),
        ("book et nyt moede", True),
        ("kan jeg faa en ny tid", True),
        ("Y4YFU7", False),
        ("jeg har ikke nummeret", False),
        ("flyt mødet til fredag", False),
    ],
)
def test_wants_new_booking(text: str, expected: bool) -> None:
    assert bk.wants_new_booking(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("rykke min tid paa torsdag til en formiddag i naeste uge", "en formiddag i næste uge"),
        ("flyt NTN4VN til onsdag kl 14", "onsdag kl 14"),
        ("kan vi flytte det til fredag?", "fredag?"),
        ("jeg vil flytte mit møde på torsdag", "jeg vil flytte"),
        ("flyt mødet den 3. december", "flyt"),
    ],
)
def test_move_wish_text_leaves_out_the_current_meeting(text: str, expected: str) -> None:
    assert bk.move_wish_text(text) == expected
