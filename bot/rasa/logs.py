"""Rasa's own logs, without what citizens write.

Rasa logs through structlog with fields such as ``text``, ``user_text`` and
``parse_data_text`` (the message), and renders a failure's traceback with every
frame's local variables (the sender, the text, the metadata). ``install`` (called by
``bot.rasa.main`` before Rasa's command line runs) changes Rasa's structlog setup:

- the values of Rasa's own list of personal fields (``rasa.utils.log_utils``'s
  anonymizer keys) are left out of every event, at every level;
- tracebacks are rendered without local variables.

The stdlib filter (``bot.core.logfilter``) still masks CPR numbers in what is left.
"""

from __future__ import annotations

from typing import Any, Dict, List

LEFT_OUT = "[left out]"

# rasa.utils.log_utils._anonymizer's keys: the fields that carry what a user wrote.
TEXT_FIELDS = frozenset(
    {
        "text", "response_text", "user_text", "slot_values", "parse_data_text",
        "parse_data_entities", "prediction_events", "tracker_latest_message",
        "prefilled_slots", "message", "response", "slot_candidates", "rasa_event",
        "rasa_events", "tracker_states", "current_states", "old_states", "successes",
        "current_entity", "next_entity", "states", "entity", "token_text", "user_message",
        "json_message", "metadata", "parse_data", "events",
    }
)  # fmt: skip


def leave_out_text(_logger: Any, _method: str, event_dict: Dict[str, Any]) -> Dict[str, Any]:
    """A structlog processor: the personal fields' values are left out."""
    for key in TEXT_FIELDS.intersection(event_dict):
        value = event_dict[key]
        if value not in (None, "", [], {}) and not isinstance(value, (bool, int, float)):
            event_dict[key] = LEFT_OUT
    return event_dict


def without_locals(processors: List[Any]) -> List[Any]:
    """Rasa's structlog processors with tracebacks rendered without local variables,
    and ``leave_out_text`` first."""
    import structlog
    from structlog.processors import ExceptionRenderer
    from structlog.tracebacks import ExceptionDictTransformer

    out: List[Any] = [leave_out_text]
    for processor in processors:
        if processor is leave_out_text:
            continue
        if processor is structlog.processors.dict_tracebacks:
            processor = ExceptionRenderer(ExceptionDictTransformer(show_locals=False))
        elif isinstance(processor, structlog.dev.ConsoleRenderer):
            processor = type(processor)(exception_formatter=structlog.dev.plain_traceback)
        out.append(processor)
    return out


_installed = False


def install() -> None:
    """Wrap Rasa's ``configure_structlog`` as Rasa's command line calls it (idempotent)."""
    global _installed
    if _installed:
        return
    import rasa.__main__
    import structlog

    configure = rasa.__main__.configure_structlog

    def configure_structlog(*args: Any, **kwargs: Any) -> None:
        configure(*args, **kwargs)
        structlog.configure(processors=without_locals(structlog.get_config()["processors"]))

    rasa.__main__.configure_structlog = configure_structlog
    _installed = True
