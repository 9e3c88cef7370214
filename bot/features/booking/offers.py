"""The times just offered as buttons, and an answer that picks one of them in words.

"ja den tager jeg" (one time offered), "den sidste", "den anden", "14 er bedst for mig"
(one offered time at 14) choose an offered time as a press on its button would.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Dict, Iterable, List, Sequence

from bot.language.answers import yes_no
from bot.language.fold import fold
from bot.language.timewish import parse_wish

_ORDINALS = {
    "første": 0, "forste": 0, "1.": 0, "1": 0, "anden": 1, "andet": 1, "2.": 1, "2": 1,
    "tredje": 2, "3.": 2, "3": 2, "fjerde": 3, "4.": 3, "femte": 4, "5.": 4,
}  # fmt: skip
_ORDINAL = re.compile(
    r"\b(?:den|det|nr\.?|nummer)\s+(første|forste|anden|andet|tredje|fjerde|femte|sidste|[1-5]\.?)"
    r"(?=\W|$)"
)
_TAKE_IT = re.compile(
    r"\b(den|det|dén|dét)\s+(tager|tar|vil|passer|er fin|er god|lyder godt|går)\b|"
    r"\b(den|det) (er )?(fin|god|perfekt)\b|\bden vil jeg gerne ha\w*\b"
)
_HOUR = re.compile(r"(?<![\d.:/])(?:kl\.?\s*)?(8|9|1[0-7])(?:[.:](00|15|30|45))?(?![\d.:/])")


def offered_keys(events: Iterable[Dict[str, Any]]) -> List[str]:
    """The slot keys of the times offered since the citizen's message before the latest."""
    answers = 0
    for event in reversed(list(events)):
        if event.get("event") == "user":
            answers += 1
            if answers > 1:  # offers older than the last turn are not what "den første" means
                return []
        if event.get("event") != "bot":
            continue
        buttons = (event.get("data") or {}).get("buttons") or []
        keys = [k for k in (_key(b.get("payload", "")) for b in buttons) if k]
        if keys:
            return keys
    return []


def _key(payload: str) -> str | None:
    if not payload.startswith("/inform{"):
        return None
    try:
        value = json.loads(payload[len("/inform") :]).get("slot_start")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def pick_offered(text: str, offered: Sequence[datetime], now: datetime) -> datetime | None:
    """The offered time the answer names by position, by "den tager jeg" or by its hour."""
    if not offered:
        return None
    low = fold(text or "").lower().strip()
    ordinal = _ORDINAL.search(low)
    if ordinal:
        word = ordinal.group(1)
        index = len(offered) - 1 if word == "sidste" else _ORDINALS[word]
        return offered[index] if index < len(offered) else None
    wish = parse_wish(text, now)
    names_a_day = wish.date_from is not None or bool(wish.weekdays)
    takes_it = bool(_TAKE_IT.search(low)) or yes_no(low) is True
    if len(offered) == 1 and takes_it and not names_a_day and "ikke" not in low.split():
        return offered[0]
    hours = {(int(m.group(1)), int(m.group(2) or 0)) for m in _HOUR.finditer(low)}
    if len(hours) == 1 and "ikke" not in low.split():
        ((hour, minute),) = hours
        same = [t for t in offered if (t.hour, t.minute) == (hour, minute)]
        if names_a_day:  # "tirsdag kl 10": only an offered time on that day
            same = [t for t in same if _on_day(t, wish)]
        if len(same) == 1:
            return same[0]
    return None


def _on_day(t: datetime, wish: Any) -> bool:
    if wish.weekdays:  # "onsdag": the offered Wednesday, whichever week it is in
        return t.weekday() in wish.weekdays
    if wish.date_from is not None and wish.date_to is not None:
        return bool(wish.date_from <= t.date() <= wish.date_to)
    if wish.date_from is not None:
        return bool(t.date() == wish.date_from)
    return True
