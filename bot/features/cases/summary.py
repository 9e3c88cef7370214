"""A case's structured summary (``Case.summary_json``) as labelled items for staff.

The hand-over writes the summary (``bot.features.handover.summary``, which also says
in Danish what each part means: ``describe``). A summary that ``describe`` cannot
read (an older or unexpected shape) is still shown, key by key, nested dicts and
lists kept, labelled from content/cases.yml (``resume``). Every text is masked again
(``bot.core.privacy``); the templates escape it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Dict, Tuple

from bot.core.privacy import redact
from bot.features.cases.content import CaseContent
from bot.features.handover.summary import describe

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SummaryItem:
    label: str
    text: str | None = None
    children: Tuple[SummaryItem, ...] = ()


def _item(label: str, value: Any, yes_no: Tuple[str, str], depth: int = 0) -> SummaryItem:
    if isinstance(value, dict) and depth < 4:
        return SummaryItem(label, None, _items(value, None, yes_no, depth + 1))
    if isinstance(value, list) and depth < 4:
        if all(not isinstance(v, (dict, list)) for v in value):
            return SummaryItem(label, ", ".join(_scalar(v, yes_no) for v in value) or "–")
        return SummaryItem(
            label, None, tuple(_item(str(i + 1), v, yes_no, depth + 1) for i, v in enumerate(value))
        )
    return SummaryItem(label, _scalar(value, yes_no))


def _scalar(value: Any, yes_no: Tuple[str, str]) -> str:
    if isinstance(value, bool):
        return yes_no[0] if value else yes_no[1]
    if value is None:
        return "–"
    if isinstance(value, (dict, list)):
        return redact(json.dumps(value, ensure_ascii=False))
    return redact(str(value))


def _items(
    data: Dict[str, Any], labels: CaseContent | None, yes_no: Tuple[str, str], depth: int
) -> Tuple[SummaryItem, ...]:
    def name(key: str) -> str:
        return labels.label(key) if labels is not None else key.replace("_", " ")

    return tuple(_item(name(str(k)), v, yes_no, depth) for k, v in data.items())


def summary_items(summary_json: str, content: CaseContent) -> Tuple[SummaryItem, ...]:
    """The summary as labelled items: ``describe``'s, or key by key."""
    felter = content.pdf.felter
    yes_no = (felter["ja"], felter["nej"])
    try:
        data = json.loads(summary_json or "{}")
    except ValueError:
        log.error("cases: a case summary is not valid JSON")
        return (SummaryItem(content.label("resume"), redact(summary_json or "")),)
    if not isinstance(data, dict):
        return (_item(content.label("resume"), data, yes_no),)
    try:
        return tuple(SummaryItem(label, redact(str(text))) for label, text in describe(data))
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        log.warning("cases: a summary of an unexpected shape is shown key by key")
    return _items(data, content, yes_no, 0)
