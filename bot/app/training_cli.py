"""`borger models ...`, `borger retrain`, `borger inbox scan`: the office's training loop
on the command line, the same code path as the portal.

    borger models list [--json]          every kept model (id, active, created, metrics)
    borger models activate ID [--reason TEXT]
    borger models rollback               the model that was active before
    borger retrain [--json] [--force] [--override REASON]
                                         guarded retrain: validate, train, evaluate, compare,
                                         activate only if not worse (or with a reason)
    borger inbox scan [--json]           read new conversations into the training inbox
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, List

from sqlalchemy.orm import sessionmaker

from bot.core.clock import Clock
from bot.core.settings import ROOT, Settings
from bot.features.audit import Actor
from bot.features.training import registry, retrain
from bot.features.training.jobs import JobBusy
from bot.features.training.workspace import Workspace
from bot.infra.db import session_scope

CLI_ACTOR = Actor(None, "kommandolinje")


def workspace(settings: Settings) -> Workspace:
    return Workspace(root=settings.training_repo_dir, config=settings.training_config)


def sessions(settings: Settings) -> sessionmaker:
    from bot.app.schema import shared_session_factory

    return shared_session_factory(settings.app_database_url)


def trainer(settings: Settings, factory: sessionmaker) -> retrain.Trainer:
    from bot.rasa.training import trainer_from_settings

    return trainer_from_settings(settings, factory, workspace(settings), Clock(settings.timezone))


def adopt_trained_model(settings: Settings, factory: sessionmaker) -> registry.ModelInfo | None:
    """Take the newest model of ``borger train`` (models_dir) into the registry; active
    when it is new. Its data fingerprint is known when it was trained on this checkout."""
    from bot.rasa.model import latest_model

    latest = latest_model(settings.models_dir)
    if latest is None:
        return None
    ws = workspace(settings)
    trained_here = ws.root.resolve() == ROOT.resolve() and ws.config_path.resolve() == (
        ROOT / "config.yml"
    ).resolve()
    with session_scope(factory) as session:
        return registry.adopt(
            session, latest, settings.model_store, now=Clock(settings.timezone).now(),
            data_fingerprint=ws.data_fingerprint() if trained_here else None,
        )


def _print(value: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps(value, ensure_ascii=False, indent=1, default=str))


def _summary(metrics: dict | None) -> str:
    if not metrics:
        return "ikke målt"
    keys = ("intent_accuracy", "intent_f1", "story_accuracy", "routing_accuracy")
    return "  ".join(
        f"{k}={metrics[k] * 100:.1f}%" for k in keys if isinstance(metrics.get(k), (int, float))
    )


def models_command(args: List[str], settings: Settings) -> int:
    parser = argparse.ArgumentParser(prog="borger models")
    sub = parser.add_subparsers(dest="what", required=True)
    listing = sub.add_parser("list")
    listing.add_argument("--json", action="store_true")
    act = sub.add_parser("activate")
    act.add_argument("id")
    act.add_argument("--reason", default=None)
    act.add_argument("--json", action="store_true")
    back = sub.add_parser("rollback")
    back.add_argument("--json", action="store_true")
    opts = parser.parse_args(args)
    factory = sessions(settings)
    adopt_trained_model(settings, factory)
    if opts.what == "list":
        with session_scope(factory) as session:
            models = [m.as_json() for m in registry.list_models(session)]
        if opts.json:
            _print(models, True)
        else:
            for m in models:
                mark = "*" if m["active"] else " "
                print(f"{mark} {m['id']}  {m['created'][:19]}  {_summary(m['metrics'])}")
        return 0
    job = trainer(settings, factory)
    if opts.what == "activate":
        outcome = retrain.activate(job, CLI_ACTOR, opts.id, opts.reason)
    else:
        outcome = retrain.rollback(job, CLI_ACTOR)
    return _report(outcome, opts.json)


def _report(outcome: retrain.Outcome, as_json: bool) -> int:
    if as_json:
        _print(outcome.as_json(), True)
    else:
        print(outcome.reason)
    ok = outcome.status in ("aktiveret", "uaendret", "afvist")
    return 0 if ok else 1


def retrain_command(args: List[str], settings: Settings) -> int:
    parser = argparse.ArgumentParser(prog="borger retrain")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--force", action="store_true", help="train even if nothing changed")
    parser.add_argument("--override", metavar="REASON", default=None,
                        help="activate even if the gate refuses (the reason is audited)")
    opts = parser.parse_args(args)
    if opts.override is not None and len(opts.override.strip()) < 10:
        print("Skriv en begrundelse på mindst 10 tegn for at gå uden om kontrollen.",
              file=sys.stderr)
        return 2
    factory = sessions(settings)
    adopt_trained_model(settings, factory)
    try:
        outcome = retrain.retrain(
            trainer(settings, factory), CLI_ACTOR, override_reason=opts.override, force=opts.force
        )
    except JobBusy as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if opts.json:
        keys = ("activated", "model", "reason", "metrics", "active_metrics")
        _print({k: outcome.as_json()[k] for k in keys} | {"job": outcome.job_id}, True)
    else:
        print(outcome.reason)
    return 0 if outcome.status != "fejlet" else 1


def inbox_command(args: List[str], settings: Settings) -> int:
    from bot.features.training import inbox, pii
    from bot.infra.db import make_engine
    from bot.infra.recipients import load_secret

    parser = argparse.ArgumentParser(prog="borger inbox")
    sub = parser.add_subparsers(dest="what", required=True)
    scan = sub.add_parser("scan")
    scan.add_argument("--json", action="store_true")
    opts = parser.parse_args(args)
    config = inbox.ScanConfig(
        secret=load_secret(settings), names=pii.spacy_names, confidence=settings.inbox_confidence
    )
    tracker = make_engine(settings.tracker_database_url)
    try:
        with session_scope(sessions(settings)) as session:
            added = inbox.scan(session, tracker, config, Clock(settings.timezone).now())
            waiting = inbox.open_count(session)
    finally:
        tracker.dispose()
    if opts.json:
        _print({"added": added, "open": waiting}, True)
    else:
        print(f"{added} nye beskeder i træningsindbakken; {waiting} venter i alt.")
    return 0


def main(command: str, args: List[str], settings: Settings) -> int:
    if command == "models":
        return models_command(args, settings)
    if command == "retrain":
        return retrain_command(args, settings)
    return inbox_command(args, settings)

