"""Models and jobs: the registry with each model's figures, the guarded retrain, one-click
activation and roll-back, and a job's progress (the page reloads itself while it runs)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.features.staff.sessions import SessionUser
from bot.features.training import inbox, registry, retrain
from bot.features.training.gate import SUMMARY
from bot.features.training.jobs import JobBusy, get_job, recent_jobs
from bot.web.portal.deps import CSRF, DB, USER, PortalRoute, require, see_other
from bot.web.portal.training.deps import (
    ACTIVATOR,
    PREFIX,
    TRAINING,
    TRAINING_ROLES,
    may_activate,
    run_in_background,
)
from bot.web.portal.training.views import render
from bot.web.training.context import TrainingWeb

router = APIRouter(route_class=PortalRoute, dependencies=[Depends(require(*TRAINING_ROLES))])

MIN_REASON = 10


def _page(request: Request, session: Session, user: SessionUser, training: TrainingWeb,
          error: str = "", status: int = 200) -> Response:
    models = registry.list_models(session)
    active = next((m for m in models if m.active), None)
    jobs = recent_jobs(session, 10)
    context = {
        "models": models,
        "active": active,
        "jobs": jobs,
        "running": next((j for j in jobs if j.running), None),
        "summary": SUMMARY,
        "open": inbox.open_count(session),
        "may_activate": may_activate(user, training),
        "error": error,
    }
    return render(request, "training.html", context, status=status)


@router.get("")
def training_page(
    request: Request, session: Session = DB, user: SessionUser = USER,
    training: TrainingWeb = TRAINING,
) -> Response:
    return _page(request, session, user, training)


@router.post("/retrain", dependencies=[CSRF])
def start_retrain(
    request: Request,
    tving: str = Form(""),
    begrundelse: str = Form(""),
    session: Session = DB,
    user: SessionUser = USER,
    training: TrainingWeb = TRAINING,
) -> Response:
    reason = begrundelse.strip() or None
    if tving and not may_activate(user, training):
        return _page(request, session, user, training,
                     "Kun en administrator kan aktivere trods kontrollen.", 403)
    if tving and (reason is None or len(reason) < MIN_REASON):
        return _page(request, session, user, training,
                     "Skriv en begrundelse (mindst 10 tegn) for at gå uden om kontrollen.", 400)
    trainer = training.get_trainer()
    override = reason if tving else None
    try:
        job = retrain.start_job(trainer, user.actor, "retrain", override)
    except JobBusy as exc:
        return _page(request, session, user, training, str(exc), 409)
    run_in_background(f"retrain-{job.id}", lambda: retrain.retrain(
        trainer, user.actor, override_reason=override, job=job))
    return see_other(f"{PREFIX}/job/{job.id}")


@router.post("/modeller/{model}/aktiver", dependencies=[ACTIVATOR, CSRF])
def activate_model(
    request: Request, model: str, session: Session = DB, user: SessionUser = USER,
    training: TrainingWeb = TRAINING,
) -> Response:
    try:
        registry.get_model(session, model)
    except registry.RegistryError as exc:
        return _page(request, session, user, training, str(exc), 404)
    trainer = training.get_trainer()
    try:
        job = retrain.start_job(trainer, user.actor, "aktivering")
    except JobBusy as exc:
        return _page(request, session, user, training, str(exc), 409)
    run_in_background(f"activate-{job.id}", lambda: retrain.activate(
        trainer, user.actor, model, job=job))
    return see_other(f"{PREFIX}/job/{job.id}")


@router.post("/rul-tilbage", dependencies=[ACTIVATOR, CSRF])
def roll_back(
    request: Request, session: Session = DB, user: SessionUser = USER,
    training: TrainingWeb = TRAINING,
) -> Response:
    if registry.previous_model(session) is None:
        return _page(request, session, user, training,
                     "Der er ingen tidligere model at rulle tilbage til.", 400)
    trainer = training.get_trainer()
    try:
        job = retrain.start_job(trainer, user.actor, "rul-tilbage")
    except JobBusy as exc:
        return _page(request, session, user, training, str(exc), 409)
    run_in_background(f"rollback-{job.id}", lambda: retrain.rollback(
        trainer, user.actor, job=job))
    return see_other(f"{PREFIX}/job/{job.id}")


@router.get("/job/{job_id}")
def job_page(request: Request, job_id: str, session: Session = DB) -> Response:
    job = get_job(session, int(job_id)) if job_id.isdigit() else None
    if job is None:
        return render(request, "not_found.html", {}, status=404)
    response = render(request, "job.html", {"job": job, "summary": SUMMARY})
    if job.running:
        response.headers["refresh"] = "3"  # the page follows the job without a script
    return response
