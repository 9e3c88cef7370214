"""The Redis lock store against the local Redis (127.0.0.1:6379; BORGER_TEST_REDIS_URL).

Each test uses its own key prefix and deletes its keys afterwards.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from typing import Iterator, List

import pytest
import redis
from rasa.core.lock_store import LockError
from rasa.utils.endpoints import EndpointConfig

from bot.rasa.endpoints import LOCK_STORE, lock_store_config
from bot.rasa.lock_store import BorgerRedisLockStore

REDIS_URL = os.environ.get("BORGER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def prefix() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("Redis is required in CI")
        pytest.skip("no Redis at " + REDIS_URL)
    name = f"test{uuid.uuid4().hex[:10]}"
    yield name
    for key in client.scan_iter(f"{name}:*"):
        client.delete(key)
    client.close()


def store(prefix: str, **kwargs: object) -> BorgerRedisLockStore:
    """A store the way Rasa builds it from endpoints.yml."""
    config = lock_store_config(REDIS_URL, prefix)
    assert config.pop("type") == LOCK_STORE
    url = config.pop("url")
    return BorgerRedisLockStore(EndpointConfig(url=url, **config, **kwargs))


class Observed(BorgerRedisLockStore):
    """Tells when a message has taken its ticket (its place in the queue)."""

    ticketed: asyncio.Queue

    async def _call(self, name: str, keys: list, args: list) -> int:
        result = await super()._call(name, keys, args)
        if name == "take":
            await self.ticketed.put(result)
        return result


def test_two_replicas_never_hold_one_conversation_at_once_and_serve_in_arrival_order(
    prefix: str,
) -> None:
    async def main() -> List[int]:
        ticketed: asyncio.Queue = asyncio.Queue()
        replicas = []
        for _ in range(2):
            config = lock_store_config(REDIS_URL, prefix)
            config.pop("type")
            r = Observed(EndpointConfig(url=config.pop("url"), **config))
            r.ticketed = ticketed
            replicas.append(r)
        inside = 0
        most = 0
        served: List[int] = []

        async def message(n: int) -> None:
            nonlocal inside, most
            async with replicas[n % 2].lock("conv-1"):
                inside += 1
                most = max(most, inside)
                served.append(n)
                await asyncio.sleep(0.01)  # the message is being handled
                inside -= 1

        tasks = []
        for n in range(20):  # message n arrives once message n-1 is in the queue
            tasks.append(asyncio.create_task(message(n)))
            await ticketed.get()
        await asyncio.gather(*tasks)
        for r in replicas:
            await r.close()
        assert most == 1
        return served

    assert asyncio.run(main()) == list(range(20))


def test_other_conversations_do_not_wait(prefix: str) -> None:
    async def main() -> None:
        s = store(prefix)
        async with s.lock("conv-a"):
            await asyncio.wait_for(_enter(s, "conv-b"), timeout=1.0)
        await s.close()

    asyncio.run(main())


async def _enter(s: BorgerRedisLockStore, conversation: str) -> None:
    async with s.lock(conversation):
        pass


def test_a_killed_holder_frees_the_conversation_after_its_lease(prefix: str) -> None:
    """A replica killed while handling a message never releases the lock; its lease runs
    out and the next message goes on."""

    async def main() -> float:
        dying = store(prefix, hold_seconds=0.6)
        other = store(prefix, hold_seconds=0.6)
        ctx = dying.lock("conv-1")
        await ctx.__aenter__()
        # "kill -9": no release and no more heartbeats.
        for task in asyncio.all_tasks():
            if task.get_coro().__qualname__.endswith("_heartbeat"):  # type: ignore[union-attr]
                task.cancel()
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.wait_for(_enter(other, "conv-1"), timeout=5.0)
        waited = loop.time() - started
        await other.close()
        return waited

    waited = asyncio.run(main())
    assert 0.3 < waited < 5.0


def test_the_heartbeat_keeps_a_long_message_locked(prefix: str) -> None:
    async def main() -> List[str]:
        s1, s2 = store(prefix, hold_seconds=0.3), store(prefix, hold_seconds=0.3)
        order: List[str] = []

        async def long_message() -> None:
            async with s1.lock("conv-1"):
                order.append("long starts")
                await asyncio.sleep(1.0)  # three leases long
                order.append("long ends")

        async def next_message() -> None:
            await asyncio.sleep(0.05)
            async with s2.lock("conv-1"):
                order.append("next")

        await asyncio.gather(long_message(), next_message())
        await s1.close()
        await s2.close()
        return order

    assert asyncio.run(main()) == ["long starts", "long ends", "next"]


def test_redis_gone_refuses_the_message_with_a_lock_error(prefix: str) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    gone = BorgerRedisLockStore(EndpointConfig(url="127.0.0.1", port=port, key_prefix=prefix))
    entered = False

    async def main() -> None:
        nonlocal entered
        async with gone.lock("conv-1"):
            entered = True

    with pytest.raises(LockError):
        asyncio.run(main())
    assert not entered


def test_the_queue_is_empty_after_every_message(prefix: str) -> None:
    async def main() -> None:
        s = store(prefix)
        for _ in range(3):
            async with s.lock("conv-1"):
                pass
        await s.close()

    asyncio.run(main())
    client = redis.Redis.from_url(REDIS_URL)
    queue = client.zcard(f"{prefix}:lock:conv-1:queue")
    leases = list(client.scan_iter(f"{prefix}:lock:conv-1:lease:*"))
    client.close()
    assert queue == 0
    assert leases == []
