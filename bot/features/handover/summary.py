"""The structured summary of a handed-over conversation (``Case.summary_json``).

Built from plain values: the conversation's lines (``conversation.lines_from_events``),
the competence check's route (slot ``route``), the matter the citizen wrote in the
hand-over, the deadline of an explained letter (slot ``letter_deadline``), the
contact wish and the consent. Every text in it is masked (``bot.core.privacy``).

The JSON (keys in English, values as the citizen wrote them or ISO dates)::

    {"version": 1,
     "topic": "Jeg har ventet 5 måneder på svar fra jobcentret ...",
     "route": {"id": "...", "reason": "...", "statute": "... § 7, stk. 2", "within_remit": true},
     "dates": [{"text": "i marts", "from": "2026-03-01", "to": "2026-03-31"}],
     "deadlines": [{"text": "inden 4 uger", "last_day": "2026-12-29", "counted_from": "modtagelse",
                    "source": "brev"}],
     "complaint_deadline": {"received": "2026-11-10", "last_day": "2026-12-08", "days_left": 7},
     "letters": [{"letter_date": "2026-11-24", "received": null, "chars": 1800, "deadlines": 1}],
     "paragraph_13": {"asked": true, "ended_over_a_year_ago": false},
     "paragraph_14": {"asked": true, "tried_the_administration": true},
     "contact": {"method": "telefon", "value": "12345678", "when": "om formiddagen"},
     "consent": {"version": "2026-12-01#3f2a9c1b", "at": "2026-12-01T09:02:11+00:00",
                 "scope": "samtale,resume,kontakt"}}

``describe(summary)`` gives the same as Danish (label, text) pairs for staff.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Dict, List, Sequence, Tuple

from bot.core.privacy import redact
from bot.features.competence.content import BORGERRAADGIVER, CompetenceData
from bot.features.competence.deadline import DeadlineRule
from bot.features.competence.deadline import answer as deadline_answer
from bot.features.competence.routing import QUESTION_DIALOGUE, QUESTION_ENDED, keyword_hits
from bot.features.handover.consent import Consent
from bot.features.handover.contact import ContactWish
from bot.features.handover.conversation import CITIZEN, Line, citizen_texts
from bot.language.answers import yes_no
from bot.language.deadlines import find_deadlines, find_letter_date, find_receipt_date
from bot.language.fold import fold
from bot.language.periods import find_periods

SUMMARY_VERSION = 1
MAX_TOPIC_CHARS = 300
LETTER_INTENT = "indsat_brev"
# Messages that are no matter of their own ("hej", "kan jeg tale med en person").
NOT_A_MATTER = frozenset({
    "greet", "goodbye", "thanks", "affirm", "deny", "bot_challenge", "request_human",
    "chitchat", "stop", "other_language", "handover_add", "inform", "inform_email",
    "ask_contact", "ask_opening_hours", "ask_who",
})  # fmt: skip
MIN_MATTER_WORDS = 4


@dataclass(frozen=True)
class SummaryInput:
    """What the summary is built from (all plain values)."""

    lines: Sequence[Line]
    today: date
    competence: CompetenceData
    deadline_rule: DeadlineRule
    consent: Consent
    contact: ContactWish
    route: str | None = None
    matter: str | None = None
    letter_deadline: str | None = None


def is_matter(line: Line, data: CompetenceData) -> bool:
    """A message that says something about the citizen's matter.

    A request for a person counts only when it also names the matter in the competence
    check's words ("kan jeg tale med en medarbejder, jeg har fået afslag på ...").
    """
    if line.is_payload or len(line.text.split()) < MIN_MATTER_WORDS:
        return False
    if line.intent not in NOT_A_MATTER:
        return True
    return bool(keyword_hits(line.text, data) or keyword_hits(fold(line.text), data))


def has_matter(lines: Sequence[Line], data: CompetenceData) -> bool:
    """Whether the conversation already says what the matter is."""
    return any(is_matter(line, data) for line in citizen_texts(lines))


def _short(text: str, limit: int = MAX_TOPIC_CHARS) -> str:
    text = re.sub(r"\s+", " ", redact(text)).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def topic(lines: Sequence[Line], matter: str | None, data: CompetenceData) -> str | None:
    if matter:
        return _short(matter)
    first = next((line for line in citizen_texts(lines) if is_matter(line, data)), None)
    return _short(first.text) if first else None


def _route(route: str | None, data: CompetenceData) -> Dict[str, Any] | None:
    spec = data.routes.get(route or "")
    if spec is None:
        return None
    return {
        "id": route,
        "reason": spec.reason,
        "statute": spec.paragraph,
        "within_remit": spec.coarse == BORGERRAADGIVER,
    }


def _day(line: Line, today: date) -> date:
    return line.at.date() if line.at else today


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def dates_and_deadlines(lines: Sequence[Line], today: date) -> Dict[str, List[Dict[str, Any]]]:
    """Dates the citizen mentions, deadlines with their last day, and the letters."""
    dates: List[Dict[str, Any]] = []
    deadlines: List[Dict[str, Any]] = []
    letters: List[Dict[str, Any]] = []
    for line in citizen_texts(lines):
        ref = _day(line, today)
        for p in find_periods(line.text, ref):
            entry = {"text": _short(p.text, 80), "from": _iso(p.start), "to": _iso(p.end)}
            if entry not in dates:
                dates.append(entry)
        letter_date = find_letter_date(line.text, ref)
        received = find_receipt_date(line.text, ref)
        found = find_deadlines(line.text, letter_date, received, ref)
        source = "brev" if line.intent == LETTER_INTENT else "borger"
        for d in found:
            deadlines.append({
                "text": _short(d.text, 120),
                "last_day": _iso(d.date),
                "counted_from": d.base,
                "authority": d.authority,
                "source": source,
            })  # fmt: skip
        if line.intent == LETTER_INTENT:
            letters.append({
                "letter_date": _iso(letter_date),
                "received": _iso(received),
                "chars": len(line.text),
                "deadlines": len(found),
            })  # fmt: skip
    return {"dates": dates, "deadlines": deadlines, "letters": letters}


def complaint_deadline(
    lines: Sequence[Line], today: date, rule: DeadlineRule, letter_deadline: str | None
) -> Dict[str, Any] | None:
    """The last answer to "kan jeg nå at klage?" the conversation allows, worked out."""
    found = None
    for line in citizen_texts(lines):
        got = deadline_answer(line.text, _day(line, today), rule, letter_deadline)
        if got is not None:
            found = got
    if found is None:
        return None
    return {
        "rule": f"{found.rule.amount} {found.rule.unit}",
        "received": _iso(found.received),
        "last_day": _iso(found.last_day),
        "days_left": (found.last_day - today).days,
    }


def answer_to(lines: Sequence[Line], question: str) -> Tuple[bool, bool | None]:
    """(asked, the citizen's yes/no) for one of the competence check's questions."""
    answers = [line for line in lines if line.who == CITIZEN and line.pending == question]
    if not answers:
        return False, None
    line = answers[0]
    if line.intent in ("affirm", "deny"):
        return True, line.intent == "affirm"
    return True, yes_no(line.text)


def build_summary(data: SummaryInput) -> Dict[str, Any]:
    asked_13, ended = answer_to(data.lines, QUESTION_ENDED)
    asked_14, tried = answer_to(data.lines, QUESTION_DIALOGUE)
    contact = data.contact
    return {
        "version": SUMMARY_VERSION,
        "topic": topic(data.lines, data.matter, data.competence),
        "route": _route(data.route, data.competence),
        **dates_and_deadlines(data.lines, data.today),
        "complaint_deadline": complaint_deadline(
            data.lines, data.today, data.deadline_rule, data.letter_deadline
        ),
        "paragraph_13": {"asked": asked_13, "ended_over_a_year_ago": ended},
        "paragraph_14": {"asked": asked_14, "tried_the_administration": tried},
        "contact": {"method": contact.method, "value": contact.value, "when": contact.when},
        "consent": data.consent.as_json(),
    }


def to_json(summary: Dict[str, Any]) -> str:
    return json.dumps(summary, ensure_ascii=False, sort_keys=True)


# --- for staff: the summary in Danish ------------------------------------------------------


def _yes_no_da(value: bool | None) -> str:
    return {True: "ja", False: "nej"}.get(value, "ikke besvaret")  # type: ignore[arg-type]


def _date_da(value: str | None) -> str:
    if not value:
        return "ukendt"
    day = date.fromisoformat(value)
    return f"{day.day}.{day.month}.{day.year}"


def describe(summary: Dict[str, Any]) -> List[Tuple[str, str]]:
    """The summary as Danish (label, text) pairs, in the order staff read them."""
    out: List[Tuple[str, str]] = [("Emne", summary.get("topic") or "Ikke oplyst")]
    route = summary.get("route")
    if route:
        where = "inden for" if route.get("within_remit") else "uden for"
        out.append(("Vurdering", f"{route['reason']} ({where} Borgerrådgivningens område)"))
        out.append(("Grundlag", route.get("statute") or "–"))
    for d in summary.get("deadlines") or []:
        last = _date_da(d.get("last_day")) if d.get("last_day") else "kan ikke regnes ud"
        out.append(("Frist", f'"{d["text"]}": sidste dag {last}'))
    cd = summary.get("complaint_deadline")
    if cd:
        out.append((
            "Klagefrist",
            f"{cd['rule']} fra {_date_da(cd['received'])}: sidste dag {_date_da(cd['last_day'])}",
        ))  # fmt: skip
    for d in summary.get("dates") or []:
        out.append(("Dato nævnt", f'"{d["text"]}" ({_date_da(d["from"])}–{_date_da(d["to"])})'))
    for letter in summary.get("letters") or []:
        dated = _date_da(letter.get("letter_date"))
        out.append(("Brev forklaret", f"dateret {dated}, {letter.get('deadlines', 0)} frist(er)"))
    p13, p14 = summary.get("paragraph_13") or {}, summary.get("paragraph_14") or {}
    if p13.get("asked"):
        ended = _yes_no_da(p13.get("ended_over_a_year_ago"))
        out.append(("§ 13: sluttet for over et år siden", ended))
    if p14.get("asked"):
        tried = _yes_no_da(p14.get("tried_the_administration"))
        out.append(("§ 14: prøvet at løse det med kommunen først", tried))
    contact = summary.get("contact") or {}
    if contact.get("method"):
        when = f", {contact['when']}" if contact.get("when") else ""
        out.append(("Kontakt", f"{contact['method']}: {contact.get('value')}{when}"))
    else:
        out.append(("Kontakt", "Borgeren ringer selv"))
    consent = summary.get("consent") or {}
    if consent:
        at = consent.get("at", "")
        shown = datetime.fromisoformat(at).strftime("%d.%m.%Y %H:%M") + " UTC" if at else "?"
        out.append(("Samtykke", f"version {consent.get('version')}, {shown}"))
    return out
