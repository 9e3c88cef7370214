"""The log filter masks CPR numbers in every part of a record, in every handler."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import textwrap

import pytest

from bot.core.logfilter import LEFT_OUT, CprLogFilter, scrub
from bot.core.settings import ROOT

CPR = "010190-1234"


@pytest.fixture
def captured() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s %(kontekst)s"))
    handler.addFilter(CprLogFilter())
    logger = logging.getLogger(f"test.logfilter.{id(stream)}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    return logger, stream


def test_message_arguments_extra_and_exception_are_masked(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.info("besked %s", {"text": f"mit cpr er {CPR}"}, extra={"kontekst": "0202021234"})
    try:
        text = f"Mit CPR er {CPR}"  # noqa: F841 - a frame local, as in Rasa's REST channel
        raise RuntimeError(f"database is locked while saving '{CPR}'")
    except RuntimeError:
        logger.exception("failed %s", "x", extra={"kontekst": ["050505 5555"]}, stack_info=True)
    out = stream.getvalue()
    assert "1234" not in out.replace("[CPR]", "")
    assert "0202021234" not in out and "5555" not in out
    assert out.count("[CPR]") >= 4
    assert "RuntimeError: database is locked" in out  # the traceback is still there


def test_rasas_quoted_slash_message_is_left_out(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.warning(
        'UserWarning: Failed to parse arguments in line \'/inform{"navn": "Hans Hansen"\'. '
        'Failed to interpret some parts. Continuing without {"navn": "Hans Hansen"',
        extra={"kontekst": ""},
    )
    assert "Hans" not in stream.getvalue()
    assert LEFT_OUT in stream.getvalue()


def test_a_record_that_cannot_be_formatted_is_kept_without_its_text(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.info("%d dage", "ikke et tal 0101901234", extra={"kontekst": ""})
    assert "0101901234" not in stream.getvalue()
    assert "could not be checked" in stream.getvalue()


def test_scrub_decodes_json_escapes_in_rendered_records() -> None:
    escaped = '{"text": "\\u0030\\u0031\\u0030\\u0031\\u0039\\u0030-1234"}'
    assert scrub(escaped) == '{"text": "[CPR]"}'


def test_install_covers_handlers_added_later_and_warnings() -> None:
    """As in Rasa: the entry point installs the filter, then the libraries add their
    own handlers and print their warnings."""
    code = textwrap.dedent(
        f"""
        import logging, sys, warnings
        from bot.core import logfilter
        logfilter.install()
        logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
        late = logging.getLogger("late")
        late.propagate = False
        late.addHandler(logging.StreamHandler(sys.stdout))
        late.warning("sent %s", "{CPR}")
        logging.getLogger("x").error("besked", extra={{"text": "{CPR}"}})
        warnings.warn("Failed to parse arguments in line '/greet hemmelig'")
        warnings.warn("got {CPR}")
        print("done")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "sent [CPR]" in out and "got [CPR]" in out
    assert CPR not in out and "hemmelig" not in out
