"""A case as a PDF for the kommune's records (fpdf2).

The labels come from content/cases.yml (``pdf``). As in the fuldmagt form
(``bot.features.fuldmagt.pdf``) the PDF uses the standard Helvetica font with
WinAnsi (cp1252) encoding: no font files, æ/ø/å and § render, the text is
extractable; characters outside cp1252 (emoji, for example) become "?".
CPR numbers are masked, as everywhere in a case. ``export`` writes the audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Tuple

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from sqlalchemy.orm import Session

from bot.features.audit import log as audit
from bot.features.cases.casework import CaseDetail, detail
from bot.features.cases.content import CaseContent
from bot.features.cases.summary import SummaryItem

ENCODING = "cp1252"
FONT = "Helvetica"


def _latin(text: str) -> str:
    return (text or "").encode(ENCODING, errors="replace").decode(ENCODING)


def _when(value: datetime | None, empty: str) -> str:
    return f"{value:%d.%m.%Y %H:%M}" if value else empty


class _CasePdf(FPDF):
    footer_text: str = ""

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, size=8)
        self.set_text_color(90, 90, 90)
        width = self.w - self.l_margin - self.r_margin
        self.cell(width * 0.8, 5, _latin(self.footer_text), align="L")
        self.cell(width * 0.2, 5, f"Side {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0, 0, 0)


class _Writer:
    def __init__(self, pdf: _CasePdf) -> None:
        self.pdf = pdf

    def text(self, text: str, size: float = 10, style: str = "", gap: float = 1.5) -> None:
        self.pdf.set_font(FONT, style, size)
        self.pdf.multi_cell(0, size * 0.5, _latin(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(gap)

    def heading(self, text: str) -> None:
        if self.pdf.get_y() + 25 > self.pdf.page_break_trigger:
            self.pdf.add_page()
        self.pdf.ln(3)
        self.text(text, size=12.5, style="B", gap=1)

    def pairs(self, rows: Iterable[Tuple[str, str]], label_width: float = 52) -> None:
        pdf = self.pdf
        width = pdf.w - pdf.l_margin - pdf.r_margin
        for label, value in rows:
            pdf.set_font(FONT, "B", 10)
            pdf.cell(label_width, 5.5, _latin(label), new_x=XPos.RIGHT, new_y=YPos.TOP)
            pdf.set_font(FONT, "", 10)
            pdf.multi_cell(
                width - label_width, 5.5, _latin(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )

    def items(self, items: Iterable[SummaryItem], indent: float = 0) -> None:
        for item in items:
            self.pdf.set_x(self.pdf.l_margin + indent)
            self.pdf.set_font(FONT, "B", 10)
            label = item.label + (":" if item.text is not None else "")
            width = self.pdf.w - self.pdf.r_margin - self.pdf.l_margin - indent
            if item.text is None:
                self.pdf.multi_cell(width, 5.5, _latin(label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.items(item.children, indent + 5)
                continue
            self.pdf.multi_cell(
                width, 5.5, _latin(f"{label} {item.text}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )


def case_pdf(
    case: CaseDetail, content: CaseContent, *, printed_at: datetime, printed_by: str
) -> bytes:
    """The PDF of one case (bytes)."""
    t, f = content.pdf, content.pdf.felter
    outcome = content.outcome(case.outcome or "")
    pdf = _CasePdf(format="A4", unit="mm")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_title(_latin(t.titel.format(nummer=case.number)))
    pdf.footer_text = t.udskrevet.format(tidspunkt=_when(printed_at, ""), bruger=printed_by)
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    w = _Writer(pdf)
    w.text(t.titel.format(nummer=case.number), size=17, style="B", gap=0.5)
    w.text(t.undertitel, size=11, gap=2)
    w.text(t.fortroligt, size=9, style="I", gap=2)

    w.heading(t.oplysninger)
    w.pairs(
        [
            (f["nummer"], case.number),
            (f["oprettet"], _when(case.created_at, f["ingen"])),
            (f["frist"], _when(case.due_at, f["ingen"])),
            (f["status"], case.status),
            (f["ansvarlig"], case.assignee or f["ingen"]),
            (f["maerker"], ", ".join(case.tags) or f["ingen"]),
            (f["udfald"], outcome.navn if outcome else (case.outcome or f["ingen"])),
            (f["afsluttet"], _when(case.closed_at, f["ingen"])),
            (f["bevares"], f["ja"] if case.legal_hold else f["nej"]),
        ]
    )
    w.heading(t.resume)
    w.items(case.summary)
    w.heading(t.kontakt)
    w.pairs(
        [
            (f["metode"], case.contact_method or f["ingen"]),
            (f["vaerdi"], case.contact_value or f["ingen"]),
            (f["hvornaar"], case.contact_when or f["ingen"]),
        ]
    )
    w.heading(t.samtykke)
    w.pairs(
        [
            (f["version"], case.consent_version),
            (f["tidspunkt"], _when(case.consent_at, f["ingen"])),
            (f["omfang"], case.consent_scope),
        ]
    )
    w.heading(t.samtale)
    w.text(case.transcript or f["ingen"], size=9.5)
    if case.entries:
        w.heading(t.historik)
        for entry in case.entries:
            who = f" – {entry.author}" if entry.author else ""
            w.text(f"{_when(entry.created_at, '')} ({entry.kind}{who})", size=9, style="B", gap=0)
            w.text(entry.text, size=9.5, gap=2)
    return bytes(pdf.output())


def export(
    session: Session,
    number: str,
    *,
    actor: audit.Actor,
    now: datetime,
    tz: str,
    content: CaseContent,
) -> bytes:
    """The case's PDF, written to the audit log as an export."""
    found = detail(session, number, now=now, tz=tz, content=content)
    printed_at = now.astimezone(found.created_at.tzinfo)
    data = case_pdf(found, content, printed_at=printed_at, printed_by=actor.username)
    audit.record(session, actor, audit.CASE_EXPORT, now=now, case=found.number)
    return data
