"""What the citizen API's routers share: the conversation id's pattern and the error
answer (a code and a Danish message)."""

from __future__ import annotations

from fastapi.responses import JSONResponse
from pydantic import BaseModel

SENDER_PATTERN = r"^[A-Za-z0-9_-]{16,64}\Z"  # \Z: "$" would accept a trailing newline


class ErrorBody(BaseModel):
    error: str
    message: str  # Danish, for the citizen


def error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": code, "message": message})
