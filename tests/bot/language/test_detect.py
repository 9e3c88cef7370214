"""Which language a message is written in (bot/language/detect.py)."""

import pytest

from bot.language.detect import DANISH, ENGLISH, NO_WORDS, OTHER, detect


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Hej", DANISH),
        ("ok tak", DANISH),
        ("sorry, jeg mente noget andet", DANISH),
        ("Bent Larsen", DANISH),
        ("REYH7P", DANISH),
        ("22 33 44 55", DANISH),
        ("jeg har faaet afslag paa boligstoette", DANISH),
        ("Hello, my Danish is not good. Can you help me?", ENGLISH),
        ("English please", ENGLISH),
        ("I need to speak with a person", ENGLISH),
        ("مرحبا، هل يمكنني التحدث مع شخص باللغة العربية؟", OTHER),
        ("Здравствуйте, мне нужна помощь", OTHER),
        ("???", NO_WORDS),
        ("xqzv", NO_WORDS),
    ],
)
def test_detect(text: str, expected: str) -> None:
    assert detect(text) == expected
