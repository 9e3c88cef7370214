"""Rate limits of the API: a token bucket per client address and per conversation.

A bucket holds up to ``per_minute / 2`` requests, at most 10 (a burst: a citizen
pressing a few buttons quickly), and refills at ``per_minute`` a minute. Every /api/
request takes one token from its client's bucket (``ClientLimit``, before the body is
even read), and a chat message one from its conversation's too; when one is empty the
answer is 429 with ``Retry-After`` and the phone number, before Rasa is asked, so one
client flooding the API costs the others little (``bench/flood_bench.py``).

In memory, per web process (one web process per machine in the embedded setup; behind
a load balancer each process limits on its own). At most ``MAX_KEYS`` buckets are kept
(the least recently used go first), so a flood of new ids cannot exhaust memory. The
client address is the one uvicorn reports: behind a reverse proxy on the same machine,
uvicorn takes it from ``X-Forwarded-For`` (``--forwarded-allow-ips``, default 127.0.0.1).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Tuple

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)

MAX_KEYS = 50_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """Buckets of ``capacity`` tokens refilled at ``per_second``, one per key."""

    def __init__(
        self,
        per_minute: int,
        *,
        burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.per_second = max(per_minute, 1) / 60.0
        self.capacity = float(burst if burst is not None else max(min(per_minute // 2, 10), 1))
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def _bucket(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = _Bucket(tokens=self.capacity, updated=now)
            self._buckets[key] = bucket
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            refill = (now - bucket.updated) * self.per_second
            bucket.tokens = min(self.capacity, bucket.tokens + refill)
            bucket.updated = now
        return bucket

    def wait(self, key: str) -> float:
        """Seconds until ``key`` has a token (0: it has one now). Takes nothing."""
        with self._lock:
            bucket = self._bucket(key, self.clock())
            return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) / self.per_second

    def take(self, key: str) -> None:
        with self._lock:
            self._bucket(key, self.clock()).tokens -= 1


class ChatLimiter:
    """The limits of the API: per client address (every /api/ request, ``ClientLimit``)
    and per conversation (``POST /api/chat``)."""

    def __init__(
        self,
        per_client_per_minute: int,
        per_conversation_per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clients = TokenBuckets(per_client_per_minute, clock=clock)
        self.conversations = TokenBuckets(per_conversation_per_minute, clock=clock)
        self._refused: set[str] = set()  # keys refused since their last allowed request

    def _use(self, buckets: TokenBuckets, key: str, which: str) -> Tuple[bool, int, str]:
        wait = buckets.wait(key)
        if not wait:
            buckets.take(key)
            self._refused.discard(which + key)
            return True, 0, ""
        repeated = which + key in self._refused
        self._refused.add(which + key)
        if len(self._refused) > MAX_KEYS:
            self._refused.clear()
        return False, max(1, math.ceil(wait)), "" if repeated else which

    def check_client(self, client: str) -> Tuple[bool, int, str]:
        """(allowed, seconds to wait, "client" on the first refusal of a run, else "").

        A refusal that follows another refusal of the same key is not named: a flood is
        logged once, not once per request."""
        return self._use(self.clients, client, "client")

    def check_conversation(self, conversation: str) -> Tuple[bool, int, str]:
        return self._use(self.conversations, conversation, "conversation")

    def check(self, client: str, conversation: str | None) -> Tuple[bool, int, str]:
        """Both limits, the client's first (its token is spent even if the conversation's
        bucket then refuses)."""
        allowed, wait, which = self.check_client(client)
        if allowed and conversation:
            return self.check_conversation(conversation)
        return allowed, wait, which


class ClientLimit:
    """ASGI middleware: the per-client limit for every /api/ request, before the body is
    read or anything else is done, so a flood costs the server as little as possible."""

    def __init__(
        self,
        app: ASGIApp,
        limiter: ChatLimiter,
        refuse: Callable[[int], Response],
        prefix: str = "/api/",
    ) -> None:
        self.app, self.limiter, self.refuse, self.prefix = app, limiter, refuse, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        if scope.get("method") == "OPTIONS":  # CORS preflight
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        allowed, wait, which = self.limiter.check_client(client[0] if client else "-")
        if allowed:
            await self.app(scope, receive, send)
            return
        if which:
            log.warning("api status=429 limit=client path=%s", scope["path"].split("/")[2])
        await self.refuse(wait)(scope, receive, send)
