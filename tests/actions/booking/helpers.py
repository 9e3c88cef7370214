"""Building trackers and expected messages for the booking action tests."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.core.settings import ROOT
from bot.features import booking as bk
from bot.infra.db import session_scope

DOMAIN: Dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text("utf-8"))
TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2025, 11, 26, 10, 0, tzinfo=TZ)  # Wednesday
PHONE = "99 31 16 18"
BOOKING_SLOTS = [
    "booking_topic",
    "booking_meeting_type",
    "booking_slot_start",
    "booking_time_wish",
    "booking_slot_label",
    "booking_name",
    "booking_contact",
    "booking_confirmed",
]
CHANGE_SLOTS = [
    "booking_reference",
    "booking_change_contact",
    "booking_slot_start",
    "booking_time_wish",
    "booking_slot_label",
    "booking_confirmed",
    "booking_change_end",
]
RESET_BOOKING = [SlotSet(name, None) for name in BOOKING_SLOTS]
CHANGE_DONE = [SlotSet(name, None) for name in CHANGE_SLOTS] + [
    SlotSet("form_stopped", None),
    SlotSet("booking_change_kind", None),
]


def button(title: str, key: str) -> Dict[str, str]:
    return {"title": title, "payload": '/inform{"slot_start":"' + key + '"}'}


def tracker(
    slots: Dict[str, Any] | None = None,
    *,
    form: str | None = "booking_form",
    text: str = "",
    intent: str = "inform",
    candidates: Dict[str, Any] | None = None,
    sender: str = "samtale-1",
) -> Tracker:
    """A tracker inside a form, as Rasa sends it: user message, form action, candidates."""
    all_slots: Dict[str, Any] = {name: None for name in BOOKING_SLOTS + CHANGE_SLOTS}
    all_slots.update({"booking_change_kind": None, "booking_change_attempts": 0.0})
    all_slots["requested_slot"] = None
    all_slots.update(slots or {})
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    events: List[Dict[str, Any]] = [
        {"event": "user", "text": text, "parse_data": latest},
        {"event": "slot", "name": "requested_slot", "value": all_slots["requested_slot"]},
    ]
    if form:
        events.append({"event": "action", "name": form})
    for name, value in (candidates or {}).items():
        events.append({"event": "slot", "name": name, "value": value})
        all_slots[name] = value
    return Tracker(
        sender_id=sender,
        slots=all_slots,
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": form} if form else {},
        latest_action_name=form or "action_listen",
    )


def change_tracker(slots: Dict[str, Any], **kw: Any) -> Tracker:
    return tracker(slots, form="booking_change_form", **kw)


def run(action: Any, trk: Tracker) -> tuple:
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, trk, DOMAIN)
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return result, dispatcher.messages


def book_directly(factory, start: datetime, **kw: Any) -> bk.BookingInfo:  # type: ignore[no-untyped-def]
    args: Dict[str, Any] = {
        "start": start,
        "meeting_type": bk.IN_PERSON,
        "topic": "Min sag",
        "name": "Mette Hansen",
        "phone": "12345678",
        "email": None,
    }
    args.update(kw)
    with session_scope(factory) as session:
        return bk.book(session, bk.BookingRequest(**args), now=NOW)


FILLED = {
    "booking_topic": "Afslag på boligstøtte",
    "booking_meeting_type": "fremmoede",
    "booking_slot_start": "2025-12-03T10:00+01:00",
    "booking_slot_label": "onsdag den 3. december kl. 10.00",
    "booking_name": "Mette Hansen",
    "booking_contact": "12345678, mette@example.dk",
}


def confirm_mailbox(factory, address: str) -> None:  # type: ignore[no-untyped-def]
    """The mailbox clicked a confirmation link before (with the services' secret)."""
    from bot.app.bootstrap import services
    from bot.infra.recipients import address_key, confirm_token, load_secret
    from bot.infra.recipients import new_confirmation_token as token_for

    with session_scope(factory) as session:
        key = address_key(load_secret(services().settings), address)
        token = token_for(session, key, NOW)
        assert token is not None and confirm_token(session, token, NOW)
