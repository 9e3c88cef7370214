"""GET /models/active: the active model of the registry, for every Rasa replica.

Rasa's model server protocol: Rasa asks with ``If-None-Match`` (the ETag of the model
it has) every ``wait_time_between_pulls`` seconds; the answer is 304 while the active
model is the same, else the model file with its ETag (Rasa's model id) and file name.
Protected by the model token (``?token=`` as Rasa sends it, or a Bearer header). When
the registry is empty, the newest model of ``borger train`` is taken in first.
"""

from __future__ import annotations

import hmac
import logging

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from bot.features.training import registry
from bot.features.training.modelfile import store_path
from bot.infra.db import session_scope
from bot.rasa.model import latest_model
from bot.web.training.context import TrainingWeb, get_training

log = logging.getLogger(__name__)

router = APIRouter(tags=["models"])


def _token(request: Request) -> str:
    supplied = request.query_params.get("token") or ""
    header = request.headers.get("authorization", "")
    if not supplied and header.lower().startswith("bearer "):
        supplied = header[7:].strip()
    return supplied


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    wanted = etag.strip('"')
    tags = [t.strip().removeprefix("W/").strip('"') for t in if_none_match.split(",")]
    return wanted in tags or "*" in tags


def _active(training: TrainingWeb) -> registry.ModelInfo | None:
    with session_scope(training.sessions) as session:
        info = registry.active_model(session)
        if info is None:
            latest = latest_model(training.settings.models_dir)
            if latest is not None:
                info = registry.adopt(
                    session, latest, training.settings.model_store, now=training.clock.now()
                )
        return info


@router.get("/models/active", include_in_schema=False)
def active_model(request: Request, training: TrainingWeb = Depends(get_training)) -> Response:
    expected = training.settings.model_endpoint_token
    supplied = _token(request)
    if not expected or not hmac.compare_digest(supplied.encode(), expected.encode()):
        log.warning("models: refused a request without the right token")
        return JSONResponse({"error": "forbidden"}, status_code=403)
    info = _active(training)
    if info is None:
        return JSONResponse({"error": "no_model"}, status_code=404)
    headers = {"ETag": info.etag, "filename": f"{info.name}.tar.gz", "Cache-Control": "no-cache"}
    if _matches(request.headers.get("if-none-match"), info.etag):
        return Response(status_code=304, headers=headers)
    path = store_path(training.settings.model_store, info.name)
    if not path.exists():
        log.error("models: the active model's file is missing from the model store")
        return JSONResponse({"error": "missing"}, status_code=500)
    log.info("models: serving %s", info.name)
    return FileResponse(path, media_type="application/gzip", headers=headers)
