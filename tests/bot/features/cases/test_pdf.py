"""A case as PDF (bot/features/cases/pdf.py): readable text, masked, audited."""

from __future__ import annotations

import io

from pypdf import PdfReader

from bot.core.settings import ROOT
from bot.features.audit import log as audit
from bot.features.cases import casework, pdf
from bot.features.cases.content import load_cases
from bot.infra.db import session_scope
from tests.casedata import NOW, add_case

CONTENT = load_cases(ROOT / "content" / "cases.yml")


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_export_holds_the_case_in_danish_and_is_audited(session_factory) -> None:  # type: ignore[no-untyped-def]
    actor = audit.Actor(1, "mette")
    long_talk = "\n".join(f"Borger: linje {i} om sagen 🏠 og æøå" for i in range(200))
    with session_scope(session_factory) as s:
        add_case(s, transcript="Borger: mit cpr 010190-1234\n" + long_talk)
        casework.add_note(s, "BR-2026-0001", "Ringede – fik fat i borgeren", actor=actor, now=NOW)
        data = pdf.export(s, "BR-2026-0001", actor=actor, now=NOW, tz="Europe/Copenhagen",
                          content=CONTENT)  # fmt: skip
        trail = [(x.user, x.action, x.case) for x in audit.entries(s)]
    assert data.startswith(b"%PDF")
    text = text_of(data)
    assert "Sag BR-2026-0001" in text and "tavshedspligt (vedtægtens § 19)" in text
    assert "mit cpr [CPR]" in text and "010190" not in text
    assert "linje 199 om sagen ? og æøå" in text  # the emoji is outside the PDF font
    assert "Ringede – fik fat i borgeren" in text
    assert "Emne:" in text and "boligstøtte" in text
    assert "Udskrevet 01.12.2026 10:00 af mette" in text
    assert len(PdfReader(io.BytesIO(data)).pages) > 2
    assert trail[-1] == ("mette", "sag-eksporteret", "BR-2026-0001")
