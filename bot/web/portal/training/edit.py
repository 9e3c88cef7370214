"""Editing without a developer: response texts (with a preview as the citizen sees it),
content files and stories / rules, one form per item; the history of changes and
revert of one. A refused edit shows the Danish reason and leaves the file as it was."""

from __future__ import annotations

from typing import Any, Dict

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.features.contact import cached_contact
from bot.features.staff.sessions import SessionUser
from bot.features.training.audit import EDIT_REVERTED, EDIT_SAVED, audit
from bot.features.training.editor import EditRefused, Item, preview, variables
from bot.features.training.gitrepo import Commit, GitError
from bot.web.portal.deps import CSRF, DB, USER, PortalRoute, require
from bot.web.portal.training.deps import TRAINING, TRAINING_ROLES
from bot.web.portal.training.views import render
from bot.web.training.context import TrainingWeb

router = APIRouter(route_class=PortalRoute, dependencies=[Depends(require(*TRAINING_ROLES))])

STORY_KINDS = {"historier": "data/stories", "regler": "data/rules"}


def _values(training: TrainingWeb) -> Dict[str, str]:
    contact = cached_contact(training.settings.content_dir / "contact.yml")
    return {k: str(v) for k, v in contact.as_template_vars().items()}


def _not_found(request: Request) -> Response:
    return render(request, "not_found.html", {}, status=404)


def _saved(session: Session, user: SessionUser, training: TrainingWeb, commit: Commit) -> str:
    audit(session, user.actor, EDIT_SAVED, now=training.clock.now(), target=commit.short,
          detail=commit.message.splitlines()[0][:300])
    return f"Gemt ({commit.short}): {commit.message.splitlines()[0]}"


# ------------------------------------------------------------------- responses


@router.get("/tekster")
def responses_page(request: Request, training: TrainingWeb = TRAINING) -> Response:
    responses = training.get_editor().responses()
    return render(request, "responses.html", {"responses": responses})


def _response_form(request: Request, training: TrainingWeb, name: str, *,
                   draft: Dict[int, str] | None = None, message: str = "", error: str = "",
                   status: int = 200) -> Response:
    texts = training.get_editor().responses().get(name)
    if texts is None:
        return _not_found(request)
    shown = {i: (draft or {}).get(i, t) for i, t in enumerate(texts)}
    values = _values(training)
    context: Dict[str, Any] = {
        "name": name,
        "variants": [
            {"index": i, "text": t, "preview": preview(t, values), "variables": variables(t)}
            for i, t in shown.items()
        ],
        "message": message,
        "error": error,
    }
    return render(request, "response.html", context, status=status)


@router.get("/tekster/{name}")
def response_page(request: Request, name: str, training: TrainingWeb = TRAINING) -> Response:
    return _response_form(request, training, name)


@router.post("/tekster/{name}", dependencies=[CSRF])
def save_response(
    request: Request,
    name: str,
    nummer: str = Form("0"),
    tekst: str = Form(""),
    handling: str = Form("gem"),
    session: Session = DB,
    user: SessionUser = USER,
    training: TrainingWeb = TRAINING,
) -> Response:
    index = int(nummer) if nummer.isdigit() else -1
    if handling == "vis":
        return _response_form(request, training, name, draft={index: tekst},
                              message="Sådan ser borgeren svaret. Det er ikke gemt endnu.")
    try:
        commit = training.get_editor().save_response(name, index, tekst, user.username)
    except EditRefused as exc:
        return _response_form(request, training, name, draft={index: tekst}, error=str(exc),
                              status=400)
    message = _saved(session, user, training, commit) + " Træn en ny model, så det ses i chatten."
    return _response_form(request, training, name, message=message)


# ------------------------------------------------------------------- content files


@router.get("/indhold")
def content_page(request: Request, training: TrainingWeb = TRAINING) -> Response:
    return render(request, "content.html", {"files": training.get_editor().content_files()})


def _items_form(request: Request, title: str, action: str, items: list[Item], *,
                draft: tuple[str, str] | None = None, message: str = "", error: str = "",
                status: int = 200) -> Response:
    shown = [Item(i.key, i.label, draft[1]) if draft and draft[0] == i.key else i for i in items]
    context = {"title": title, "action": action, "items": shown, "message": message,
               "error": error}
    return render(request, "items.html", context, status=status)


@router.get("/indhold/{file}")
def content_file_page(request: Request, file: str, training: TrainingWeb = TRAINING) -> Response:
    editor = training.get_editor()
    if file not in editor.content_files():
        return _not_found(request)
    return _items_form(request, f"Indhold: {file}", f"/personale/traening/indhold/{file}",
                       editor.content_items(file))


@router.post("/indhold/{file}", dependencies=[CSRF])
def save_content(
    request: Request,
    file: str,
    felt: str = Form(""),
    tekst: str = Form(""),
    session: Session = DB,
    user: SessionUser = USER,
    training: TrainingWeb = TRAINING,
) -> Response:
    editor = training.get_editor()
    if file not in editor.content_files():
        return _not_found(request)
    action = f"/personale/traening/indhold/{file}"
    try:
        commit = editor.save_content_item(file, felt, tekst, user.username)
    except EditRefused as exc:
        return _items_form(request, f"Indhold: {file}", action, editor.content_items(file),
                           draft=(felt, tekst), error=str(exc), status=400)
    message = _saved(session, user, training, commit) + " Det bruges i næste svar."
    return _items_form(request, f"Indhold: {file}", action, editor.content_items(file),
                       message=message)


# ------------------------------------------------------------------- stories and rules


@router.get("/historier")
def stories_page(request: Request, training: TrainingWeb = TRAINING) -> Response:
    files = training.get_editor().story_files()
    links = [(f, f"/personale/traening/historier/{'historier' if '/stories/' in f else 'regler'}"
                 f"/{f.rsplit('/', 1)[-1]}") for f in files]
    return render(request, "stories.html", {"links": links})


def _story_file(kind: str, file: str) -> str | None:
    folder = STORY_KINDS.get(kind)
    return f"{folder}/{file}" if folder and "/" not in file else None


@router.get("/historier/{kind}/{file}")
def story_file_page(request: Request, kind: str, file: str,
                    training: TrainingWeb = TRAINING) -> Response:
    editor = training.get_editor()
    path = _story_file(kind, file)
    if path is None or path not in editor.story_files():
        return _not_found(request)
    return _items_form(request, f"Historier og regler: {path}",
                       f"/personale/traening/historier/{kind}/{file}", editor.story_items(path))


@router.post("/historier/{kind}/{file}", dependencies=[CSRF])
def save_story(
    request: Request,
    kind: str,
    file: str,
    felt: str = Form(""),
    tekst: str = Form(""),
    session: Session = DB,
    user: SessionUser = USER,
    training: TrainingWeb = TRAINING,
) -> Response:
    editor = training.get_editor()
    path = _story_file(kind, file)
    if path is None or path not in editor.story_files():
        return _not_found(request)
    action = f"/personale/traening/historier/{kind}/{file}"
    title = f"Historier og regler: {path}"
    try:
        commit = editor.save_story_item(path, felt, tekst, user.username)
    except EditRefused as exc:
        return _items_form(request, title, action, editor.story_items(path),
                           draft=(felt, tekst), error=str(exc), status=400)
    message = _saved(session, user, training, commit) + " Træn en ny model, så det virker."
    return _items_form(request, title, action, editor.story_items(path), message=message)


# ------------------------------------------------------------------- history


def _history(request: Request, training: TrainingWeb, *, message: str = "", error: str = "",
             status: int = 200) -> Response:
    try:
        commits = training.get_editor().history(50)
    except GitError as exc:
        commits, error = [], error or str(exc)
    return render(request, "history.html",
                  {"commits": commits, "message": message, "error": error}, status=status)


@router.get("/aendringer")
def history_page(request: Request, training: TrainingWeb = TRAINING) -> Response:
    return _history(request, training)


@router.post("/aendringer/{sha}/fortryd", dependencies=[CSRF])
def revert_change(
    request: Request,
    sha: str,
    session: Session = DB,
    user: SessionUser = USER,
    training: TrainingWeb = TRAINING,
) -> Response:
    try:
        commit = training.get_editor().revert(sha, user.username)
    except (EditRefused, GitError) as exc:
        return _history(request, training, error=str(exc), status=400)
    audit(session, user.actor, EDIT_REVERTED, now=training.clock.now(), target=commit.short,
          detail=commit.message.splitlines()[0][:300])
    return _history(request, training, message=f"Fortrudt: {commit.message.splitlines()[0]}")
