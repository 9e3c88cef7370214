""""Hent samtalen": the conversation as a text file or a PDF, masked as it is stored.

Button presses are stored as payloads ("/affirm"): they are shown as such a press,
never as the payload. The texts around the messages come from content/web.yml.
"""

from __future__ import annotations

from datetime import datetime
from typing import List
from zoneinfo import ZoneInfo

from fpdf import FPDF

from bot.infra.tracker_store import Line
from bot.web.texts import WebTexts

MONTHS = [
    "januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
    "oktober", "november", "december",
]  # fmt: skip
PDF_ENCODING = "cp1252"  # Helvetica's WinAnsi: æ, ø, å, §, – render; anything else is "?"


def danish_time(at: datetime) -> str:
    return f"{at.day}. {MONTHS[at.month - 1]} {at.year} kl. {at:%H.%M}"


def _paragraphs(lines: List[Line], texts: WebTexts, *, now: datetime, tz: str) -> List[str]:
    zone = ZoneInfo(tz)
    fetched = texts.samtale_hentet.format(tidspunkt=danish_time(now.astimezone(zone)))
    out = [texts.samtale_titel, fetched]
    if not lines:
        return [*out, texts.samtale_tom]
    for line in lines:
        at = f"{line.at.astimezone(zone):%d.%m.%Y %H.%M}"
        if line.speaker == "user":
            said = texts.samtale_knap if line.text.startswith("/") else line.text
            out.append(f"[{at}] {texts.samtale_du}: {said}")
            continue
        said = line.text
        if line.buttons:
            choices = texts.samtale_knapper.format(knapper=", ".join(line.buttons))
            said = f"{said}\n{choices}" if said else choices
        out.append(f"[{at}] {texts.samtale_assistent}: {said}")
    return out


def as_text(lines: List[Line], texts: WebTexts, *, now: datetime, tz: str) -> str:
    return "\n\n".join(_paragraphs(lines, texts, now=now, tz=tz)) + "\n"


def as_pdf(lines: List[Line], texts: WebTexts, *, now: datetime, tz: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = PDF_ENCODING
    pdf.set_title(_latin(texts.samtale_titel))
    pdf.set_creation_date(now)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    first, *rest = _paragraphs(lines, texts, now=now, tz=tz)
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, _latin(first))
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 10)
    for paragraph in rest:
        pdf.multi_cell(0, 5, _latin(paragraph))
        pdf.ln(2)
    return bytes(pdf.output())


def _latin(text: str) -> str:
    # Long words (a pasted URL) would not fit a line: give them a chance to break.
    words = [" ".join(w[i : i + 60] for i in range(0, len(w), 60)) for w in text.split(" ")]
    return " ".join(words).encode(PDF_ENCODING, "replace").decode(PDF_ENCODING)
