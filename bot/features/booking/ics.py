"""A minimal RFC 5545 iCalendar writer for one meeting (the .ics in booking e-mails).

One VEVENT in a VCALENDAR with METHOD:PUBLISH (no ORGANIZER/ATTENDEE needed, so
every mail client offers "add to calendar"). Times are written in UTC
(``DTSTART:20251203T090000Z``), which needs no VTIMEZONE block and is exact
across DST changes. Lines end in CRLF and are folded at 75 octets without
splitting a UTF-8 character; TEXT values are escaped (``\\`` ``;`` ``,`` newline).
A moved meeting keeps its UID and gets a higher SEQUENCE, so calendars update
the existing entry.
"""

from __future__ import annotations

from datetime import datetime, timezone

PRODID = "-//Aalborg Kommune//Borgerraadgiver-assistenten//DA"
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 section 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into CRLF + space continued chunks of at most 75 octets."""
    out: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current, size = " ", 1  # continuation lines start with one space
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def _utc(dt: datetime) -> str:
    if dt.tzinfo is None:
        raise ValueError("aware datetime expected")
    return dt.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def build_event(
    *,
    uid: str,
    dtstamp: datetime,
    start: datetime,
    end: datetime,
    summary: str,
    location: str,
    description: str = "",
    sequence: int = 0,
    status: str = "CONFIRMED",
) -> bytes:
    """The .ics file (UTF-8 bytes) for one event."""
    if end <= start:
        raise ValueError("end must be after start")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_utc(dtstamp)}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(end)}",
        f"SEQUENCE:{int(sequence)}",
        f"STATUS:{status}",
        f"SUMMARY:{escape_text(summary)}",
        f"LOCATION:{escape_text(location)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines += ["TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
