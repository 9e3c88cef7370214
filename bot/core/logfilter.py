"""The second line of defence: no CPR number in any log record of any process.

Messages are masked where they enter (``bot.rasa.guard``), but a library may still
log what it holds: a traceback with a frame's locals, a warning that quotes the
line, an ``extra`` field. ``CprLogFilter`` masks CPR numbers (``bot.core.privacy``)
in a record's message, arguments, exception and stack text and extra fields.

``install()`` is called at every entry point (Rasa, the action server, the web app,
the CLI and worker). It puts the filter on the handlers that exist, and on every
record as it is made (``logging.Logger.makeRecord``), so handlers that libraries add
later (Rasa, Sanic, uvicorn) get masked records too.

Rasa's story reader quotes a message that starts with "/" word for word when it
cannot read it as an intent ("Failed to parse arguments in line '...'"): the quoted
text is left out of those records.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from bot.core.privacy import redact, redact_data

# The attributes every LogRecord has; anything else came in through ``extra``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

QUOTES_MESSAGE = "Failed to parse arguments in line"
LEFT_OUT = (
    "Rasa could not read a message starting with '/' as an intent with entities "
    "(the message is left out of the log)."
)


def scrub(text: str) -> str:
    """``text`` as it may be logged: CPR numbers masked, quoted messages left out."""
    if QUOTES_MESSAGE in text:
        return LEFT_OUT
    return redact(text)


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, (dict, list, tuple)):
        return redact_data(value)[0]
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    # Other objects are formatted with %s/%r: mask their text.
    return scrub(str(value))


class CprLogFilter(logging.Filter):
    """Masks CPR numbers in a record, in place; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            self._scrub(record)
        except Exception:  # noqa: BLE001 - a broken record must not break logging
            record.msg, record.args = "A log record could not be checked (left out).", None
        return True

    @staticmethod
    def _scrub(record: logging.LogRecord) -> None:
        if getattr(record, "_cpr_scrubbed", False):
            return
        if record.args:
            # Format now, so that no argument can bring a CPR number in later.
            record.msg = scrub(record.getMessage())
            record.args = None
        else:
            record.msg = _scrub_value(record.msg)
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            # Handlers format the masked text; none sees the exception (and its frames).
            record.exc_text = scrub(record.exc_text)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and not key.startswith("_"):
                setattr(record, key, _scrub_value(value))
        record._cpr_scrubbed = True


_FILTER = CprLogFilter()
_installed = False


def install(capture_warnings: bool = True) -> CprLogFilter:
    """Mask every log record of this process from now on (idempotent). Warnings go
    through logging too (``logging.captureWarnings``), so they are masked as well."""
    global _installed
    if capture_warnings:
        logging.captureWarnings(True)
    for handler in logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    if not _installed:
        original = logging.Logger.makeRecord

        def make_record(self: logging.Logger, *args: Any, **kwargs: Any) -> logging.LogRecord:
            record = original(self, *args, **kwargs)
            _FILTER.filter(record)
            return record

        logging.Logger.makeRecord = make_record  # type: ignore[method-assign]
        _installed = True
    return _FILTER
