"""Hold a written conversation against the running stack and check what the citizen reads.

A transcript file (``tests/transcripts/*.yml``) lists conversations. Each has a
Danish ``summary`` (what the assistant promises, for the office to read) and
``turns``. A turn is what the citizen does — ``user:`` types a text, ``click:``
presses a button offered in the previous turn (by a pattern of its title) — and
what must be true of the reply (``expect``):

- ``says``: patterns that must each match somewhere in the turn's texts;
- ``not_says``: patterns that must not match;
- ``asks``: a pattern the last message of the turn must match;
- ``messages`` / ``max_messages``: the number of messages in the turn;
- ``buttons``: patterns that must each match a button title; ``not_buttons``: patterns
  no button title may match; ``no_buttons: true``;
- ``errors_ok: true``: the citizen caused an error message (a bad address) here;
- ``capture: {name: pattern}``: remember the pattern's first group (a booking
  number) so a later turn can write ``{name}``, in its text and in its patterns.

A conversation with ``needs: <condition>`` (e.g. ``kontor_lukket``) is held only by the
test that sets the condition up (tests/integration/test_handover.py), not with the rest.

Whatever a turn expects, every turn is also checked for the things a citizen must
never meet: an error message the citizen did not cause (the texts of the error
responses in the domain), more than one question, English in a Danish
conversation (unless ``english: true``), and an empty reply.

Patterns are regular expressions, case-insensitive. ``{dato:+N}`` in a pattern is
the Danish date N days from today ("8. december"), ``{dato:-N}`` N days ago.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

import httpx
import yaml

from bot.core.settings import ROOT, get_settings

TRANSCRIPTS = Path(__file__).resolve().parent
DOMAIN = ROOT / "domain.yml"
MONTHS = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]
# Responses that tell the citizen something went wrong or was not understood.
ERROR_RESPONSES = (
    "utter_booking_topic_too_short",
    "utter_booking_meeting_type_invalid",
    "utter_booking_wish_not_understood",
    "utter_booking_name_invalid",
    "utter_booking_contact_invalid",
    "utter_booking_phone_needed",
    "utter_booking_reference_invalid",
    "utter_booking_confirm_unclear",
    "utter_booking_error",
    "utter_fuldmagt_invalid_email",
    "utter_fuldmagt_confirm_unclear",
    "utter_fuldmagt_error",
    "utter_fallback_rephrase",
    "utter_fallback_human",
    "utter_default",
    "utter_competence_no_question",
    "utter_handover_consent_unclear",
    "utter_handover_matter_too_short",
    "utter_handover_contact_invalid",
    "utter_handover_when_unclear",
    "utter_handover_error",
    "utter_handover_addition_empty",
)
ENGLISH = re.compile(r"\b(the|and|you|your|please|can|meeting|help|with|what)\b", re.I)


@dataclass
class Turn:
    user: str | None
    click: str | None
    expect: Dict[str, Any]


@dataclass
class Conversation:
    id: str
    summary: str
    turns: List[Turn]
    english: bool = False
    file: str = ""
    needs: str | None = None  # a condition a dedicated test sets up (see the docstring)


@dataclass
class Reply:
    texts: List[str]
    buttons: List[Dict[str, str]] = field(default_factory=list)

    @property
    def joined(self) -> str:
        return "\n".join(self.texts)


def load_conversations() -> List[Conversation]:
    out: List[Conversation] = []
    for path in sorted(TRANSCRIPTS.glob("*.yml")):
        if path.name == "phrasings.yml":
            continue
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for c in raw.get("conversations", []):
            turns = [
                Turn(user=t.get("user"), click=t.get("click"), expect=t.get("expect") or {})
                for t in c["turns"]
            ]
            out.append(
                Conversation(
                    id=c["id"],
                    summary=str(c.get("summary", "")).strip(),
                    turns=turns,
                    english=bool(c.get("english")),
                    needs=c.get("needs"),
                    file=path.name,
                )
            )
    return out


def _template_to_pattern(text: str) -> str:
    parts = re.split(r"(\{[^}]*\})", text.strip())
    return "".join(".*?" if p.startswith("{") else re.escape(p) for p in parts if p)


def error_patterns() -> List[re.Pattern[str]]:
    """The texts of the error responses, as patterns (placeholders match anything)."""
    pats: List[re.Pattern[str]] = []
    raw = yaml.safe_load(DOMAIN.read_text(encoding="utf-8")) or {}
    for name, variants in (raw.get("responses") or {}).items():
        if name in ERROR_RESPONSES:
            for v in variants:
                first = str(v.get("text", "")).split("\n")[0][:60]
                pats.append(re.compile(_template_to_pattern(first), re.S))
    return pats


def render(pattern: str, today: date) -> str:
    def date_of(m: re.Match[str]) -> str:
        d = today + timedelta(days=int(m.group(1)))
        return f"{d.day}\\. {MONTHS[d.month - 1]}"

    return re.sub(r"\{dato:([+-]\d+)\}", date_of, pattern)


def questions(texts: List[str]) -> List[str]:
    """Sentences that ask the citizen something (quoted examples do not count)."""
    found: List[str] = []
    for text in texts:
        unquoted = re.sub(r"[\"“”„«][^\"“”„«»]*[\"“”»]", "", text)
        for m in re.finditer(r"[^.!?\n]*\?", unquoted):
            sentence = m.group(0).strip()
            if not sentence:
                continue
            if re.match(r"\s*Så\b", unquoted[m.end() :]):
                continue  # "Har du spørgsmål? Så ring ..." is a condition, not a question
            if found and re.match(r"(eller|or)\b", sentence, re.I):
                found[-1] += " " + sentence  # "Er du uenig ...? Eller ...?" is one question
            else:
                found.append(sentence)
    return found


class Chat:
    """One citizen on the chat page: the web app's /api/chat, as the page uses it."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.sender = uuid.uuid4().hex
        self.log: List[str] = []
        self.last = Reply(texts=[])

    def send(self, text: str) -> Reply:
        resp = httpx.post(
            f"{self.base_url}/api/chat",
            json={"sender": self.sender, "message": text},
            timeout=60,
        )
        assert resp.status_code == 200, f"{resp.status_code}: {resp.text}"
        messages = resp.json()["messages"]
        reply = Reply(
            texts=[m.get("text") or "" for m in messages],
            buttons=[b for m in messages for b in m.get("buttons") or []],
        )
        self.log.append(f">> {text}")
        self.log += [f"  bot: {t}" for t in reply.texts]
        if reply.buttons:
            self.log.append("  BUTTONS=" + ", ".join(b["title"] for b in reply.buttons))
        self.last = reply
        return reply

    def click(self, title_pattern: str) -> Reply:
        for b in self.last.buttons:
            if re.search(title_pattern, b["title"], re.I):
                self.log.append(f"[klik: {b['title']}]")
                return self.send(b["payload"])
        raise AssertionError(f"no button matching {title_pattern!r}\n" + self.transcript())

    def transcript(self) -> str:
        return "\n".join(self.log)


def check_turn(
    chat: Chat,
    turn: Turn,
    reply: Reply,
    conv: Conversation,
    errors: List[re.Pattern[str]],
    today: date,
) -> None:
    exp = turn.expect
    where = f"\n--- {conv.file}: {conv.id}\n{chat.transcript()}"
    text = reply.joined
    assert reply.texts and any(t.strip() for t in reply.texts), "empty reply" + where
    for pat in exp.get("says", []):
        assert re.search(render(pat, today), text, re.I | re.S), f"missing {pat!r}" + where
    for pat in exp.get("not_says", []):
        assert not re.search(render(pat, today), text, re.I | re.S), f"unwanted {pat!r}" + where
    if "asks" in exp:
        assert re.search(render(exp["asks"], today), reply.texts[-1], re.I | re.S), (
            f"last message does not ask {exp['asks']!r}" + where
        )
    if "messages" in exp:
        assert len(reply.texts) == exp["messages"], f"{len(reply.texts)} messages" + where
    if "max_messages" in exp:
        assert len(reply.texts) <= exp["max_messages"], f"{len(reply.texts)} messages" + where
    titles = [b["title"] for b in reply.buttons]
    for pat in exp.get("buttons", []):
        assert any(re.search(pat, t, re.I) for t in titles), f"no button {pat!r}" + where
    for pat in exp.get("not_buttons", []):
        assert not any(re.search(pat, t, re.I) for t in titles), f"button {pat!r}" + where
    if exp.get("no_buttons"):
        assert not titles, "unexpected buttons" + where
    if not exp.get("errors_ok"):
        for message in reply.texts:
            hit = next((p.pattern for p in errors if p.search(message)), None)
            assert hit is None, f"error message the citizen did not cause: {message!r}" + where
    asked = questions(reply.texts)
    assert len(asked) <= 1, f"more than one question: {asked}" + where
    if not conv.english:
        english = [m for m in reply.texts if len(ENGLISH.findall(m)) >= 3]
        assert not english, f"English in a Danish conversation: {english}" + where


def with_captured(turn: Turn, captured: Dict[str, str]) -> Turn:
    """The turn with ``{name}`` in its patterns replaced by what was captured."""

    def fill(value: Any) -> Any:
        if isinstance(value, str):
            for name, found in captured.items():
                value = value.replace("{" + name + "}", re.escape(found))
            return value
        return [fill(v) for v in value] if isinstance(value, list) else value

    expect = {k: fill(v) for k, v in turn.expect.items() if k != "capture"}
    return Turn(turn.user, turn.click, {**turn.expect, **expect})


def hold(base_url: str, conv: Conversation, today: date) -> Chat:
    """Hold the whole conversation; raise AssertionError with the transcript on a miss."""
    errors = error_patterns()
    chat = Chat(base_url)
    captured: Dict[str, str] = {}
    for turn in conv.turns:
        if turn.click is not None:
            reply = chat.click(turn.click)
        else:
            assert turn.user is not None, f"{conv.id}: a turn needs user or click"
            reply = chat.send(turn.user.format(**captured) if captured else turn.user)
        check_turn(chat, with_captured(turn, captured), reply, conv, errors, today)
        for name, pattern in (turn.expect.get("capture") or {}).items():
            m = re.search(pattern, reply.joined, re.S)
            assert m, f"nothing to capture for {name!r}\n{chat.transcript()}"
            captured[name] = m.group(1)
    return chat


def main(argv: List[str]) -> int:
    """Hold the conversations against a running `make run`: runner.py URL [ID-PATTERN]."""
    base = argv[0] if argv else "http://127.0.0.1:8000"
    wanted = re.compile(argv[1]) if len(argv) > 1 else None
    # The office's day (Europe/Copenhagen by default), as the assistant counts deadlines.
    today = datetime.now(ZoneInfo(get_settings().timezone)).date()
    failed = 0
    for conv in load_conversations():
        if (wanted and not wanted.search(conv.id)) or conv.needs:
            continue
        try:
            chat = hold(base, conv, today)
            print(f"ok    {conv.id}")
            if wanted:
                print(chat.transcript())
        except AssertionError as exc:
            failed += 1
            print(f"FAIL  {conv.id}\n{exc}\n")
    print(f"{failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
