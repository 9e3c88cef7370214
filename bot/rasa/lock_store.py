"""A Redis lock store that really serialises a conversation across Rasa replicas.

Rasa's own ``RedisLockStore`` reads the lock, adds a ticket and writes it back in three
separate calls, so two replicas taking a ticket at the same moment can both get the
same one and process one conversation at the same time; it also polls once a second
and uses the blocking Redis client inside the server's event loop. This one keeps a
queue per conversation in Redis and changes it only in Lua scripts (atomic):

- a message takes the next ticket (``INCR``) and joins the queue (a sorted set), in
  arrival order;
- it may run when its ticket is the first in the queue; it polls every
  ``poll_seconds`` (default 10 ms);
- every ticket has a key with a lease that its owner renews (waiting: on every poll;
  holding: by a heartbeat). A ticket whose owner died (a killed replica) loses its
  lease and is skipped, so the conversation is free again after ``hold_seconds``
  (default 15 s) at most, not Rasa's 60 s.

When Redis cannot be reached, ``lock`` raises ``LockError`` and the message is refused
(the REST channel answers 503, the web app shows the Danish "try again / call us"
text): without the lock two replicas could interleave a conversation's events.
Nothing is written to the tracker store without the lock. See docs/deployment.md.

endpoints.yml: ``lock_store: {type: bot.rasa.lock_store.BorgerRedisLockStore, url,
port, db, password, key_prefix}`` (``bot.rasa.endpoints`` writes it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from typing import Any, AsyncIterator

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

# KEYS: queue, counter, lease prefix. ARGV: lease ms, owner token, counter ttl ms.
_TAKE = """
local ticket = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[1], ticket, ticket)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[3] .. ticket, ARGV[2], 'PX', ARGV[1])
return ticket
"""

# KEYS: queue, lease prefix. ARGV: my ticket, owner token, wait lease ms, hold lease ms.
# Returns 1 (acquired), 0 (wait), -1 (my ticket is gone: its lease expired).
_TRY = """
local mine = ARGV[1]
if redis.call('GET', KEYS[2] .. mine) ~= ARGV[2] then return -1 end
while true do
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
  if head == false or head == nil then return -1 end
  if head == mine then
    redis.call('SET', KEYS[2] .. mine, ARGV[2], 'PX', ARGV[4])
    return 1
  end
  if redis.call('EXISTS', KEYS[2] .. head) == 0 then
    redis.call('ZREM', KEYS[1], head)
  else
    redis.call('SET', KEYS[2] .. mine, ARGV[2], 'PX', ARGV[3])
    return 0
  end
end
"""

# KEYS: lease prefix. ARGV: ticket, owner token, lease ms. 1 if the lease was still mine.
_RENEW = """
if redis.call('GET', KEYS[1] .. ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1] .. ARGV[1], ARGV[2], 'PX', ARGV[3])
return 1
"""

# KEYS: queue, lease prefix. ARGV: ticket, owner token. 1 if I still held it.
_RELEASE = """
local held = redis.call('GET', KEYS[2] .. ARGV[1]) == ARGV[2]
if held then redis.call('DEL', KEYS[2] .. ARGV[1]) end
redis.call('ZREM', KEYS[1], ARGV[1])
if held then return 1 end
return 0
"""


class BorgerRedisLockStore(LockStore):
    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        *,
        url: str = "127.0.0.1",
        port: int = 6379,
        db: int = 0,
        password: str | None = None,
        key_prefix: str = "borger",
        hold_seconds: float = 15.0,
        wait_seconds: float = 5.0,
        poll_seconds: float = 0.01,
        max_wait_seconds: float = 60.0,
        socket_timeout: float = 2.0,
    ) -> None:
        kwargs: dict[str, Any] = dict(endpoint_config.kwargs) if endpoint_config else {}
        self.host = (endpoint_config.url if endpoint_config else None) or url
        self.port = int(kwargs.get("port", port))
        self.db = int(kwargs.get("db", db))
        self.password = kwargs.get("password", password)
        self.prefix = f"{kwargs.get('key_prefix', key_prefix)}:lock:"
        self.hold_ms = int(float(kwargs.get("hold_seconds", hold_seconds)) * 1000)
        self.wait_ms = int(float(kwargs.get("wait_seconds", wait_seconds)) * 1000)
        self.poll = float(kwargs.get("poll_seconds", poll_seconds))
        self.max_wait = float(kwargs.get("max_wait_seconds", max_wait_seconds))
        self.socket_timeout = float(kwargs.get("socket_timeout", socket_timeout))
        self._client: Any = None
        self._scripts: dict[str, Any] = {}
        super().__init__()

    # --- Redis ---
    def _redis(self) -> Any:
        # Created on first use, inside the server's event loop.
        if self._client is None:
            import redis.asyncio as aioredis

            self._client = aioredis.Redis(
                host=self.host,
                port=self.port,
                db=self.db,
                password=self.password,
                socket_timeout=self.socket_timeout,
                socket_connect_timeout=self.socket_timeout,
                decode_responses=True,
            )
            for name, source in (("take", _TAKE), ("try", _TRY), ("renew", _RENEW)):
                self._scripts[name] = self._client.register_script(source)
            self._scripts["release"] = self._client.register_script(_RELEASE)
        return self._client

    def _keys(self, conversation_id: str) -> tuple[str, str, str]:
        base = self.prefix + conversation_id
        return f"{base}:queue", f"{base}:next", f"{base}:lease:"

    async def _call(self, name: str, keys: list[str], args: list[Any]) -> int:
        self._redis()
        try:
            return int(await self._scripts[name](keys=keys, args=args))
        except Exception as exc:  # redis.ConnectionError, TimeoutError, ...
            raise LockError(f"Redis lock store unavailable ({type(exc).__name__})") from exc

    # --- Rasa's LockStore interface ---
    @contextlib.asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = 0,
        wait_time_in_seconds: float = 0,
    ) -> AsyncIterator[TicketLock]:
        queue, counter, lease = self._keys(conversation_id)
        token = secrets.token_hex(8)
        ttl = max(self.hold_ms, self.wait_ms) * 4
        ticket = await self._call("take", [queue, counter, lease], [self.wait_ms, token, ttl])
        heartbeat: asyncio.Task[None] | None = None
        try:
            await self._acquire(conversation_id, ticket, token)
            heartbeat = asyncio.create_task(self._heartbeat(lease, ticket, token))
            yield TicketLock(conversation_id)
        finally:
            if heartbeat is not None:
                heartbeat.cancel()
            await self._release(queue, lease, ticket, token)

    async def _acquire(self, conversation_id: str, ticket: int, token: str) -> None:
        queue, _, lease = self._keys(conversation_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.max_wait
        while True:
            got = await self._call(
                "try", [queue, lease], [ticket, token, self.wait_ms, self.hold_ms]
            )
            if got == 1:
                return
            if got == -1:
                raise LockError("lock ticket expired while waiting (event loop blocked?)")
            if loop.time() > deadline:
                raise LockError(f"waited {self.max_wait:.0f} s for the conversation lock")
            await asyncio.sleep(self.poll)

    async def _heartbeat(self, lease: str, ticket: int, token: str) -> None:
        while True:
            await asyncio.sleep(self.hold_ms / 3000)
            try:
                if not await self._call("renew", [lease], [ticket, token, self.hold_ms]):
                    logger.error("conversation lock lost while processing (lease expired)")
                    return
            except LockError as exc:
                logger.error("conversation lock not renewed: %s", exc)

    async def _release(self, queue: str, lease: str, ticket: int, token: str) -> None:
        try:
            if not await self._call("release", [queue, lease], [ticket, token]):
                logger.error("conversation lock had expired before it was released")
        except LockError as exc:
            # The lease runs out by itself; the next message waits at most hold_seconds.
            logger.error("conversation lock not released: %s", exc)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    # Rasa's ticket-lock methods are not used with this store.
    def get_lock(self, conversation_id: str) -> TicketLock | None:
        raise NotImplementedError("BorgerRedisLockStore keeps its queue in Redis")

    def delete_lock(self, conversation_id: str) -> None:
        raise NotImplementedError("BorgerRedisLockStore keeps its queue in Redis")

    def save_lock(self, lock: TicketLock) -> None:
        raise NotImplementedError("BorgerRedisLockStore keeps its queue in Redis")
