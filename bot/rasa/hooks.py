"""The privacy choke points inside the Rasa server.

Where a request enters, before any of Rasa's code sees it, a Sanic middleware
(``bot.rasa.guard``, registered here on the app Rasa builds) masks CPR numbers in
every JSON request body: the REST channel, the HTTP API's
``/conversations/{id}/messages`` and tracker events. The socket.io channel masks its
messages itself (``bot.rasa.socket_channel``). Long texts are parsed off the event
loop (``bot.rasa.parsing``).

Behind them, every input channel Rasa serves (the REST channel at /webhooks/rest/webhook,
socket.io, and any other in credentials.yml) hands each incoming message to
``Agent.handle_message`` (see ``rasa.core.channels.channel.register``). We wrap
that one method so that, before the message is parsed, logged or stored:

- CPR numbers in the text and the metadata are replaced by ``[CPR]``
  (``bot.core.privacy``), in case a channel came past the middleware;
- the first time in a conversation a message had a CPR number masked (here or at
  the edge: the text holds ``[CPR]``), the citizen is told (response
  ``utter_cpr_warning``) not to write CPR numbers; the notice is recorded on
  the tracker as a bot utterance (no action event, so it does not change
  what the policies predict).

``install(settings)`` is called by ``bot.rasa.main`` before Rasa starts; nothing is
patched on import.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List

from bot.core.privacy import CPR_MASK, redact_data, redact_with_count

if TYPE_CHECKING:
    from bot.core.settings import Settings

logger = logging.getLogger(__name__)

CPR_WARNING_RESPONSE = "utter_cpr_warning"

_installed = False


def install(settings: Settings | None = None) -> None:
    """Wrap ``rasa.core.agent.Agent.handle_message`` (idempotent); with settings, also
    the request middleware and the parse limits."""
    global _installed
    if _installed:
        return
    from rasa.core.agent import Agent

    if settings is not None:
        _install_edge(settings)

    original = Agent.handle_message

    async def handle_message(self: Agent, message: Any) -> List[Dict[str, Any]] | None:
        masked = mask_message(message)
        if masked and self.is_ready():
            async with self.lock_store.lock(message.sender_id):
                await _warn_once(self, message)
        return await original(self, message)

    Agent.handle_message = handle_message  # type: ignore[method-assign]
    _installed = True


def _install_edge(settings: Settings) -> None:
    import rasa.core.run

    from bot.rasa import guard, parsing

    model_dirs = [settings.models_dir, settings.var_dir / "model-store"]
    store = getattr(settings, "model_store_dir", None)
    if store:
        model_dirs.append(Path(store))
    configure_app = rasa.core.run.configure_app

    def configure_guarded_app(*args: Any, **kwargs: Any) -> Any:
        app = configure_app(*args, **kwargs)
        guard.register(app, settings.rasa_model_token, model_dirs)
        return app

    rasa.core.run.configure_app = configure_guarded_app
    parsing.install(
        parsing.ParseLimiter(settings.parse_off_loop_chars, settings.max_concurrent_parses)
    )


def mask_message(message: Any) -> int:
    """Mask CPR numbers in a ``UserMessage`` (text and metadata) in place; return how
    many CPR numbers the text holds masked, here or before (``[CPR]``)."""
    metadata = getattr(message, "metadata", None)
    if metadata:
        message.metadata, hidden = redact_data(metadata)
        if hidden:
            logger.info("Masked %d CPR number(s) in a message's metadata.", hidden)
    text = getattr(message, "text", None)
    if not isinstance(text, str) or not text:
        return 0
    masked, count = redact_with_count(text)
    if count:
        message.text = masked
        logger.info("Masked %d CPR number(s) in an incoming message.", count)
    return masked.count(CPR_MASK)


def already_warned(events: Any) -> bool:
    from rasa.shared.core.events import BotUttered

    return any(
        isinstance(e, BotUttered) and (e.metadata or {}).get("utter_action") == CPR_WARNING_RESPONSE
        for e in events
    )


async def _warn_once(agent: Any, message: Any) -> None:
    from rasa.shared.core.events import BotUttered

    processor = agent.processor
    tracker = await processor.fetch_tracker_and_update_session(
        message.sender_id, message.output_channel, message.metadata
    )
    if already_warned(tracker.events):
        return
    channel_name = message.output_channel.name() if message.output_channel else "collector"
    response = await processor.nlg.generate(CPR_WARNING_RESPONSE, tracker, channel_name)
    if not response:
        logger.error("Response %s is missing from the domain.", CPR_WARNING_RESPONSE)
        return
    bot_event = BotUttered(
        response.get("text"),
        data={k: v for k, v in response.items() if k != "text"},
        metadata={"utter_action": CPR_WARNING_RESPONSE},
    )
    if message.output_channel is not None:
        await message.output_channel.send_response(message.sender_id, bot_event.message())
    tracker.update(bot_event)
    await processor.save_tracker(tracker)
