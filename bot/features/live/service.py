"""The live reply's rules (see the package docstring).

A caseworker may start only while the case is open (not closed), the office is open
and the citizen's page asked for news within ``tilstede_sekunder``; one live chat per
conversation at a time. Starting pauses the assistant first (``Pauser``), giving back
resumes it first: if Rasa cannot be reached, nothing changes and the caseworker is told
in Danish. A live chat nobody has written in for ``pause_minutter`` ends by itself at
the citizen's next message (the caller resumes the assistant). Every start, message and
end is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, List, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.core.privacy import redact
from bot.features.audit import log as audit
from bot.features.cases.casework import CaseError, find_case
from bot.features.cases.tables import CLOSED, Case
from bot.features.live.content import LiveTexts
from bot.features.live.tables import CITIZEN, STAFF, SYSTEM, ChatPresence, LiveChat, LiveMessage

MAX_MESSAGE_CHARS = 4000

# (conversation id, paused): Rasa's ``pause`` / ``resume`` event on the conversation.
Pauser = Callable[[str, bool], None]


class PauseFailed(Exception):
    """The assistant could not be paused or resumed (Rasa unreachable)."""


def _utc(now: datetime) -> datetime:
    return now.astimezone(timezone.utc).replace(tzinfo=None) if now.tzinfo else now


def _aware(value: datetime, tz: str) -> datetime:
    return value.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(tz))


@dataclass(frozen=True)
class LiveLine:
    id: int
    sender: str  # STAFF | CITIZEN | SYSTEM
    text: str
    at: datetime  # aware, in the office's zone


@dataclass(frozen=True)
class LiveView:
    """The case page's live panel."""

    active: bool
    present: bool
    may_start: bool
    why_not: str  # Danish, when it may not start ("" otherwise)
    lines: List[LiveLine]


@dataclass(frozen=True)
class Poll:
    """What the citizen's page gets: whether a person is writing, whether to keep
    asking (the conversation is an open case), and the new messages for it."""

    active: bool
    watch: bool
    lines: List[LiveLine]


def _open_case_of(session: Session, conversation_id: str) -> Case | None:
    return (
        session.execute(
            select(Case)
            .where(Case.conversation_id == conversation_id, Case.status != CLOSED)
            .order_by(Case.id.desc())
        )
        .scalars()
        .first()
    )


def is_open_case(session: Session, conversation_id: str) -> bool:
    return _open_case_of(session, conversation_id) is not None


def _active(session: Session, conversation_id: str) -> LiveChat | None:
    return (
        session.execute(
            select(LiveChat)
            .where(LiveChat.conversation_id == conversation_id, LiveChat.ended_at.is_(None))
            .order_by(LiveChat.id.desc())
        )
        .scalars()
        .first()
    )


def _lines(session: Session, live_ids: Sequence[int], after: int, tz: str) -> List[LiveLine]:
    if not live_ids:
        return []
    rows = session.execute(
        select(LiveMessage)
        .where(LiveMessage.live_id.in_(live_ids), LiveMessage.id > after)
        .order_by(LiveMessage.id)
    ).scalars()
    return [LiveLine(m.id, m.sender, m.text, _aware(m.created_at, tz)) for m in rows]


def _say(session: Session, chat: LiveChat, sender: str, text: str, now: datetime,
         author_id: int | None = None) -> None:  # fmt: skip
    session.add(LiveMessage(live_id=chat.id, sender=sender, author_id=author_id, text=text,
                            created_at=_utc(now)))  # fmt: skip
    chat.last_at = _utc(now)
    session.flush()


def _present(session: Session, conversation_id: str, now: datetime, texts: LiveTexts) -> bool:
    seen = session.get(ChatPresence, conversation_id)
    return seen is not None and _utc(now) - seen.seen_at <= timedelta(
        seconds=texts.tilstede_sekunder
    )


# ---------------------------------------------------------------- the citizen's page


def poll(
    session: Session, conversation_id: str, *, after: int, now: datetime, tz: str
) -> Poll:
    """The citizen's page asks for news; marks the citizen as present when the
    conversation is an open case (nothing is stored for any other conversation)."""
    case = _open_case_of(session, conversation_id)
    if case is None:
        return Poll(active=False, watch=False, lines=[])
    seen = session.get(ChatPresence, conversation_id)
    if seen is None:
        session.add(ChatPresence(conversation_id=conversation_id, seen_at=_utc(now)))
    else:
        seen.seen_at = _utc(now)
    chats = session.execute(
        select(LiveChat.id).where(LiveChat.conversation_id == conversation_id)
    ).scalars()
    lines = [
        line for line in _lines(session, list(chats), max(after, 0), tz) if line.sender != CITIZEN
    ]
    return Poll(active=_active(session, conversation_id) is not None, watch=True, lines=lines)


def citizen_wrote(
    session: Session, conversation_id: str, text: str, *, now: datetime, texts: LiveTexts
) -> str:
    """Where the citizen's message goes: ``"person"`` (stored for the caseworker),
    ``"resume"`` (the live chat had gone quiet and has ended: resume the assistant,
    then send it on), or ``"assistant"``."""
    chat = _active(session, conversation_id)
    if chat is None:
        return "assistant"
    if _utc(now) - chat.last_at > timedelta(minutes=texts.pause_minutter):
        _say(session, chat, SYSTEM, texts.afsluttet, now)
        chat.ended_at = _utc(now)
        audit.record(session, audit.Actor.system(), audit.LIVE_END, now=now,
                     case=session.get(Case, chat.case_id).number, detail="ingen skrev")  # fmt: skip
        return "resume"
    _say(session, chat, CITIZEN, redact(text)[:MAX_MESSAGE_CHARS], now)
    return "person"


def forget_presence(session: Session, conversation_id: str) -> int:
    """"Slet min samtale": the page's last visit goes (the case keeps its live chat)."""
    done = session.execute(
        delete(ChatPresence).where(ChatPresence.conversation_id == conversation_id)
    )
    return int(done.rowcount or 0)


def purge_presence(session: Session, *, now: datetime, older_than_hours: int = 24) -> int:
    cutoff = _utc(now) - timedelta(hours=older_than_hours)
    done = session.execute(delete(ChatPresence).where(ChatPresence.seen_at < cutoff))
    return int(done.rowcount or 0)


# ---------------------------------------------------------------- the caseworker


def view(
    session: Session, number: str, *, now: datetime, office_open: bool, texts: LiveTexts,
    tz: str, after: int = 0,
) -> LiveView:  # fmt: skip
    case = find_case(session, number)
    chat = _active(session, case.conversation_id)
    present = _present(session, case.conversation_id, now, texts)
    chats = session.execute(select(LiveChat.id).where(LiveChat.case_id == case.id)).scalars()
    lines = _lines(session, list(chats), after, tz)
    why_not = ""
    if chat is None:
        if case.status == CLOSED:
            why_not = "Sagen er afsluttet."
        elif not office_open:
            why_not = "Det kan kun lade sig gøre i åbningstiden."
        elif not present:
            why_not = "Borgeren er ikke på chatsiden lige nu."
    return LiveView(chat is not None, present, chat is None and not why_not, why_not, lines)


def start(
    session: Session, number: str, *, actor: audit.Actor, now: datetime, office_open: bool,
    texts: LiveTexts, pause: Pauser, tz: str,
) -> None:  # fmt: skip
    """Take the conversation over: pause the assistant, tell the citizen."""
    case = find_case(session, number)
    shown = view(session, number, now=now, office_open=office_open, texts=texts, tz=tz)
    if shown.active:
        return  # already taken over (by this or another caseworker): nothing to do
    if not shown.may_start:
        raise CaseError(shown.why_not)
    try:
        pause(case.conversation_id, True)
    except PauseFailed as exc:
        raise CaseError(
            "Den digitale assistent kunne ikke sættes på pause, så du kan ikke skrive i "
            "chatten lige nu. Prøv igen om lidt."
        ) from exc
    chat = LiveChat(
        case_id=case.id,
        conversation_id=case.conversation_id,
        started_by=actor.user_id or 0,
        started_at=_utc(now),
        last_at=_utc(now),
    )
    session.add(chat)
    session.flush()
    _say(session, chat, SYSTEM, texts.startet, now)
    audit.record(session, actor, audit.LIVE_START, now=now, case=case.number)


def write(session: Session, number: str, text: str, *, actor: audit.Actor, now: datetime) -> None:
    """The caseworker's message to the citizen (CPR numbers masked)."""
    message = (text or "").replace("\r\n", "\n").strip()
    if not message:
        raise CaseError("Beskeden er tom.")
    if len(message) > MAX_MESSAGE_CHARS:
        raise CaseError(f"Beskeden må højst have {MAX_MESSAGE_CHARS} tegn.")
    case = find_case(session, number)
    chat = _active(session, case.conversation_id)
    if chat is None or chat.case_id != case.id:
        raise CaseError("Du skriver ikke med borgeren lige nu. Start samtalen først.")
    _say(session, chat, STAFF, redact(message), now, author_id=actor.user_id)
    audit.record(session, actor, audit.LIVE_MESSAGE, now=now, case=case.number)


def give_back(
    session: Session, number: str, *, actor: audit.Actor, now: datetime, texts: LiveTexts,
    pause: Pauser,
) -> None:  # fmt: skip
    """"Giv tilbage til robotten": resume the assistant, tell the citizen."""
    case = find_case(session, number)
    chat = _active(session, case.conversation_id)
    if chat is None:
        return  # already given back
    try:
        pause(case.conversation_id, False)
    except PauseFailed as exc:
        raise CaseError(
            "Den digitale assistent kunne ikke startes igen. Samtalen er stadig din; prøv "
            "igen om lidt."
        ) from exc
    _say(session, chat, SYSTEM, texts.afsluttet, now)
    chat.ended_at = _utc(now)
    audit.record(session, actor, audit.LIVE_END, now=now, case=case.number)
