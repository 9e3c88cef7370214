"""GET /health: is Rasa up with a model loaded, is the action server up.

It answers anyone (the load balancer, monitoring), so it says whether a model is
loaded, not which one: the model's file name tells when it was trained and is no one
else's business.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from bot.infra.rasa_client import RasaClient
from bot.web import get_rasa

router = APIRouter(tags=["health"])


class RasaHealth(BaseModel):
    up: bool
    model_loaded: bool


class ActionsHealth(BaseModel):
    up: bool


class Health(BaseModel):
    status: str  # "ok" | "degraded"
    rasa: RasaHealth
    actions: ActionsHealth


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
async def health(rasa: RasaClient = Depends(get_rasa)) -> JSONResponse:
    rasa_status, actions_up = await rasa.health()
    ok = rasa_status.up and rasa_status.model is not None and actions_up
    body = Health(
        status="ok" if ok else "degraded",
        rasa=RasaHealth(up=rasa_status.up, model_loaded=rasa_status.model is not None),
        actions=ActionsHealth(up=actions_up),
    )
    return JSONResponse(status_code=200 if ok else 503, content=body.dict())
