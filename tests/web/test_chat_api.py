"""The web app's HTTP API over real HTTP, in front of a fake Rasa."""

from __future__ import annotations

import logging
from typing import Callable

import httpx
import pytest

from tests.web.fakes import (
    ALLOWED_ORIGIN,
    BUTTONS,
    GREETING,
    HELLO_AGAIN,
    MAX_CHARS,
    MODEL_NAME,
    FakeRasa,
)

SENDER = "3f2b8c1e-7d4a-4b9e-9c1a-0e5f6a7b8c9d"
PHONE = "99 31 16 18"


def chat(url: str, message: str, sender: str = SENDER, **kwargs) -> httpx.Response:
    return httpx.post(f"{url}/api/chat", json={"sender": sender, "message": message}, **kwargs)


# ---------- chat ----------


def test_normal_reply(web_url: str, fake_rasa: FakeRasa) -> None:
    r = chat(web_url, "hej")
    assert r.status_code == 200
    assert r.json() == {
        "messages": [{"text": HELLO_AGAIN, "buttons": [], "image": None, "custom": None}],
        "watch": False,  # not a case: the page does not ask for a person
    }
    assert fake_rasa.received == [(SENDER, "hej")]
    assert r.headers["x-request-id"]


def test_buttons_pass_through(web_url: str, fake_rasa: FakeRasa) -> None:
    r = chat(web_url, "/greet")
    assert r.status_code == 200
    [message] = r.json()["messages"]
    assert message["text"] == GREETING
    assert message["buttons"] == BUTTONS


def test_image_and_custom_pass_through(web_url: str, fake_rasa: FakeRasa) -> None:
    r = chat(web_url, "/billede")
    assert r.json()["messages"] == [
        {"text": None, "buttons": [], "image": "https://example.org/kort.png", "custom": None},
        {"text": None, "buttons": [], "image": None, "custom": {"handoff": True}},
    ]


def test_no_reply_from_rasa_gives_a_danish_message_with_the_phone(
    web_url: str, fake_rasa: FakeRasa
) -> None:
    r = chat(web_url, "/tavs")
    assert r.status_code == 200
    [message] = r.json()["messages"]
    assert message["text"].startswith("Jeg kan desværre ikke svare på det lige nu.")
    assert "99 31 16 18" in message["text"]


@pytest.mark.parametrize("message", ["", "   ", " \n\t ", "\x00\x07"])
def test_empty_message_is_400_in_danish(web_url: str, fake_rasa: FakeRasa, message: str) -> None:
    r = chat(web_url, message)
    assert r.status_code == 400
    body = r.json()
    assert body["error"] == "empty"
    assert "Din besked er tom" in body["message"]
    assert fake_rasa.received == []


def test_too_long_message_is_413_with_limit(web_url: str, fake_rasa: FakeRasa) -> None:
    assert chat(web_url, "x" * MAX_CHARS).status_code == 200
    r = chat(web_url, "æ" * (MAX_CHARS + 1))
    assert r.status_code == 413
    body = r.json()
    assert body["error"] == "too_long"
    assert f"højst være på {MAX_CHARS} tegn" in body["message"]
    assert "Del den gerne op" in body["message"]
    assert "aftale et møde" in body["message"]
    assert PHONE in body["message"]
    assert fake_rasa.messages() == ["x" * MAX_CHARS]


def test_huge_body_is_refused_before_parsing(web_url: str, fake_rasa: FakeRasa) -> None:
    r = chat(web_url, "x" * (MAX_CHARS * 20))
    assert r.status_code == 413
    assert r.json()["error"] == "too_long"
    assert fake_rasa.received == []


def test_control_characters_are_stripped(web_url: str, fake_rasa: FakeRasa) -> None:
    r = chat(web_url, "hej\x00 med\x07 dig\tdu\r\nlinje 2\x1b[31m\rlinje 3\x7f 👍🏽 ✓")
    assert r.status_code == 200
    assert fake_rasa.messages() == ["hej med dig\tdu\nlinje 2[31m\nlinje 3 👍🏽 ✓"]


@pytest.mark.parametrize(
    "sender", ["short", "a" * 65, "has space in it 123", "../../etc/passwd-xxxxx", "a" * 20 + "\n"]
)
def test_sender_must_look_like_a_random_id(web_url: str, fake_rasa: FakeRasa, sender: str) -> None:
    r = chat(web_url, "hej", sender=sender)
    assert r.status_code == 400
    assert r.json()["error"] == "invalid"
    assert "Start forfra" in r.json()["message"]
    assert fake_rasa.received == []


def test_malformed_body_is_400(web_url: str, fake_rasa: FakeRasa) -> None:
    r = httpx.post(
        f"{web_url}/api/chat", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    assert r.json()["error"] == "invalid"


def test_rasa_down_is_503_with_phone(down_web_url: str) -> None:
    r = chat(down_web_url, "hej")
    assert r.status_code == 503
    body = r.json()
    assert body["error"] == "unavailable"
    assert "kan ikke svare lige nu" in body["message"]
    assert PHONE in body["message"]


def test_rasa_timeout_is_503(start_web: Callable[..., str], fake_rasa: FakeRasa) -> None:
    url = start_web(client_kwargs={"chat_timeout": 0.3})
    fake_rasa.delay = 1.5
    r = chat(url, "hej", timeout=10)
    assert r.status_code == 503
    assert PHONE in r.json()["message"]


def test_rasa_error_is_503(web_url: str, fake_rasa: FakeRasa) -> None:
    fake_rasa.fail_status = 500
    r = chat(web_url, "hej")
    assert r.status_code == 503
    assert r.json()["error"] == "unavailable"


def test_message_text_is_never_logged(
    web_url: str, fake_rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "Mit CPR-nummer er HEMMELIGT-123"
    assert chat(web_url, secret).status_code == 200
    assert chat(web_url, secret + "x" * MAX_CHARS).status_code == 413
    fake_rasa.fail_status = 500
    assert chat(web_url, secret).status_code == 503
    chat_lines = [r.getMessage() for r in caplog.records if r.name == "bot.web.chat"]
    assert len(chat_lines) == 3
    assert all("chars=" in line and "request_id=" in line for line in chat_lines)
    assert "HEMMELIGT" not in caplog.text
    assert SENDER not in caplog.text


# ---------- CORS ----------


def test_cors_allowed_origin_gets_the_header(web_url: str, fake_rasa: FakeRasa) -> None:
    pre = httpx.options(
        f"{web_url}/api/chat",
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "POST" in pre.headers["access-control-allow-methods"]
    r = chat(web_url, "hej", headers={"Origin": ALLOWED_ORIGIN})
    assert r.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    c = httpx.get(f"{web_url}/api/contact", headers={"Origin": ALLOWED_ORIGIN})
    assert c.headers["access-control-allow-origin"] == ALLOWED_ORIGIN


def test_cors_other_origin_gets_no_header(web_url: str, fake_rasa: FakeRasa) -> None:
    evil = "https://evil.example"
    pre = httpx.options(
        f"{web_url}/api/chat",
        headers={"Origin": evil, "Access-Control-Request-Method": "POST"},
    )
    assert pre.status_code == 400
    assert "access-control-allow-origin" not in pre.headers
    r = chat(web_url, "hej", headers={"Origin": evil})
    assert "access-control-allow-origin" not in r.headers


def test_cors_only_on_api(web_url: str, fake_rasa: FakeRasa) -> None:
    for path in ("/health", "/", "/static/chat.js"):
        r = httpx.get(f"{web_url}{path}", headers={"Origin": ALLOWED_ORIGIN})
        assert "access-control-allow-origin" not in r.headers, path


def test_cors_wildcard_is_ignored(start_web: Callable[..., str], fake_rasa: FakeRasa) -> None:
    url = start_web(cors_origins=["*"])
    r = chat(url, "hej", headers={"Origin": "https://evil.example"})
    assert r.status_code == 200
    assert "access-control-allow-origin" not in r.headers


# ---------- health ----------


def test_health_ok(web_url: str, fake_rasa: FakeRasa) -> None:
    r = httpx.get(f"{web_url}/health")
    assert r.status_code == 200
    assert MODEL_NAME not in r.text  # whether a model is loaded, not which
    assert r.json() == {
        "status": "ok",
        "rasa": {"up": True, "model_loaded": True},
        "actions": {"up": True},
    }


def test_health_everything_down(down_web_url: str) -> None:
    r = httpx.get(f"{down_web_url}/health")
    assert r.status_code == 503
    assert r.json() == {
        "status": "degraded",
        "rasa": {"up": False, "model_loaded": False},
        "actions": {"up": False},
    }


def test_health_actions_down(web_url: str, fake_rasa: FakeRasa) -> None:
    fake_rasa.actions_ok = False
    r = httpx.get(f"{web_url}/health")
    assert r.status_code == 503
    assert r.json()["rasa"] == {"up": True, "model_loaded": True}
    assert r.json()["actions"] == {"up": False}


def test_health_action_server_not_running(
    start_web: Callable[..., str], fake_rasa: FakeRasa, free_port_factory: Callable[[], int]
) -> None:
    url = start_web(action_port=free_port_factory())
    r = httpx.get(f"{url}/health")
    assert r.status_code == 503
    assert r.json()["status"] == "degraded"
    assert r.json()["actions"] == {"up": False}


def test_health_no_model_loaded(web_url: str, fake_rasa: FakeRasa) -> None:
    fake_rasa.model_file = None
    r = httpx.get(f"{web_url}/health")
    assert r.status_code == 503
    assert r.json()["rasa"] == {"up": True, "model_loaded": False}


def test_health_wrong_token(start_web: Callable[..., str], fake_rasa: FakeRasa) -> None:
    url = start_web(rasa_token="wrong")
    r = httpx.get(f"{url}/health")
    assert r.status_code == 503
    assert r.json()["rasa"] == {"up": True, "model_loaded": False}


# ---------- contact, page, headers ----------


def test_contact(web_url: str) -> None:
    r = httpx.get(f"{web_url}/api/contact")
    assert r.status_code == 200
    body = r.json()
    assert body["hovedtelefon"] == PHONE
    assert "Boulevarden 13" in body["adresse"]
    assert {
        "navn": "Karina Korsbæk Jensen",
        "titel": "Borgerrådgiver",
        "telefon": "99 31 19 67",
    } in body["medarbejdere"]


def test_page_and_security_headers(web_url: str) -> None:
    r = httpx.get(f"{web_url}/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert 'lang="da"' in r.text
    assert "<script>" not in r.text  # no inline scripts
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "default-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "camera=()" in r.headers["permissions-policy"]
    assert "geolocation=()" in r.headers["permissions-policy"]
    for name in ("chat.js", "chat.css", "widget.js"):
        s = httpx.get(f"{web_url}/static/{name}")
        assert s.status_code == 200, name
        assert s.headers["x-content-type-options"] == "nosniff"


def test_no_api_docs_exposed(web_url: str) -> None:
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert httpx.get(f"{web_url}{path}").status_code == 404
