"""The training services of the web app: database, clock, name finder, hash secret,
tracker store and the guarded retrain (built from the settings on first use; tests
call ``configure_training`` with their own)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.core.clock import Clock
from bot.core.settings import Settings
from bot.features.training import pii
from bot.features.training.editor import Editor
from bot.features.training.gitrepo import GitRepo
from bot.features.training.inbox import ScanConfig
from bot.features.training.office_nlu import OfficeNlu
from bot.features.training.retrain import Trainer
from bot.features.training.tables import create_tables
from bot.features.training.workspace import Workspace
from bot.infra.db import make_engine, make_session_factory


@dataclass
class TrainingWeb:
    settings: Settings
    sessions: sessionmaker
    clock: Clock
    names: pii.Names = pii.spacy_names
    trainer: Trainer | None = None
    editor: Editor | None = None
    _tracker: Engine | None = field(default=None, repr=False)
    _secret: bytes | None = field(default=None, repr=False)

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.settings.training_repo_dir, self.settings.training_config)

    @property
    def repo(self) -> GitRepo:
        return GitRepo(self.settings.training_repo_dir)

    def office_nlu(self) -> OfficeNlu:
        return OfficeNlu(self.workspace)

    def secret(self) -> bytes:
        if self._secret is None:
            from bot.infra.recipients import load_secret

            self._secret = load_secret(self.settings)
        return self._secret

    def tracker(self) -> Engine:
        if self._tracker is None:
            self._tracker = make_engine(self.settings.tracker_database_url)
        return self._tracker

    def scan_config(self) -> ScanConfig:
        return ScanConfig(self.secret(), self.names, self.settings.inbox_confidence)

    def get_trainer(self) -> Trainer:
        if self.trainer is None:
            from bot.rasa.training import trainer_from_settings

            self.trainer = trainer_from_settings(
                self.settings, self.sessions, self.workspace, self.clock
            )
        return self.trainer

    def get_editor(self) -> Editor:
        if self.editor is None:
            from bot.app.datafiles import loaders
            from bot.rasa.training import RasaToolchain

            def content_check(name: str, content_dir: Any) -> None:
                found = loaders(content_dir).get(name)
                if found is not None:
                    found()

            self.editor = Editor(
                self.workspace, self.repo, content_check=content_check,
                data_check=RasaToolchain().validate,
            )
        return self.editor


_lock = threading.Lock()


def configure_training(
    app: Any,
    *,
    sessions: sessionmaker | None = None,
    clock: Clock | None = None,
    names: pii.Names | None = None,
    trainer: Trainer | None = None,
    editor: Editor | None = None,
) -> TrainingWeb:
    settings: Settings = app.state.settings
    if sessions is None:
        engine = make_engine(settings.app_database_url)
        create_tables(engine)
        sessions = make_session_factory(engine)
    context = TrainingWeb(
        settings=settings,
        sessions=sessions,
        clock=clock or Clock(settings.timezone),
        names=names or pii.spacy_names,
        trainer=trainer,
        editor=editor,
    )
    app.state.training = context
    return context


def get_training(request: Request) -> TrainingWeb:
    context: TrainingWeb | None = getattr(request.app.state, "training", None)
    if context is None:
        with _lock:
            context = getattr(request.app.state, "training", None) or configure_training(
                request.app
            )
    return context
