"""What every entry point does first (Rasa, the action server, the web app, the CLI
and its worker): the files the process creates in var/ (databases, .eml files,
endpoints) are readable by its own user only (umask 077: files 0600, folders 0700),
and no log record carries a CPR number (``bot.core.logfilter``)."""

from __future__ import annotations

import os

from bot.core import logfilter

PRIVATE_UMASK = 0o077


def harden() -> None:
    os.umask(PRIVATE_UMASK)
    logfilter.install()
