"""What made Rasa slow on the message path, fixed in place (``install()``, called by
``bot.rasa.main`` before Rasa starts; nothing is patched on import).

Measured with ``bench/latency_bench.py --only profile`` (README, "Measured"):

- **Checking the action server's answer** cost about 200 ms per custom action:
  ``RemoteAction._validate_action_result`` calls ``jsonschema.validate``, which first
  checks Rasa's whole event schema against the JSON Schema meta-schema, on every call.
  The validator is now built once, and each event is checked against the one event
  schema its name selects instead of trying all of them (Rasa's ``oneOf``, the same
  answer: tests/bot/rasa/test_speed.py); a bad answer raises the same
  ``ValidationError``.
- **A new HTTP connection for every action call**: ``EndpointConfig.request`` opens a
  new ``aiohttp.ClientSession`` (connector, name lookup in a thread, TCP handshake) for
  each request: about 25 ms of the 39 ms an action call took here against 13 ms on a
  kept connection. The action endpoint now keeps one session per event loop; idle
  connections are dropped after 3 s, before the action server's keep-alive (Sanic: 5 s)
  would close them under it.
- **Reading events** (the tracker store on every message, the action server's answer)
  looked up each event's class by walking every subclass of ``Event`` (about 0.3 ms per
  event, 30 ms for a conversation of 100 events). The lookup is now a dictionary, built
  in the same order, so the same class is found.
- **TED for turns the rules decide**: Rasa runs every policy for every prediction and
  then picks the best. When the rule or memoization policy is certain (confidence 1.0),
  TED cannot win: the ensemble (``DefaultPolicyPredictionEnsemble``) prefers the higher
  confidence, then the higher priority (rules 6, memoization 3, TED 1), and a TED
  without end-to-end (text) features never makes the "end-to-end" or "no user"
  predictions that would overrule them. So the cheap policies run first; TED runs only
  when none of them is certain. The ensemble picks from the same predictions, so the
  chosen action and its events are the ones Rasa would have chosen
  (tests/bot/rasa/test_speed.py holds both ways against each other).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Dict, List

logger = logging.getLogger(__name__)

_installed = False
_validator: Any = None


class _ActionResultValidator:
    """Rasa's schema of an action server answer, checked the same way but faster.

    Each event must match exactly one of ~20 event schemas (``oneOf``); they differ by
    the constant ``event`` name, so only the one with the event's name can match.
    Checking that one alone is the same check as trying them all (the fallback when the
    schema is not shaped like that)."""

    def __init__(self) -> None:
        from jsonschema.validators import validator_for
        from rasa.core.actions.action import RemoteAction

        schema = RemoteAction.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        self.full = cls(schema)
        self.by_event: Dict[str, Any] | None = None
        events = schema.get("properties", {}).get("events", {})
        item = events.get("items", {})
        subs = item.get("oneOf") or []
        names = [sub.get("properties", {}).get("event", {}).get("const") for sub in subs]
        if subs and None not in names and len(set(names)) == len(names):
            self.by_event = {name: cls(sub) for name, sub in zip(names, subs, strict=True)}
            self.event_base = cls({k: v for k, v in item.items() if k != "oneOf"})
            self.event_list = cls({k: v for k, v in events.items() if k != "items"})
            others = {k: v for k, v in schema["properties"].items() if k != "events"}
            self.rest = cls({**schema, "properties": others})

    def validate(self, result: Any) -> None:
        from jsonschema import ValidationError

        if self.by_event is None:
            self.full.validate(result)
            return
        self.rest.validate(result)
        if "events" not in result:
            return
        events = result["events"]
        self.event_list.validate(events)
        for event in events:
            self.event_base.validate(event)
            sub = self.by_event.get(event.get("event"))
            if sub is None:
                raise ValidationError(f"{event!r} is not valid under any of the given schemas")
            sub.validate(event)


def _action_result_validator() -> _ActionResultValidator:
    global _validator
    if _validator is None:
        _validator = _ActionResultValidator()
    return _validator


def validate_action_result(result: Dict[str, Any]) -> bool:
    """Rasa's check of an action server answer, with the validator built once."""
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _action_result_validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your "
            "response from the Action endpoint is valid. For more information about "
            f"the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise e


@dataclass(frozen=True)
class _Plan:
    """The policy nodes of a model's prediction graph, cheap ones first."""

    cheap: List[str]  # in the ensemble's argument order
    ensemble: Any


_plans: Dict[int, _Plan | None] = {}
# How often each way was taken in this process (for the benchmark).
stats: Dict[str, int] = {"rules_decided": 0, "all_policies": 0}


def _plan_for(processor: Any) -> _Plan | None:
    """None when the shortcut does not apply (TED with text features, another
    ensemble, no TED at all)."""
    key = id(processor.graph_runner)
    if key in _plans:
        return _plans[key]
    plan = None
    try:
        plan = _make_plan(processor)
    except Exception as exc:  # an unexpected graph: keep Rasa's own way
        logger.warning("policy shortcut off: %s", type(exc).__name__)
    _plans.clear()  # one model at a time; a new model gets a new plan
    _plans[key] = plan
    return plan


def _make_plan(processor: Any) -> _Plan | None:
    from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
    from rasa.core.policies.memoization import MemoizationPolicy
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.core.policies.ted_policy import TEDPolicy
    from rasa.shared.nlu.constants import TEXT

    target = processor.model_metadata.core_target
    nodes = processor.model_metadata.predict_schema.nodes
    ensemble_node = nodes[target]
    if ensemble_node.uses is not DefaultPolicyPredictionEnsemble:
        return None
    cheap, expensive = [], []
    for arg, name in ensemble_node.needs.items():
        if not arg.startswith("policy"):
            continue
        uses = nodes[name].uses
        if issubclass(uses, (RulePolicy, MemoizationPolicy)):
            cheap.append(name)
        elif issubclass(uses, TEDPolicy):
            ted = processor.graph_runner._instantiated_nodes[name]._component
            if TEXT in (getattr(ted, "fake_features", None) or {}):
                return None  # end-to-end TED may overrule the rules
            expensive.append(name)
        else:
            return None  # a policy we have not reasoned about
    if not cheap or not expensive:
        return None
    return _Plan(cheap=cheap, ensemble=DefaultPolicyPredictionEnsemble())


def predict_rules_first(processor: Any, tracker: Any, full: Any) -> Any:
    """The ensemble's prediction from the cheap policies when one of them is certain,
    else ``full(processor, tracker)`` (every policy, Rasa's way)."""
    from rasa.engine.constants import PLACEHOLDER_TRACKER

    plan = None if tracker.followup_action else _plan_for(processor)
    if plan is not None:
        results = processor.graph_runner.run(
            inputs={PLACEHOLDER_TRACKER: tracker}, targets=plan.cheap
        )
        predictions = [results[name] for name in plan.cheap]
        if any(p.max_confidence >= 1.0 for p in predictions):
            best = plan.ensemble.combine_predictions(predictions, tracker, processor.domain)
            # < 1.0: e.g. the certain action was rejected just now
            if best.max_confidence >= 1.0:
                stats["rules_decided"] += 1
                return best
    stats["all_policies"] += 1
    return full(processor, tracker)


_event_classes: Dict[str, Any] = {}


def resolve_event_type(type_name: str, default: Any = None) -> Any:
    """``Event.resolve_by_type`` with the classes in a dictionary (first one wins, as
    in Rasa's walk); a name not found is looked up Rasa's way (new subclasses)."""
    cls = _event_classes.get(type_name)
    if cls is not None:
        return cls
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event

    for sub in rasa.shared.utils.common.all_subclasses(Event):
        _event_classes.setdefault(sub.type_name, sub)
    cls = _event_classes.get(type_name)
    if cls is not None:
        return cls
    return _original_resolve(type_name, default)


_original_resolve: Any = None
_rasa_predict: Any = None


def rasa_prediction() -> Any:
    """Rasa's own ``MessageProcessor._predict_next_with_tracker`` (every policy)."""
    if _rasa_predict is not None:
        return _rasa_predict
    from rasa.core.processor import MessageProcessor

    return MessageProcessor._predict_next_with_tracker


KEEP_ALIVE_SECONDS = 3.0


class _KeptSession:
    """``async with endpoint.session()`` for the action endpoint: one aiohttp session
    per event loop, made like Rasa makes it (headers, auth, timeout), never closed by
    the caller."""

    _sessions: Dict[tuple, Any] = {}

    def __init__(self, endpoint: Any) -> None:
        self.endpoint = endpoint

    def _session(self) -> Any:
        import asyncio

        import aiohttp
        from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

        loop = asyncio.get_running_loop()
        key = (id(self.endpoint), id(loop))
        kept = self._sessions.get(key)
        session = kept[0] if kept is not None and kept[1] is loop else None
        if session is None or session.closed:
            basic = self.endpoint.basic_auth
            session = aiohttp.ClientSession(
                headers=self.endpoint.headers,
                auth=aiohttp.BasicAuth(basic["username"], basic["password"]) if basic else None,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS),
            )
            self._sessions[key] = (session, loop)
        return session

    async def __aenter__(self) -> Any:
        return self._session()

    async def __aexit__(self, *_exc: Any) -> None:
        return None


def install() -> None:
    """Patch the slow parts (idempotent)."""
    global _installed
    if _installed:
        return
    from rasa.core.actions.action import RemoteAction

    def _validate(self: Any, result: Dict[str, Any]) -> bool:
        return validate_action_result(result)

    RemoteAction._validate_action_result = _validate  # type: ignore[method-assign]

    from rasa.utils.endpoints import EndpointConfig

    make_session = EndpointConfig.session

    def session(self: Any) -> Any:
        if getattr(self, "_borger_keep_alive", False):
            return _KeptSession(self)
        return make_session(self)

    EndpointConfig.session = session  # type: ignore[method-assign]
    remote_init = RemoteAction.__init__

    def init(self: Any, name: str, action_endpoint: Any) -> None:
        remote_init(self, name, action_endpoint)
        if action_endpoint is not None:  # the action server: called on every message
            action_endpoint._borger_keep_alive = True

    RemoteAction.__init__ = init  # type: ignore[method-assign]

    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.events import Event

    global _original_resolve
    _original_resolve = Event.resolve_by_type
    Event.resolve_by_type = staticmethod(resolve_event_type)  # type: ignore[method-assign]

    global _rasa_predict
    _rasa_predict = full = MessageProcessor._predict_next_with_tracker

    def _predict(self: Any, tracker: Any) -> Any:
        return predict_rules_first(self, tracker, full)

    MessageProcessor._predict_next_with_tracker = _predict  # type: ignore[method-assign]

    _installed = True
