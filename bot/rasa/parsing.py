"""NLU parsing that does not stall the Rasa server.

Rasa parses a message on its event loop: while a 20 000-character text is parsed
(about 0.6 s), no other citizen's message moves. ``install`` wraps
``MessageProcessor.parse_message`` so that

- a text of at least ``off_loop_chars`` characters (``BORGER_PARSE_OFF_LOOP_CHARS``)
  is parsed in a worker thread; the event loop goes on serving the others;
- at most ``max_concurrent`` such parses run at a time
  (``BORGER_MAX_CONCURRENT_PARSES``); the next ones wait without blocking the loop.

Short texts are parsed on the loop as before (a few milliseconds, one at a time, as
the loop runs one thing at a time). The parse itself is Rasa's own
(``_parse_message_with_graph``), with the same steps after it.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Awaitable, Callable, Dict

ParseMessage = Callable[..., Awaitable[Dict[str, Any]]]


class ParseLimiter:
    def __init__(self, off_loop_chars: int, max_concurrent: int) -> None:
        self.off_loop_chars = max(0, off_loop_chars)
        self.max_concurrent = max(1, max_concurrent)
        self._executor = ThreadPoolExecutor(self.max_concurrent, thread_name_prefix="nlu-parse")
        self._slots: asyncio.Semaphore | None = None

    def off_loop(self, text: str | None) -> bool:
        return len(text or "") >= self.off_loop_chars

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_concurrent)
        async with self._slots:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)


def make_parse_message(original: ParseMessage, limiter: ParseLimiter) -> ParseMessage:
    """``MessageProcessor.parse_message`` with long texts parsed off the loop."""

    async def parse_message(
        self: Any, message: Any, tracker: Any = None, only_output_properties: bool = True
    ) -> Dict[str, Any]:
        if self.http_interpreter or not limiter.off_loop(message.text):
            return await original(self, message, tracker, only_output_properties)
        if tracker is None:
            from rasa.shared.core.trackers import DialogueStateTracker

            tracker = DialogueStateTracker.from_events(message.sender_id, [])
        parse_data: Dict[str, Any] = await limiter.run(
            self._parse_message_with_graph, message, tracker, only_output_properties
        )
        self._update_full_retrieval_intent(parse_data)
        self._check_for_unseen_features(parse_data)
        return parse_data

    return parse_message


_installed = False


def install(limiter: ParseLimiter) -> None:
    """Wrap Rasa's ``MessageProcessor.parse_message`` (idempotent)."""
    global _installed
    if _installed:
        return
    from rasa.core.processor import MessageProcessor

    MessageProcessor.parse_message = make_parse_message(  # type: ignore[method-assign]
        MessageProcessor.parse_message, limiter
    )
    _installed = True
