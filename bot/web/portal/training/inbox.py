"""The training inbox: new conversations are read in when the page opens; messages by
predicted intent with counts and the context turn; the trainer picks the right intent
(or "uden for emnet" / "ignorer"), and a reviewed conversation becomes a test story."""

from __future__ import annotations

import logging
from typing import List
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.privacy import redact
from bot.features.staff.sessions import SessionUser
from bot.features.training import examples, inbox, pii
from bot.features.training.audit import STORY_SAVED, audit
from bot.features.training.editor import EditRefused
from bot.features.training.gitrepo import GitError
from bot.features.training.office_nlu import ExampleRefused
from bot.features.training.tables import InboxItem
from bot.web.portal.deps import CSRF, DB, USER, PortalRoute, require
from bot.web.portal.training.deps import TRAINING, TRAINING_ROLES
from bot.web.portal.training.views import render
from bot.web.training.context import TrainingWeb

log = logging.getLogger(__name__)

router = APIRouter(
    prefix="/indbakke", route_class=PortalRoute, dependencies=[Depends(require(*TRAINING_ROLES))]
)


def _page(request: Request, session: Session, training: TrainingWeb, *, message: str = "",
          error: str = "", status: int = 200) -> Response:
    try:
        inbox.scan(session, training.tracker(), training.scan_config(), training.clock.now())
    except Exception as exc:  # noqa: BLE001 - the inbox still shows what it has
        log.error("inbox: the tracker store could not be read (%s)", type(exc).__name__)
        error = error or "Nye samtaler kunne ikke læses lige nu; indbakken viser det, den har."
    context = {
        "groups": inbox.groups(session),
        "intents": training.office_nlu().intents(),
        "out_of_scope": examples.OUT_OF_SCOPE,
        "ignore": examples.IGNORE,
        "message": message,
        "error": error,
    }
    return render(request, "inbox.html", context, status=status)


@router.get("")
def inbox_page(request: Request, session: Session = DB,
               training: TrainingWeb = TRAINING) -> Response:
    return _page(request, session, training)


def _ids(raw: str) -> List[int]:
    return [int(x) for x in raw.split(",") if x.strip().isdigit()]


@router.post("/afgoer", dependencies=[CSRF])
def decide(
    request: Request,
    ids: str = Form(""),
    valg: str = Form(""),
    tekst: str = Form(""),
    session: Session = DB,
    user: SessionUser = USER,
    training: TrainingWeb = TRAINING,
) -> Response:
    try:
        done = examples.resolve(
            session, _ids(ids), valg.strip(), actor=user.actor, now=training.clock.now(),
            nlu=training.office_nlu(), repo=training.repo, names=training.names,
            text=tekst if tekst.strip() else None,
        )
    except (ExampleRefused, GitError) as exc:
        session.rollback()
        return _page(request, session, training, error=str(exc), status=400)
    if done.status == "ignoreret":
        message = f"{done.items} besked(er) ignoreret."
    else:
        message = (f"Gemt som eksempel på '{done.intent}' i {done.file}. Træn en ny model, "
                   "så assistenten lærer det.")
    return _page(request, session, training, message=message)


def _story_yaml(training: TrainingWeb, sender_id: str) -> str:
    settings = training.settings
    params = {"token": settings.rasa_token} if settings.rasa_token else None
    url = f"{settings.rasa_url}/conversations/{quote(sender_id, safe='')}/story"
    response = httpx.get(url, params=params, timeout=30, trust_env=False)
    response.raise_for_status()
    return response.text


@router.post("/testhistorie", dependencies=[CSRF])
def save_story(
    request: Request,
    ids: str = Form(""),
    session: Session = DB,
    user: SessionUser = USER,
    training: TrainingWeb = TRAINING,
) -> Response:
    item = session.execute(
        select(InboxItem).where(InboxItem.id.in_(_ids(ids)))
    ).scalars().first()
    if item is None or not item.sender_id:
        return _page(request, session, training, status=404,
                     error="Samtalen findes ikke længere (den er slettet).")
    origin = f"samtale {item.conversation_key[:10]}, {item.message_at:%d.%m.%Y}"
    try:
        story = _story_yaml(training, item.sender_id)
        commit = training.get_editor().save_test_story(
            story, name=f"samtale {item.message_at:%Y-%m-%d} {item.conversation_key[:8]}",
            origin=origin, author=user.username,
            mask=lambda text: pii.mask(redact(text), training.names),
        )
    except httpx.HTTPError as exc:
        log.error("inbox: Rasa's story of a conversation could not be read (%s)",
                  type(exc).__name__)
        return _page(request, session, training, status=502,
                     error="Samtalen kunne ikke hentes fra assistenten. Prøv igen senere.")
    except EditRefused as exc:
        return _page(request, session, training, error=str(exc), status=400)
    audit(session, user.actor, STORY_SAVED, now=training.clock.now(), target=commit.short,
          detail=commit.files[0] if commit.files else None)
    return _page(request, session, training,
                 message=f"Samtalen er gemt som testhistorie ({', '.join(commit.files)}).")
