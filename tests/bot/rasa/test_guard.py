"""The Rasa server's request middleware: masking at the edge, the model guard."""

from __future__ import annotations

import json
from pathlib import Path

from bot.rasa.guard import (
    MODEL_TOKEN_HEADER,
    activation_request,
    mask_body,
    model_change_refusal,
)

MODELS = Path("/srv/borger/models")
STORE = Path("/srv/borger/var/model-store")


def refusal(method: str, path: str, token: str | None, body: object) -> str | None:
    return model_change_refusal(method, path, token, body, "model-secret", [MODELS, STORE])


def test_rest_body_is_masked_but_the_sender_kept() -> None:
    body = json.dumps(
        {
            "sender": "a0101901234b" + "0" * 8,
            "message": "Mit CPR er 010190-4321",
            "metadata": {"note": "søn 0202021234"},
        }
    ).encode()
    masked = mask_body(body)
    assert masked is not None
    raw, parsed, count = masked
    assert count == 2
    assert parsed == {
        "sender": "a0101901234b" + "0" * 8,
        "message": "Mit CPR er [CPR]",
        "metadata": {"note": "søn [CPR]"},
    }
    assert json.loads(raw) == parsed
    assert b"4321" not in raw and "søn".encode() in raw


def test_http_api_message_and_parse_data_are_masked() -> None:
    body = {
        "text": "cpr 010190 4321",
        "sender": "user",
        "parse_data": {"entities": [{"entity": "x", "value": "010190-4321"}]},
    }
    _, parsed, count = mask_body(json.dumps(body).encode())  # type: ignore[misc]
    assert count == 2
    assert parsed["parse_data"]["entities"][0]["value"] == "[CPR]"


def test_bodies_without_cpr_or_json_are_left_alone() -> None:
    assert mask_body(b'{"message": "hej"}') is None
    assert mask_body(b"\x1f\x8b\x08 a model archive 0101901234") is None
    assert mask_body(b"{not json 0101901234") is None
    assert mask_body(b"") is None


def test_model_changes_need_the_model_token() -> None:
    good = {"model_file": str(MODELS / "20261201-000000-new.tar.gz")}
    assert refusal("PUT", "/model", "model-secret", good) is None
    assert refusal("PUT", "/model/", None, good) is not None
    assert refusal("PUT", "/model", "the-rasa-token", good) is not None
    assert refusal("DELETE", "/model", None, None) is not None
    assert refusal("POST", "/model/train", "wrong", None) is not None
    assert refusal("POST", "/model/train", "model-secret", None) is None
    # Everything else passes (Rasa's own token check still applies).
    assert refusal("POST", "/model/parse", None, {"text": "hej"}) is None
    assert refusal("GET", "/status", None, None) is None


def test_put_model_loads_only_files_from_the_model_folders() -> None:
    for body in (
        {"model_file": "/tmp/crafted.tar.gz"},
        {"model_file": str(MODELS / ".." / "evil.tar.gz")},
        {"model_file": str(MODELS / "x.pkl")},
        {"model_server": {"url": "https://evil.example/model"}},
        {"model_file": str(MODELS / "a.tar.gz"), "remote_storage": "aws"},
        ["not", "a", "dict"],
    ):
        assert refusal("PUT", "/model", "model-secret", body) is not None, body
    assert refusal("PUT", "/model", "model-secret", {"model_file": str(STORE / "m.tar.gz")}) is None


def test_without_a_model_token_the_model_cannot_be_changed() -> None:
    body = {"model_file": str(MODELS / "m.tar.gz")}
    assert model_change_refusal("PUT", "/model", "", body, None, [MODELS]) is not None
    assert model_change_refusal("PUT", "/model", None, body, "", [MODELS]) is not None


def test_activation_request_is_what_the_guard_allows() -> None:
    model = MODELS / "20261201-000000-new.tar.gz"
    req = activation_request("http://127.0.0.1:5005/", "rasa-token", "model-secret", model)
    assert req["method"] == "PUT" and req["url"] == "http://127.0.0.1:5005/model"
    assert req["params"] == {"token": "rasa-token"}
    assert refusal("PUT", "/model", req["headers"][MODEL_TOKEN_HEADER], req["json"]) is None
