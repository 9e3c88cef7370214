"""The conversation as plain lines, and the masked transcript staff read.

Input is the tracker's event list as JSON (what Rasa hands every action: dicts with
``event`` = ``user`` / ``bot`` / ``slot`` / ``session_started`` ...), so nothing here
imports Rasa. Only the current session counts (the events after the last
``session_started``).

A button press arrives as its payload ("/affirm"); the transcript shows the title of
the button the citizen pressed ("[Knap] Ja, send det videre"). CPR numbers are masked
again (``bot.core.privacy``), also in the assistant's own texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, List, Mapping, Sequence, Tuple
from zoneinfo import ZoneInfo

from bot.core.privacy import redact

CITIZEN = "borger"
ASSISTANT = "assistent"
SPEAKERS = {CITIZEN: "Borger", ASSISTANT: "Assistent"}
BUTTON = "[Knap]"
# The competence check's pending yes/no question is kept in this slot (actions/competence.py).
PENDING_SLOT = "clarify"


@dataclass(frozen=True)
class Line:
    """One message. ``pending``: the competence question open when the citizen wrote it."""

    who: str
    text: str
    at: datetime | None = None
    intent: str | None = None
    buttons: Tuple[Tuple[str, str], ...] = ()  # (title, payload) offered with the message
    pending: str | None = None

    @property
    def is_payload(self) -> bool:
        return self.text.startswith("/")


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _buttons(event: Mapping[str, Any]) -> Tuple[Tuple[str, str], ...]:
    data = event.get("data") or {}
    found = []
    for b in data.get("buttons") or ():
        if isinstance(b, Mapping) and b.get("title") and b.get("payload") is not None:
            found.append((str(b["title"]), str(b["payload"])))
    return tuple(found)


def current_session(events: Sequence[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    """The events after the last ``session_started`` (all of them when there is none)."""
    starts = [i for i, e in enumerate(events) if e.get("event") == "session_started"]
    return list(events[starts[-1] + 1 :] if starts else events)


def lines_from_events(events: Sequence[Mapping[str, Any]]) -> List[Line]:
    """The current session's messages, oldest first."""
    lines: List[Line] = []
    pending: str | None = None
    for event in current_session(events):
        kind = event.get("event")
        if kind == "slot" and event.get("name") == PENDING_SLOT:
            pending = event.get("value")
        elif kind == "user":
            parse = event.get("parse_data") or {}
            text = str(event.get("text") or parse.get("text") or "")
            intent = (parse.get("intent") or {}).get("name")
            lines.append(Line(CITIZEN, text, _time(event.get("timestamp")), intent, (), pending))
        elif kind == "bot" and (event.get("text") or _buttons(event)):
            at = _time(event.get("timestamp"))
            lines.append(Line(ASSISTANT, str(event.get("text") or ""), at, None, _buttons(event)))
    return lines


def shown_text(lines: Sequence[Line], index: int) -> str:
    """What the citizen wrote or pressed: a payload becomes the pressed button's title."""
    line = lines[index]
    if line.who != CITIZEN or not line.is_payload:
        return line.text
    for earlier in reversed(lines[:index]):
        for title, payload in earlier.buttons:
            if payload == line.text:
                return f"{BUTTON} {title}"
    return BUTTON


def citizen_texts(lines: Sequence[Line]) -> List[Line]:
    """What the citizen typed (no button presses)."""
    return [line for line in lines if line.who == CITIZEN and not line.is_payload and line.text]


def transcript(lines: Sequence[Line], tz: str) -> str:
    """The masked transcript: "[2026-12-01 10:02] Borger: ..." one message per paragraph.

    (ISO times: "01.12.2026 10:02" would itself look like a CPR number to the mask.)
    """
    zone = ZoneInfo(tz)
    out: List[str] = []
    for i, line in enumerate(lines):
        when = f"[{line.at.astimezone(zone):%Y-%m-%d %H:%M}] " if line.at else ""
        out.append(f"{when}{SPEAKERS.get(line.who, line.who)}: {redact(shown_text(lines, i))}")
    return "\n\n".join(out)


def joined(texts: Iterable[str]) -> str:
    return "\n".join(t for t in texts if t)
