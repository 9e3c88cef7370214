"""The office edits a content file while the assistant runs (bot/core/content.py).

The edit shows up in the next answer, without a restart; an invalid edit is refused
with a Danish error naming the file and the line, and the last good version stays.
"""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from tests.integration.conftest import Stack

pytestmark = pytest.mark.stack

QUESTION = "hvornår har I telefontid?"


def answer(stack: Stack) -> str:
    resp = httpx.post(
        f"{stack.web}/api/chat",
        json={"sender": uuid.uuid4().hex, "message": QUESTION},
        timeout=60,
    )
    assert resp.status_code == 200, resp.text
    return "\n".join(m.get("text") or "" for m in resp.json()["messages"])


def wait_for(stack: Stack, wanted: str, seconds: float = 20) -> str:
    deadline = time.monotonic() + seconds
    text = ""
    while time.monotonic() < deadline:
        text = answer(stack)
        if wanted in text:
            return text
        time.sleep(0.5)
    return text


def test_an_edit_shows_up_and_an_invalid_edit_keeps_the_old_text(stack: Stack) -> None:
    path = stack.settings.content_dir / "contact.yml"
    original = path.read_text(encoding="utf-8")
    old = "Du kan også booke et møde her i chatten."
    new = "Telefontiden er mandag til fredag kl. 9-12 (prøvetekst)."
    assert old in answer(stack)
    try:
        path.write_text(original.replace(old, new), encoding="utf-8")
        assert new in wait_for(stack, new)

        edited = original.replace(old, new)
        broken = edited.replace('hovedtelefon: "99 31 16 18"', "hovedtelefon: [")
        path.write_text(broken, encoding="utf-8")
        time.sleep(2.5)  # files are checked at most once a second
        kept = answer(stack)
        assert new in kept  # the last good version is still used
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "Fejl i contact.yml, linje" not in stack.logs():
            time.sleep(0.5)
        assert "Fejl i contact.yml, linje" in stack.logs()
    finally:
        path.write_text(original, encoding="utf-8")
    assert old in wait_for(stack, old)
