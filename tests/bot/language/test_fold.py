"""Danish written without æ, ø and å (bot/language/fold.py)."""

from bot.language.fold import fold


def test_pairs_become_letters() -> None:
    assert fold("kan jeg faa en tid i naeste uge, moede paa boulevarden") == (
        "kan jeg få en tid i næste uge, møde på boulevarden"
    )


def test_capitals_and_exceptions_are_kept() -> None:
    assert fold("Aalborg") == "Aalborg"
    assert fold("Michael") == "Michael"
    assert fold("AAbningstider") == "Åbningstider"
