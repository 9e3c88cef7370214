"""Check every office-editable data file at startup.

`borger run` (and the tests) call ``check_all``: a mistake in a data file stops
the start with a Danish message that names the file, instead of surfacing as
a broken answer in a conversation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

from bot.features.booking.office import load_booking_file
from bot.features.cases.content import load_cases
from bot.features.competence.content import load_competence
from bot.features.competence.deadline import load_rule as load_deadline_rule
from bot.features.competence.fallback import load_fallback
from bot.features.contact import load_contact
from bot.features.explain.glossary import load_glossary
from bot.features.explain.laws import load_lawbook
from bot.features.fuldmagt.service import load_texts as load_fuldmagt_texts
from bot.features.handover.content import load_handover
from bot.features.live.content import load_live
from bot.features.training.feedback import load_texts as load_feedback_texts
from bot.web.texts import load_web_texts


class DataFileError(Exception):
    """One or more data files are invalid; the message lists them in Danish."""


def loaders(content_dir: Path) -> Dict[str, Callable[[], Any]]:
    contact = content_dir / "contact.yml"
    return {
        "contact.yml": lambda: load_contact(contact),
        "competence.yml": lambda: load_competence(content_dir / "competence.yml"),
        "complaint_deadline.yml": lambda: load_deadline_rule(
            content_dir / "complaint_deadline.yml"
        ),
        "fallback.yml": lambda: load_fallback(content_dir / "fallback.yml"),
        "glossary.yml": lambda: load_glossary(content_dir / "glossary.yml"),
        "laws.yml": lambda: load_lawbook(content_dir / "laws.yml"),
        "fuldmagt.yml": lambda: load_fuldmagt_texts(content_dir / "fuldmagt.yml"),
        "booking.yml": lambda: load_booking_file(content_dir / "booking.yml", contact),
        "web.yml": lambda: load_web_texts(content_dir / "web.yml"),
        "cases.yml": lambda: load_cases(content_dir / "cases.yml"),
        "feedback.yml": lambda: load_feedback_texts(content_dir / "feedback.yml"),
        "handover.yml": lambda: load_handover(content_dir / "handover.yml"),
        "live.yml": lambda: load_live(content_dir / "live.yml"),
    }


def check_all(content_dir: Path) -> List[str]:
    """Load every data file; return their names, or raise ``DataFileError``."""
    problems: List[Tuple[str, str]] = []
    for name, load in loaders(content_dir).items():
        try:
            load()
        except Exception as exc:  # noqa: BLE001 - every kind of mistake is reported
            problems.append((name, str(exc)))
    if problems:
        lines = [f"- content/{name}: {message}" for name, message in problems]
        raise DataFileError("Der er fejl i disse datafiler:\n" + "\n".join(lines))
    return list(loaders(content_dir))
