"""From the inbox to training data: the trainer's choice, the example, its provenance.

``resolve`` takes one message (and its equal copies) from the inbox: "ignorer" closes
them; an intent (or "uden for emnet", the out-of-scope intent) writes the text as an
office example (``OfficeNlu``), refused while it holds personal data (``pii``), commits
the file in the deployment's checkout with the trainer as author, and records where it
came from (date and the keyed conversation hash) in ``training_provenance``.

``forget`` runs when a conversation is deleted (retention, or the citizen's own
deletion): its inbox items, feedback and provenance go; each example stays only if it
holds no personal data by today's detection, otherwise it is removed from its file too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, List, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.features.audit import Actor
from bot.features.training import pii
from bot.features.training.audit import EXAMPLE_ADDED, audit
from bot.features.training.gitrepo import GitRepo
from bot.features.training.office_nlu import ExampleRefused, OfficeNlu
from bot.features.training.tables import (
    DONE,
    IGNORED,
    OPEN,
    Feedback,
    InboxItem,
    Provenance,
)

IGNORE = "ignorer"
OUT_OF_SCOPE = "uden_for_emnet"
# The domain's intent for messages outside the assistant's subject.
OUT_OF_SCOPE_INTENT = "chitchat"


@dataclass(frozen=True)
class Resolution:
    status: str
    intent: str | None
    text: str | None
    file: str | None
    items: int
    commit: str | None = None


def _naive(now: datetime) -> datetime:
    return now.astimezone(timezone.utc).replace(tzinfo=None) if now.tzinfo else now


def resolve(
    session: Session,
    item_ids: Sequence[int],
    choice: str,
    *,
    actor: Actor,
    now: datetime,
    nlu: OfficeNlu,
    repo: GitRepo | None,
    names: pii.Names = pii.no_names,
    text: str | None = None,
) -> Resolution:
    """Apply the trainer's choice to open inbox items (see the module docstring)."""
    items = session.execute(
        select(InboxItem).where(InboxItem.id.in_(list(item_ids)), InboxItem.status == OPEN)
    ).scalars().all()
    if not items:
        raise ExampleRefused("Beskeden er allerede afgjort eller findes ikke længere.")
    stamp = _naive(now)
    if choice == IGNORE:
        for item in items:
            item.status, item.decided_by, item.decided_at = IGNORED, actor.username, stamp
        session.flush()
        return Resolution(IGNORED, None, None, None, len(items))

    intent = OUT_OF_SCOPE_INTENT if choice == OUT_OF_SCOPE else choice
    example = text if text is not None else items[0].text
    found = pii.kinds(example, names)
    if found:
        raise ExampleRefused(pii.refusal(found))
    example = nlu.check(intent, example)
    commit_sha = None
    if repo is not None:
        with repo.locked():
            path = nlu.add(intent, example)
            commit_sha = repo.commit(
                [path],
                f"Træningsindbakke: nyt eksempel til '{intent}' ({path.name})\n\n"
                f"{len(items)} besked(er) fra samtaler; oprindelsen står i training_provenance.",
                actor.username,
            ).sha
    else:
        path = nlu.add(intent, example)
    rel = str(path.relative_to(nlu.ws.root))
    for item in items:
        item.status, item.decided_intent = DONE, intent
        item.decided_by, item.decided_at = actor.username, stamp
        session.add(Provenance(
            file=rel,
            intent=intent,
            example=example,
            conversation_key=item.conversation_key,
            message_at=item.message_at,
            added_at=stamp,
            added_by=actor.username[:100],
        ))
    audit(session, actor, EXAMPLE_ADDED, now=now, target=intent, detail=rel)
    session.flush()
    return Resolution(DONE, intent, example, rel, len(items), commit_sha)


def forget(
    session: Session,
    conversation_keys: Sequence[str],
    *,
    nlu: OfficeNlu,
    repo: GitRepo | None,
    names: pii.Names = pii.no_names,
) -> int:
    """A deleted conversation's inbox items, feedback and provenance go (see the module
    docstring); the number of rows removed."""
    keys = list(conversation_keys)
    if not keys:
        return 0
    records = session.execute(
        select(Provenance).where(Provenance.conversation_key.in_(keys))
    ).scalars().all()
    removed_files: List[str] = []
    for record in records:
        if pii.kinds(record.example, names):
            path = nlu.remove(record.intent, record.example)
            if path is not None:
                removed_files.append(str(path))
        session.delete(record)
    removed = len(records)
    for table in (InboxItem, Feedback):
        result = session.execute(delete(table).where(table.conversation_key.in_(keys)))
        removed += int(result.rowcount or 0)
    if removed_files and repo is not None:
        with repo.locked():
            repo.commit(
                removed_files,
                "Eksempler med personoplysninger fjernet, da samtalen blev slettet",
                "system",
            )
    session.flush()
    return removed


def purge(
    session: Session,
    now: datetime,
    retention_days: int,
    *,
    nlu: OfficeNlu | None = None,
    repo: GitRepo | None = None,
    names: Callable[[str], List[pii.Span]] = pii.no_names,
) -> int:
    """The retention purge: everything about conversations older than the retention
    period (their tracker events are deleted at the same age). Rows purged."""
    cutoff = _naive(now) - timedelta(days=retention_days)
    keys = set(session.execute(
        select(Provenance.conversation_key).where(Provenance.message_at < cutoff)
    ).scalars())
    count = 0
    if keys and nlu is not None:
        count += forget(session, sorted(keys), nlu=nlu, repo=repo, names=names)
    elif keys:
        count += int(session.execute(
            delete(Provenance).where(Provenance.message_at < cutoff)
        ).rowcount or 0)
    count += int(session.execute(
        delete(InboxItem).where(InboxItem.message_at < cutoff)
    ).rowcount or 0)
    count += int(session.execute(
        delete(Feedback).where(Feedback.created_at < cutoff)
    ).rowcount or 0)
    return count
