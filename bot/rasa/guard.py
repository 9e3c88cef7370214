"""What the Rasa server does with a request before any of Rasa's code sees it.

A Sanic request middleware (``register``), installed by ``bot.rasa.hooks``:

- **Masking at the edge.** Every JSON request body (the REST channel's ``message``
  and ``metadata``, the HTTP API's ``/conversations/{id}/messages`` ``text`` and
  ``parse_data``, tracker events, ``/model/parse``) has its CPR numbers replaced
  by ``[CPR]`` (``bot.core.privacy.redact_data``; conversation ids are kept), so
  Rasa's channels never hold the number: not in a log line, a traceback's locals,
  an error reply or the tracker store. socket.io messages are masked in
  ``bot.rasa.socketio``.
- **The model is changed only by the training loop.** ``PUT /model``,
  ``DELETE /model`` and ``POST /model/train`` (a crafted model or config runs code)
  need, besides Rasa's token, the separate model token in the header
  ``X-Borger-Model-Token`` (setting ``BORGER_RASA_MODEL_TOKEN``; unset: refused).
  ``PUT /model`` loads only a ``.tar.gz`` from the models folder or the model
  store (``model_file``), never from a model server or remote storage named in the
  request.

How the training loop activates a model over HTTP (``activation_request``):
``PUT {rasa_url}/model?token={rasa_token}`` with the header
``X-Borger-Model-Token: {rasa_model_token}`` and ``{"model_file": "<path>"}``.
"""

from __future__ import annotations

import hmac
import json
import logging
from pathlib import Path
from typing import Any, Dict, Iterable, Tuple

from bot.core.privacy import redact_data

logger = logging.getLogger(__name__)

MODEL_TOKEN_HEADER = "X-Borger-Model-Token"  # noqa: S105 - a header's name
MODEL_CHANGES = {("PUT", "/model"), ("DELETE", "/model"), ("POST", "/model/train")}
SOCKETIO_PREFIX = "/socket.io"


def mask_body(body: bytes) -> Tuple[bytes, Any, int] | None:
    """The masked body, its parsed JSON and how many CPR numbers were masked; None
    when the body is not JSON or holds no CPR number."""
    if not body or body[:64].lstrip()[:1] not in (b"{", b"[", b'"'):
        return None
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    masked, count = redact_data(data)
    if not count:
        return None
    return json.dumps(masked, ensure_ascii=False).encode("utf-8"), masked, count


def same_secret(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def model_change_refusal(
    method: str,
    path: str,
    token: str | None,
    body: Any,
    model_token: str | None,
    model_dirs: Iterable[Path],
) -> str | None:
    """Why a request that changes Rasa's model is refused; None if it is allowed or
    changes no model."""
    if (method.upper(), path.rstrip("/") or "/") not in MODEL_CHANGES:
        return None
    if not model_token:
        return "the model cannot be changed over HTTP (BORGER_RASA_MODEL_TOKEN is not set)"
    if not same_secret(token, model_token):
        return f"changing the model needs the {MODEL_TOKEN_HEADER} header"
    if method.upper() != "PUT":
        return None
    if not isinstance(body, dict) or set(body) != {"model_file"}:
        return "PUT /model takes only {\"model_file\": ...}"
    model_file = Path(str(body["model_file"])).resolve()
    inside = any(model_file.is_relative_to(d.resolve()) for d in model_dirs)
    if not inside or not model_file.name.endswith(".tar.gz"):
        return "PUT /model loads only a .tar.gz from the models folder or the model store"
    return None


def activation_request(
    rasa_url: str, rasa_token: str, model_token: str, model_file: Path
) -> Dict[str, Any]:
    """The request (for httpx.request(**...)) that makes Rasa load ``model_file``."""
    return {
        "method": "PUT",
        "url": f"{rasa_url.rstrip('/')}/model",
        "params": {"token": rasa_token},
        "headers": {MODEL_TOKEN_HEADER: model_token},
        "json": {"model_file": str(model_file)},
    }


def register(app: Any, model_token: str | None, model_dirs: Iterable[Path]) -> None:
    """Install the middleware on Rasa's Sanic app."""
    from sanic import response

    dirs = list(model_dirs)

    async def guard(request: Any) -> Any:
        if not request.path.startswith(SOCKETIO_PREFIX) and request.body:
            masked = mask_body(request.body)
            if masked is not None:
                request.body, request.parsed_json, count = masked
                logger.info("Masked %d CPR number(s) in a request to %s.", count, request.path)
        try:
            body = request.json if request.method.upper() == "PUT" else None
        except Exception:  # noqa: BLE001 - not JSON: refused below if it matters
            body = None
        refusal = model_change_refusal(
            request.method,
            request.path,
            request.headers.get(MODEL_TOKEN_HEADER),
            body,
            model_token,
            dirs,
        )
        if refusal:
            logger.warning("Refused %s %s: %s", request.method, request.path, refusal)
            return response.json(
                {"status": "failure", "reason": "Forbidden", "message": refusal}, status=403
            )
        return None

    app.register_middleware(guard, "request")
