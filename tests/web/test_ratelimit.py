"""Rate limits of POST /api/chat (bot/web/ratelimit.py): the buckets with a fake clock,
and over real HTTP from different client addresses (127.0.0.x are all this machine)."""

from __future__ import annotations

from typing import Callable, List

import httpx
import pytest

from bot.web.ratelimit import ChatLimiter, TokenBuckets
from tests.web.fakes import FakeRasa

PHONE = "99 31 16 18"


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_a_bucket_allows_a_burst_then_refills_at_the_rate() -> None:
    clock = Clock()
    buckets = TokenBuckets(60, burst=3, clock=clock)
    for _ in range(3):
        assert buckets.wait("a") == 0
        buckets.take("a")
    assert buckets.wait("a") == pytest.approx(1.0)  # 60 a minute: one a second
    assert buckets.wait("b") == 0  # another key has its own bucket
    clock.t += 1.0
    assert buckets.wait("a") == 0


def test_buckets_are_bounded() -> None:
    buckets = TokenBuckets(60, burst=1, clock=Clock(), max_keys=100)
    for n in range(1000):
        buckets.take(f"id-{n}")
    assert len(buckets._buckets) == 100


def test_the_limiter_refuses_per_conversation_and_per_client() -> None:
    clock = Clock()
    limiter = ChatLimiter(per_client_per_minute=8, per_conversation_per_minute=4, clock=clock)
    results = [limiter.check_conversation("samtale-a") for _ in range(3)]
    assert results == [(True, 0, ""), (True, 0, ""), (False, 15, "conversation")]  # burst 2
    allowed, wait, which = limiter.check_conversation("samtale-a")
    assert (allowed, which) == (False, "") and wait >= 1  # a repeated refusal: not named
    assert limiter.check_conversation("samtale-b")[0]  # another conversation has its own
    # The client's bucket (burst 4), whatever the conversation.
    assert [limiter.check_client("1.2.3.4")[0] for _ in range(5)] == [True] * 4 + [False]
    assert limiter.check_client("1.2.3.4") == (False, 8, "")
    clock.t += 8
    assert limiter.check_client("1.2.3.4")[0]
    allowed, wait, which = limiter.check_client("1.2.3.4")
    assert (allowed, which) == (False, "client") and wait >= 1  # a new run: named again
    assert limiter.check_client("5.6.7.8")[0]  # someone else is not affected
    assert limiter.check("5.6.7.8", "samtale-c") == (True, 0, "")


def post_from(address: str) -> Callable[..., httpx.Response]:
    client = httpx.Client(transport=httpx.HTTPTransport(local_address=address))

    def post(url: str, sender: str, message: str = "hej") -> httpx.Response:
        return client.post(f"{url}/api/chat", json={"sender": sender, "message": message})

    return post


def test_over_the_limit_is_429_in_danish_with_the_phone(
    start_web: Callable[..., str], fake_rasa: FakeRasa
) -> None:
    url = start_web(chat_per_client_per_minute=100, chat_per_conversation_per_minute=6)
    post = post_from("127.0.0.1")
    sender = "a1b2c3d4-0000-4000-8000-000000000001"
    codes = [post(url, sender).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]  # burst 6 // 2 = 3
    refused = post(url, sender)
    assert refused.status_code == 429
    assert refused.json()["error"] == "too_many"
    assert PHONE in refused.json()["message"] and "Vent et øjeblik" in refused.json()["message"]
    assert int(refused.headers["retry-after"]) >= 1
    assert len(fake_rasa.received) == 3  # Rasa never saw the refused ones


def test_one_flooding_client_does_not_stop_another(
    start_web: Callable[..., str], fake_rasa: FakeRasa
) -> None:
    url = start_web(chat_per_client_per_minute=10, chat_per_conversation_per_minute=100)
    flood, citizen = post_from("127.0.0.2"), post_from("127.0.0.3")
    codes: List[int] = [
        flood(url, f"f1o2o3d4-0000-4000-8000-{n:012d}").status_code for n in range(20)
    ]
    assert codes.count(200) == 5 and codes.count(429) == 15  # burst 10 // 2
    assert citizen(url, "c1t2z3n4-0000-4000-8000-000000000001").status_code == 200


def test_limit_messages_are_logged_without_text(
    start_web: Callable[..., str], fake_rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    url = start_web(chat_per_client_per_minute=2, chat_per_conversation_per_minute=100)
    post = post_from("127.0.0.4")
    for _ in range(3):
        post(url, "a1b2c3d4-0000-4000-8000-000000000009", "HEMMELIGT")
    assert any("status=429 limit=client" in r.getMessage() for r in caplog.records)
    assert "HEMMELIGT" not in caplog.text
