""""Hjalp svaret?": POST /api/feedback and its texts."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.features.training.tables import Feedback
from bot.infra.db import session_scope
from bot.web.training.context import TrainingWeb

SENDER = "3f2b8c1e-7d4a-4b9e-9c1a-0e5f6a7b8c9d"


def test_the_texts_come_from_the_content_file(client: TestClient) -> None:
    r = client.get("/api/feedback/texts")
    assert r.status_code == 200 and r.json()["spoergsmaal"] == "Hjalp svaret?"


def test_a_no_with_a_comment_is_stored_masked(client: TestClient, training: TrainingWeb) -> None:
    r = client.post("/api/feedback", json={
        "sender": SENDER, "helpful": False,
        "comment": "Lone Kjærgaard sagde noget andet, ring 22334455, cpr 010190-1234",
    })
    assert r.status_code == 201 and r.json()["message"].startswith("Tak for dit svar")
    assert client.post("/api/feedback", json={"sender": SENDER, "helpful": True}).status_code == 201
    with session_scope(training.sessions) as s:
        rows = s.execute(select(Feedback).order_by(Feedback.id)).scalars().all()
    assert [(f.helpful, f.scanned) for f in rows] == [(False, False), (True, True)]
    assert rows[0].comment == "[NAVN] sagde noget andet, ring [TELEFON], cpr [CPR]"
    assert rows[0].conversation_key != SENDER and len(rows[0].conversation_key) == 64


def test_bad_requests_get_a_danish_400(client: TestClient) -> None:
    for body in ({"sender": "kort", "helpful": True}, {"sender": SENDER},
                 {"sender": SENDER, "helpful": False, "comment": "x" * 1001}):
        r = client.post("/api/feedback", json=body)
        assert r.status_code == 400 and r.json()["error"] == "invalid"


def test_too_many_answers_from_one_conversation(client: TestClient, training: TrainingWeb) -> None:
    with session_scope(training.sessions) as s:
        for _ in range(50):
            s.add(Feedback(created_at=training.clock.now().replace(tzinfo=None), sender_id=SENDER,
                           conversation_key="k" * 64, helpful=True, scanned=True))
    r = client.post("/api/feedback", json={"sender": SENDER, "helpful": True})
    assert r.status_code == 429
    assert r.json()["message"] == "Dit svar kunne ikke sendes. Prøv igen senere."
