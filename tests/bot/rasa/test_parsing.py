"""Long texts are parsed off the event loop, a bounded number at a time."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List

from bot.rasa.parsing import ParseLimiter, make_parse_message


@dataclass
class Message:
    text: str
    sender_id: str = "s" * 20


@dataclass
class FakeProcessor:
    """The parts of Rasa's MessageProcessor that parse_message uses."""

    release: threading.Event = field(default_factory=threading.Event)
    threads: List[str] = field(default_factory=list)
    running: int = 0
    most_at_once: int = 0
    waited_for_release: List[bool] = field(default_factory=list)
    http_interpreter: Any = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _parse_message_with_graph(
        self, message: Message, tracker: Any, only_output_properties: bool
    ) -> Dict[str, Any]:
        with self.lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.threads.append(threading.current_thread().name)
        if len(message.text) >= 100:
            # A long parse holds on until the test lets it go (or 5 s pass: then the
            # loop was blocked, and the assertion below fails).
            self.waited_for_release.append(self.release.wait(5))
        with self.lock:
            self.running -= 1
        return {"text": message.text, "intent": {"name": "greet"}, "entities": []}

    def _update_full_retrieval_intent(self, parse_data: Dict[str, Any]) -> None:
        parse_data["updated"] = True

    def _check_for_unseen_features(self, parse_data: Dict[str, Any]) -> None:
        parse_data["checked"] = True


async def original_parse(
    self: FakeProcessor, message: Message, tracker: Any = None, only: bool = True
) -> Dict[str, Any]:
    return {**self._parse_message_with_graph(message, tracker, only), "on_loop": True}


def test_a_long_text_is_parsed_off_the_loop_while_short_ones_go_on() -> None:
    processor = FakeProcessor()
    parse = make_parse_message(original_parse, ParseLimiter(100, 1))

    async def scenario() -> tuple[Dict[str, Any], Dict[str, Any]]:
        long_task = asyncio.create_task(parse(processor, Message("x" * 5000)))
        await asyncio.sleep(0)  # the long parse has started
        short = await parse(processor, Message("hej"))  # not stuck behind it
        processor.release.set()
        return await long_task, short

    long_result, short = asyncio.run(scenario())
    assert processor.waited_for_release == [True]
    assert short["on_loop"] is True
    assert "on_loop" not in long_result and long_result["updated"] and long_result["checked"]
    assert processor.threads[0].startswith("nlu-parse")
    assert processor.threads[1] == "MainThread"


def test_at_most_the_bound_of_long_parses_run_at_once() -> None:
    processor = FakeProcessor()
    processor.release.set()
    parse = make_parse_message(original_parse, ParseLimiter(100, 2))

    async def flood() -> list:
        return await asyncio.gather(*(parse(processor, Message("y" * 500)) for _ in range(8)))

    results = asyncio.run(flood())
    assert len(results) == 8
    assert processor.most_at_once <= 2
    assert all(t.startswith("nlu-parse") for t in processor.threads)


def test_an_http_interpreter_is_left_to_rasa() -> None:
    processor = FakeProcessor(http_interpreter=object())
    parse = make_parse_message(original_parse, ParseLimiter(1, 1))
    assert asyncio.run(parse(processor, Message("z" * 500)))["on_loop"] is True
