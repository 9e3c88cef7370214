""""Kan jeg nå at klage?": the last day to complain about a decision, worked out.

When a citizen asks about the deadline and says when the decision came ("for 3
uger siden", "i mandags", "den 3. november 2026", "det er 2 måneder siden"), the
answer names the concrete last day and how many days are left, or says that the
deadline has passed and what is still possible. The rule and its sources are in
``content/complaint_deadline.yml`` (the office can edit them); counting follows
``bot.language.deadlines.deadline_end`` (a last day on a weekend or holiday moves on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from pydantic import BaseModel, conint

from bot.core.content import cached
from bot.core.content import load as load_content
from bot.language.deadlines import Deadline, deadline_end, format_date_da, weekday_da
from bot.language.fold import fold
from bot.language.periods import find_periods

_QUESTION = re.compile(
    r"\b(frist\w*|nå at klage|nå det|for sent|hvor lang tid|hvor længe|stadig klage|"
    r"stadig nå|kan jeg (stadig )?klage|hvornår skal (jeg|klagen)|sidste dag|udløb\w*)\b"
)


# "klage til borgerrådgiveren / til jer": not a decision's deadline but § 13's.
_TO_THE_ADVISOR = re.compile(r"\bklage\w*\s+(?:til|hos)\s+(?:borgerrådgiv\w*|jer)\b")


class DeadlineRule(BaseModel):
    """The usual deadline for complaining about a social decision from the kommune."""

    amount: conint(ge=1, le=24)  # type: ignore[valid-type]
    unit: str
    sources: List[str]
    checked: str


def load_rule(path: Path) -> DeadlineRule:
    """Load and validate the file (``ContentError`` in Danish, with the line)."""
    return load_content(path, DeadlineRule.parse_obj)


def cached_rule(path: Path) -> DeadlineRule:
    """The newest good version; an edit shows up in the next answer."""
    return cached(path, DeadlineRule.parse_obj)


@dataclass(frozen=True)
class DeadlineAnswer:
    received: date
    last_day: date
    days_left: int  # negative when passed
    rule: DeadlineRule
    from_letter: bool = False  # the deadline of the letter explained before

    @property
    def passed(self) -> bool:
        return self.days_left < 0

    def response(self) -> str:
        if self.from_letter:
            return "utter_deadline_letter_passed" if self.passed else "utter_deadline_letter_left"
        if self.days_left < 0:
            return "utter_deadline_passed"
        if self.days_left == 0:
            return "utter_deadline_today"
        return "utter_deadline_left"

    def messages(self) -> List[Tuple[str, Dict[str, str]]]:
        """The responses that answer the question, with their variables."""
        plan = [(self.response(), self.variables())]
        if self.passed and not self.from_letter:
            plan.append(("utter_deadline_passed_options", {}))
        return plan

    def variables(self) -> Dict[str, str]:
        unit = {"uger": "uger", "dage": "dage", "måneder": "måneder"}.get(self.rule.unit, "")
        return {
            "frist": f"{self.rule.amount} {unit}".strip(),
            "modtaget": format_date_da(self.received),
            "sidste_dag": f"{weekday_da(self.last_day)} den {format_date_da(self.last_day)}",
            "dage": str(abs(self.days_left)),
            "dage_ord": "dag" if abs(self.days_left) == 1 else "dage",
        }


def asks_about_deadline(text: str) -> bool:
    return bool(_QUESTION.search(fold(text).lower()))


def letter_rule(deadlines: Sequence[Deadline], rule: DeadlineRule) -> DeadlineRule | None:
    """The first relative deadline of an explained letter ("14 dage"), as a rule."""
    for d in deadlines:
        if d.kind == "relative" and d.amount and d.unit in ("dage", "uger", "måneder"):
            return DeadlineRule(
                amount=d.amount, unit=d.unit, sources=rule.sources, checked=rule.checked
            )
    return None


def slot_value(rule: DeadlineRule | None) -> str | None:
    """A letter's deadline as the ``letter_deadline`` slot keeps it ("14 dage")."""
    return f"{rule.amount} {rule.unit}" if rule else None


def answer(
    text: str, today: date, rule: DeadlineRule, letter_deadline: str | None = None
) -> DeadlineAnswer | None:
    """The deadline answer for a question that says when the decision came, else None.

    After a letter with its own deadline was explained (``letter_deadline``, "14 dage"),
    "brevet er dateret 24. november, hvornår er fristen?" is counted with that deadline.
    """
    if not asks_about_deadline(text) or _TO_THE_ADVISOR.search(fold(text).lower()):
        return None  # a complaint to the advisor has the vedtægt's 1-year rule (§ 13)
    periods = [p for p in find_periods(text, today) if p.start == p.end]
    if not periods:
        return None
    received = max(p.end for p in periods)
    m = re.fullmatch(r"(\d+) (dage|uger|måneder)", letter_deadline or "")
    if m:
        rule = DeadlineRule(
            amount=int(m.group(1)), unit=m.group(2), sources=rule.sources, checked=rule.checked
        )
    last = deadline_end(received, rule.amount, rule.unit)
    return DeadlineAnswer(received, last, (last - today).days, rule, from_letter=bool(m))
