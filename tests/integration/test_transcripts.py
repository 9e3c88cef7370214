"""Whole conversations as a citizen holds them, against the running stack.

The conversations and what they promise are in ``tests/transcripts/*.yml``
(read the ``summary`` of each); the checks are in ``tests/transcripts/runner.py``.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.integration.conftest import Stack
from tests.transcripts.runner import Conversation, hold, load_conversations

pytestmark = pytest.mark.stack

# Conversations that need a condition set up are held by their own test (``needs``).
CONVERSATIONS = [c for c in load_conversations() if not c.needs]


@pytest.mark.parametrize("conv", CONVERSATIONS, ids=[c.id for c in CONVERSATIONS])
def test_conversation(stack: Stack, conv: Conversation) -> None:
    today = datetime.now(ZoneInfo(stack.settings.timezone)).date()
    hold(stack.web, conv, today)


def test_every_conversation_has_a_summary_and_unique_id() -> None:
    everything = load_conversations()
    ids = [c.id for c in everything]
    assert len(ids) == len(set(ids))
    assert all(len(c.summary) >= 20 for c in everything)
