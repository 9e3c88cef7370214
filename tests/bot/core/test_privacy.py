import json
import re
import sys
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.privacy import (
    CPR_MASK,
    contains_cpr,
    normalise,
    redact,
    redact_data,
    redact_with_count,
)

DIGITS = re.compile(r"\d")

# Every Unicode decimal digit, by its value (65 spellings of each digit).
UNICODE_DIGITS: dict[int, list[str]] = {}
for _cp in range(sys.maxunicode + 1):
    _ch = chr(_cp)
    if unicodedata.category(_ch) == "Nd":
        UNICODE_DIGITS.setdefault(unicodedata.decimal(_ch), []).append(_ch)


def only_digits(text: str) -> str:
    """The digits a reader sees, whatever script or escape spells them."""
    norm, _, _ = normalise(text)
    return "".join(DIGITS.findall(norm))


# Between the date and the serial number, and between the parts of the date.
SERIAL_SEPARATORS = [
    "", "-", " ", " - ", "\u2013", "\u2014", "\u2010", "\u2011", "\u2212", "\u00a0",
    "\u2009", "\u202f", "\u3000", "/", "_", "--", "  ", "\n", "\r\n", "\u200b", "\u00ad",
    "%2D", "%20", "\\u002d", "\uff0d", ".",
]  # fmt: skip
WHITESPACE_SEPARATORS = {" ", "\u00a0", "\u2009", "\u202f", "\u3000", "  ", "\n", "\r\n", "%20"}
DATE_SEPARATORS = ["", "", ".", " ", "-", "/", "\u200b", "\u00ad", "%2E", "\uff0e"]


@st.composite
def digit_spelling(draw: st.DrawFn, value: int) -> str:
    how = draw(st.sampled_from(["ascii", "ascii", "unicode", "escape"]))
    if how == "ascii":
        return str(value)
    if how == "escape":
        return json.dumps(draw(st.sampled_from(UNICODE_DIGITS[value])))[1:-1]  # \\uXXXX
    return draw(st.sampled_from(UNICODE_DIGITS[value]))


@st.composite
def cpr_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """A CPR number written in one of the ways citizens (or their tools) write it, and
    its 10 digits."""
    day = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 12, 31)))
    serial = draw(st.integers(min_value=0, max_value=9999))
    digits = f"{day:%d%m%y}{serial:04d}"
    spelled = [draw(digit_spelling(int(d))) for d in digits]
    dd, mm, yy, xxxx = (
        "".join(spelled[:2]), "".join(spelled[2:4]), "".join(spelled[4:6]), spelled[6:]
    )  # fmt: skip
    date_sep = draw(st.sampled_from(DATE_SEPARATORS))
    if draw(st.booleans()):
        yy = f"{day:%Y}"[:2] + yy  # a four-digit year
    sep = draw(st.sampled_from(SERIAL_SEPARATORS))
    written_as_date = date_sep.strip() in {".", "/", "%2E", "\uff0e"}
    if written_as_date and sep in WHITESPACE_SEPARATORS:
        sep = "-"  # "15.03.24 1430" is a date and a time (see test_date_and_time_is_kept)
    serial_text = "".join(xxxx)
    if draw(st.booleans()) and sep not in ("", "\u200b", "\u00ad"):
        serial_text = "".join(xxxx[:2]) + " " + "".join(xxxx[2:])  # "010190 43 21"
    return f"{dd}{date_sep}{mm}{date_sep}{yy}{sep}{serial_text}", digits


def no_digit_inside(ch: str) -> bool:
    return not any(c.isdigit() for c in unicodedata.normalize("NFKC", ch))


# Surrounding text that does not glue digits onto the number.
surrounding = st.text(
    alphabet=st.characters(
        blacklist_categories=("Nd", "No", "Nl", "Cs"), blacklist_characters="\\%"
    ).filter(no_digit_inside),
    max_size=40,
)


@given(before=surrounding, cpr=cpr_numbers(), after=surrounding)
def test_no_cpr_number_survives(before: str, cpr: tuple[str, str], after: str) -> None:
    written, digits = cpr
    text = f"{before} Hej, {written} og {after}"
    out = redact(text)
    assert digits not in only_digits(out)
    assert CPR_MASK in out
    assert not contains_cpr(out)
    # Everything but the number is kept as written.
    assert out == f"{before} Hej, {CPR_MASK} og {after}"


@given(cprs=st.lists(cpr_numbers(), min_size=1, max_size=4), glue=surrounding)
def test_every_cpr_number_in_a_message_is_masked(cprs: list[tuple[str, str]], glue: str) -> None:
    text = (" og " + glue + " og ").join(written for written, _ in cprs)
    out, count = redact_with_count(text)
    assert count == len(cprs)
    for _, digits in cprs:
        assert digits not in only_digits(out)


@pytest.mark.parametrize(
    "written",
    [
        "010190-1234",
        "0101901234",
        "010190 1234",
        "01.01.90-1234",
        "０１０１９０－１２３４",  # full-width
        "٠١٠١٩٠-١٢٣٤",  # Arabic-Indic digits
        "010190\u22121234",  # minus sign
        "010190/1234",
        "010190_1234",
        "010190--1234",
        "01011990-4321",  # four-digit year
        "010190 43 21",  # split serial
        "010190  1234",  # double space
        "0101\u200b90-1234",  # zero-width space
        "010190\u00ad-1234",  # soft hyphen
        "010190\u20091234",  # thin space
        "010190\u202f1234",  # narrow no-break space
        "010190\n1234",
        "1.1.90-4321",  # day and month without the leading zero
        "1/1-1990-4321",
        "010190%2D1234",  # URL-encoded dash
        "%30%31%30%31%39%30%2D%31%32%33%34",
        "01 01 90 12 34",
    ],
)
def test_spellings_citizens_and_tools_use(written: str) -> None:
    assert redact(f"mit nummer er {written}, tak") == f"mit nummer er {CPR_MASK}, tak"


def test_json_escapes_inside_an_intent_payload() -> None:
    """Rasa decodes the JSON of '/intent{...}' into entity values: the escaped digits
    are found before that, and the payload stays valid JSON."""
    value = "".join(f"\\u{ord(c):04x}" for c in "010190-1234")
    text = '/inform{"navn": "' + value + '"}'
    out = redact(text)
    assert out == '/inform{"navn": "[CPR]"}'
    assert json.loads(out[len("/inform") :]) == {"navn": CPR_MASK}
    bold = "".join(chr(0x1D7CE + int(d)) for d in "0101901234")  # mathematical bold digits
    surrogates = json.dumps(bold)[1:-1]  # escaped as surrogate pairs
    assert redact(f"x {surrogates} y") == f"x {CPR_MASK} y"


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


@pytest.mark.parametrize(
    "text",
    [
        "Afgørelsen 12.05.24 - 2500 kr blev trukket",  # a date and an amount
        "udbetalt 01.03.2024 - 1500 kroner",
        "den 120524-2500,- kr",
        "j.nr. 15.03.01-1234",  # KL's journal plan
        "Journalnummer: 27.12.04-P20-1234-24",
        "sagsnr. 1503011234",
        "kontonr. 0101901234",
        "Brevet kom 15.03.24 1430",  # a date and a time: the deadline feature needs it
        "mødet 1.4.2025 0930 på rådhuset",
    ],
)
def test_innocent_numbers_that_can_be_told_apart(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "mit cpr er 15.03.24 1430",  # said to be a CPR number
        "CPR-nr.: 15.03.24 1430",
        "sagsnr. 150301-1234",  # written the way a CPR number is written
        "1503011234",  # no words to tell it apart: masked
    ],
)
def test_ambiguous_numbers_are_masked(text: str) -> None:
    assert contains_cpr(text)


def test_date_and_time_is_kept() -> None:
    assert redact("fristen 15.03.24 1430, mit cpr er 150324-1430") == (
        "fristen 15.03.24 1430, mit cpr er [CPR]"
    )


@given(st.text(max_size=200))
def test_redact_is_idempotent_and_never_grows_digits(text: str) -> None:
    once = redact(text)
    assert redact(once) == once
    assert len(only_digits(once)) <= len(only_digits(text))


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_normalise_maps_back_into_the_text(text: str) -> None:
    norm, starts, ends = normalise(text)
    assert len(norm) == len(starts) == len(ends)
    assert all(0 <= s < e <= len(text) for s, e in zip(starts, ends))
    assert starts == sorted(starts)


def test_dates_near_now_are_plausible() -> None:
    day = date(2026, 11, 26) - timedelta(days=1)
    assert redact(f"{day:%d%m%y}-0000") == CPR_MASK


def test_redact_data_masks_every_string_but_ids() -> None:
    data = {
        "sender": "ab0101901234cd0000000000",
        "message": "cpr 010190-1234",
        "metadata": {"notes": ["0202021234", 5, None], "nested": {"x": "050505 5555"}},
    }
    masked, count = redact_data(data)
    assert count == 3
    assert masked == {
        "sender": "ab0101901234cd0000000000",
        "message": "cpr [CPR]",
        "metadata": {"notes": ["[CPR]", 5, None], "nested": {"x": "[CPR]"}},
    }
    assert data["message"] == "cpr 010190-1234"  # the original is left alone
