"""The "Fuldmagt til partsrepræsentation" form as a PDF (fpdf2).

The texts come from ``content/fuldmagt.yml`` (``PdfTexts``); this module only does
layout. The PDF uses the standard Helvetica font with WinAnsi (cp1252)
encoding: no font files are needed, every PDF reader opens it, the text is
extractable, and æ/ø/å, §, – and „…“ render. Characters outside cp1252 are
replaced by "?".

The form holds no personal data: it is filled in by hand on paper.
"""

from __future__ import annotations

import string
from datetime import datetime, timezone
from typing import List, Mapping

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from pydantic import BaseModel, validator

ENCODING = "cp1252"
FONT = "Helvetica"
# The only placeholders the office may use in the texts (filled from contact.yml).
PLACEHOLDERS = frozenset({"kontor", "adresse", "telefon"})


def placeholders_in(text: str) -> set:
    """Names of the ``{placeholders}`` in ``text`` (ValueError if malformed)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def check_placeholders(text: str | None) -> str | None:
    if text is None:
        return text
    try:
        names = placeholders_in(text)
    except ValueError as exc:
        raise ValueError(f"ugyldig {{…}} i teksten: {exc}") from None
    unknown = names - PLACEHOLDERS
    if unknown:
        allowed = ", ".join("{" + n + "}" for n in sorted(PLACEHOLDERS))
        raise ValueError(f"ukendt pladsholder {sorted(unknown)}; tilladt: {allowed}")
    return text


class PdfSection(BaseModel):
    overskrift: str
    tekst: str | None = None
    felter: List[str] = []
    afkrydsning: List[str] = []
    skrivelinjer: int = 0
    punkter: List[str] = []
    underskrifter: List[str] = []
    note: str | None = None

    @validator("overskrift", "tekst", "note")
    def _placeholders(cls, value: str | None) -> str | None:
        return check_placeholders(value)

    @validator("felter", "afkrydsning", "punkter", "underskrifter", each_item=True)
    def _item_placeholders(cls, value: str) -> str:
        check_placeholders(value)
        return value

    @validator("skrivelinjer")
    def _lines(cls, value: int) -> int:
        if not 0 <= value <= 15:
            raise ValueError("skrivelinjer skal være mellem 0 og 15")
        return value


class PdfTexts(BaseModel):
    filnavn: str
    titel: str
    undertitel: str | None = None
    indledning: str | None = None
    sektioner: List[PdfSection]
    sidefod: str | None = None

    @validator("filnavn")
    def _filename(cls, value: str) -> str:
        if (
            not value.endswith(".pdf")
            or any(c in value for c in '/\\"')
            or any(ord(c) < 32 for c in value)
            or len(value) > 100
        ):
            raise ValueError('filnavn skal ende på .pdf og må ikke indeholde / \\ eller "')
        return value

    @validator("titel", "undertitel", "indledning", "sidefod")
    def _placeholders(cls, value: str | None) -> str | None:
        return check_placeholders(value)

    @validator("sektioner")
    def _sections(cls, value: List[PdfSection]) -> List[PdfSection]:
        if not value:
            raise ValueError("der skal være mindst én sektion")
        return value


def _latin(text: str) -> str:
    """What the standard font can show: cp1252, the rest becomes '?'."""
    return text.encode(ENCODING, errors="replace").decode(ENCODING)


class _FormPdf(FPDF):
    footer_text: str = ""

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, size=8)
        self.set_text_color(90, 90, 90)
        width = self.w - self.l_margin - self.r_margin
        self.cell(width * 0.8, 5, self.footer_text, align="L")
        self.cell(width * 0.2, 5, f"Side {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0, 0, 0)


class _Layout:
    def __init__(self, pdf: _FormPdf, variables: Mapping[str, str]) -> None:
        self.pdf = pdf
        self.vars = dict(variables)

    def fill(self, text: str) -> str:
        return _latin(text.format_map(self.vars))

    @property
    def width(self) -> float:
        return float(self.pdf.w - self.pdf.l_margin - self.pdf.r_margin)

    def need(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit."""
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()

    def paragraph(self, text: str, size: float = 10.5, style: str = "", gap: float = 2) -> None:
        self.pdf.set_font(FONT, style, size)
        self.pdf.multi_cell(0, size * 0.5, self.fill(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(gap)

    def heading(self, text: str) -> None:
        self.need(30)
        self.pdf.ln(2)
        self.paragraph(text, size=12.5, style="B", gap=1.5)

    def field(self, label: str, label_width: float = 42, height: float = 8) -> None:
        pdf = self.pdf
        self.need(height)
        y = pdf.get_y()
        pdf.set_font(FONT, "", 10.5)
        pdf.cell(label_width, height, self.fill(label), new_x=XPos.RIGHT, new_y=YPos.TOP)
        x0 = pdf.l_margin + label_width
        pdf.line(x0, y + height - 1.5, pdf.l_margin + self.width, y + height - 1.5)
        pdf.set_xy(pdf.l_margin, y + height)

    def write_line(self, height: float = 7.5) -> None:
        pdf = self.pdf
        self.need(height)
        y = pdf.get_y() + height - 1.5
        pdf.line(pdf.l_margin, y, pdf.l_margin + self.width, y)
        pdf.set_y(pdf.get_y() + height)

    def checkbox(self, label: str) -> None:
        pdf = self.pdf
        self.need(8)
        y = pdf.get_y()
        pdf.rect(pdf.l_margin + 1, y + 1.6, 4.2, 4.2)
        pdf.set_xy(pdf.l_margin + 8, y)
        pdf.set_font(FONT, "", 10.5)
        pdf.multi_cell(self.width - 8, 7.5, self.fill(label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bullet(self, text: str) -> None:
        pdf = self.pdf
        self.need(7)
        pdf.set_font(FONT, "", 10.5)
        pdf.cell(6, 5.5, _latin("•"), new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.multi_cell(self.width - 6, 5.5, self.fill(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def signature(self, label: str) -> None:
        pdf = self.pdf
        self.need(22)
        pdf.ln(7)
        y = pdf.get_y()
        date_w = 45.0
        gap = 8.0
        pdf.line(pdf.l_margin, y, pdf.l_margin + date_w, y)
        pdf.line(pdf.l_margin + date_w + gap, y, pdf.l_margin + self.width, y)
        pdf.set_font(FONT, "", 9)
        pdf.set_xy(pdf.l_margin, y + 0.8)
        pdf.cell(date_w, 4.5, "Dato", new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.set_x(pdf.l_margin + date_w + gap)
        pdf.cell(
            self.width - date_w - gap,
            4.5,
            self.fill(f"Underskrift – {label}"),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.ln(2)

    def section(self, section: PdfSection) -> None:
        self.heading(section.overskrift)
        if section.tekst:
            self.paragraph(section.tekst, gap=1)
        for label in section.felter:
            self.field(label)
        for label in section.afkrydsning:
            self.checkbox(label)
        for _ in range(section.skrivelinjer):
            self.write_line()
        for item in section.punkter:
            self.bullet(item)
        for label in section.underskrifter:
            self.signature(label)
        if section.note:
            self.pdf.ln(1)
            self.paragraph(section.note, size=9.5, style="I", gap=1)
        self.pdf.ln(2)


def render_pdf(texts: PdfTexts, variables: Mapping[str, str], *, created: datetime) -> bytes:
    """The form as PDF bytes. ``variables`` fill {kontor}, {adresse}, {telefon}."""
    pdf = _FormPdf(format="A4", unit="mm")
    pdf.core_fonts_encoding = ENCODING
    layout = _Layout(pdf, variables)
    pdf.footer_text = layout.fill(texts.sidefod or "")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.alias_nb_pages()
    title = layout.fill(texts.titel)
    pdf.set_title(title)
    pdf.set_subject(title)
    pdf.set_author(layout.fill(texts.undertitel or texts.titel))
    pdf.set_creator("Borgerrådgiver-assistenten")
    pdf.set_lang("da")
    if created.tzinfo is None:
        created = created.replace(tzinfo=timezone.utc)
    pdf.set_creation_date(created)
    pdf.add_page()

    layout.paragraph(texts.titel, size=19, style="B", gap=1)
    if texts.undertitel:
        layout.paragraph(texts.undertitel, size=12, gap=4)
    if texts.indledning:
        layout.paragraph(texts.indledning, size=10.5, gap=3)
    for section in texts.sektioner:
        layout.section(section)
    return bytes(pdf.output())
