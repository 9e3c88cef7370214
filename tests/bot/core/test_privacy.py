import re
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.core.privacy import CPR_MASK, contains_cpr, redact, redact_with_count

DIGITS = re.compile(r"\d")


def only_digits(text: str) -> str:
    return "".join(DIGITS.findall(text))


@st.composite
def cpr_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """A CPR number written in one of the ways citizens write it, and its 10 digits."""
    day = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 12, 31)))
    serial = draw(st.integers(min_value=0, max_value=9999))
    digits = f"{day:%d%m%y}{serial:04d}"
    dd, mm, yy, xxxx = digits[:2], digits[2:4], digits[4:6], digits[6:]
    sep = draw(st.sampled_from(["", "-", " ", " - ", "\u2013", "\u00a0"]))
    date_sep = draw(st.sampled_from(["", "", ".", " "]))
    return f"{dd}{date_sep}{mm}{date_sep}{yy}{sep}{xxxx}", digits


# Surrounding text that does not glue digits onto the number.
surrounding = st.text(
    alphabet=st.characters(blacklist_categories=("Nd", "Cs"), blacklist_characters="0123456789"),
    max_size=40,
)


@given(before=surrounding, cpr=cpr_numbers(), after=surrounding)
def test_no_cpr_number_survives(before: str, cpr: tuple[str, str], after: str) -> None:
    written, digits = cpr
    out = redact(before + written + after)
    assert digits not in only_digits(out)
    assert CPR_MASK in out
    assert not contains_cpr(out)


@given(cprs=st.lists(cpr_numbers(), min_size=1, max_size=4), glue=surrounding)
def test_every_cpr_number_in_a_message_is_masked(cprs: list[tuple[str, str]], glue: str) -> None:
    text = (" " + glue + " ").join(written for written, _ in cprs)
    out, count = redact_with_count(text)
    assert count == len(cprs)
    for _, digits in cprs:
        assert digits not in only_digits(out)


def test_typical_messages() -> None:
    assert redact("mit cpr er 010190-1234 tak") == "mit cpr er [CPR] tak"
    assert redact("0101901234") == "[CPR]"
    assert redact("cpr:010190 1234.") == "cpr:[CPR]."
    assert redact("01.01.90-1234") == "[CPR]"


def test_leaves_other_numbers_alone() -> None:
    text = "Ring på 99 31 16 18 eller +45 99311967, sag nr. 2024-1234, beløb 12.345 kr."
    assert redact(text) == text
    # A longer digit run is not a CPR number
    assert redact("kontonummer 12340101901234567") == "kontonummer 12340101901234567"
    # Not a date: month 13
    assert redact("011390-1234") == "011390-1234"


@given(st.text(max_size=200))
def test_redact_is_idempotent_and_never_grows_digits(text: str) -> None:
    once = redact(text)
    assert redact(once) == once
    assert len(only_digits(once)) <= len(only_digits(text))


def test_dates_near_now_are_plausible() -> None:
    day = date(2026, 11, 26) - timedelta(days=1)
    assert redact(f"{day:%d%m%y}-0000") == CPR_MASK
