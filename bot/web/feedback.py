""""Hjalp svaret?" from the chat page: ``POST /api/feedback`` and its texts.

``POST /api/feedback`` ``{"sender": ..., "helpful": true|false, "comment": "..."}``
stores the answer (the comment masked; ``bot.features.training.feedback``); a "nej"
puts the message answered into the office's training inbox. ``GET /api/feedback/texts``
gives the page its Danish texts (``content/feedback.yml``). The static script is
``/static/feedback.js``; ``chat.js`` tells it when an answer has been shown.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StrictBool, StrictStr
from sqlalchemy import func, select

from bot.features.training import feedback
from bot.features.training.tables import Feedback
from bot.infra.db import session_scope
from bot.web.api import SENDER_PATTERN, ErrorBody, error
from bot.web.training.context import TrainingWeb, get_training

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["feedback"])

# More answers than this from one conversation are refused (abuse).
MAX_PER_CONVERSATION = 50


class FeedbackRequest(BaseModel):
    # Strict, as ChatRequest: false is refused, not turned into "False" (schemathesis).
    sender: StrictStr = Field(..., regex=SENDER_PATTERN)
    helpful: StrictBool
    comment: StrictStr | None = Field(None, max_length=feedback.MAX_COMMENT)


def _texts(training: TrainingWeb) -> feedback.FeedbackTexts:
    return feedback.cached_texts(training.settings.content_dir / "feedback.yml")


@router.get("/feedback/texts")
def feedback_texts(training: TrainingWeb = Depends(get_training)) -> Any:
    return _texts(training).dict()


@router.post(
    "/feedback",
    status_code=201,
    responses={code: {"model": ErrorBody} for code in (400, 413, 429)},
)
def post_feedback(
    body: FeedbackRequest, request: Request, training: TrainingWeb = Depends(get_training)
) -> Any:
    request_id = getattr(request.state, "request_id", "-")
    texts = _texts(training)
    with session_scope(training.sessions) as session:
        given = session.execute(
            select(func.count(Feedback.id)).where(Feedback.sender_id == body.sender)
        ).scalar_one()
        if given >= MAX_PER_CONVERSATION:
            log.info("feedback request_id=%s status=429", request_id)
            return error(429, "too_many", texts.fejl)
        feedback.record(
            session,
            secret=training.secret(),
            sender_id=body.sender,
            helpful=body.helpful,
            now=training.clock.now(),
            comment=body.comment,
            names=training.names,
        )
    log.info(
        "feedback request_id=%s helpful=%s comment_chars=%d status=201",
        request_id, body.helpful, len(body.comment or ""),
    )
    return JSONResponse(status_code=201, content={"message": texts.tak})
