"""The closing tally: one anonymous row per closed case, for the annual report.

A closed case is deleted ``case_retention_days`` after closing, but the § 6 report
(vedtægten: a yearly account to the byråd, presented in the first quarter of the
next year) still needs to count it. So closing a case also writes its number,
outcome code, tags and closing time here: no transcript, no summary, no contact
data. Reopening the case removes the row again; the retention purge leaves it.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, String

from bot.infra.db import Base


class CaseClosing(Base):  # type: ignore[valid-type,misc]
    __tablename__ = "case_closing"

    id = Column(Integer, primary_key=True)
    case_number = Column(String(20), nullable=False, unique=True)
    outcome = Column(String(100), nullable=False, index=True)
    tags = Column(String(500), nullable=False, default="")
    closed_at = Column(DateTime, nullable=False, index=True)  # naive UTC
