"""Run Rasa's own command line with the privacy choke point installed.

``python -m bot.rasa.main run ...`` is ``rasa run ...`` plus
``bot.rasa.hooks.install()``. The run command starts the Rasa server this way.
Rasa's telemetry and its error reports to Rasa's servers are off: what citizens write
must never leave the kommune's machines.

Before Rasa starts: files are created private and every log record is masked
(``bot.core.process``), Rasa's own logs leave text and traceback locals out
(``bot.rasa.logs``). ``rasa run`` gets the API token from the settings
(``BORGER_RASA_TOKEN``, never on the command line, where ``ps`` shows it) and, unless
``--credentials`` is given, the channels from the settings (``render_credentials``:
socket.io with the allowed origins, or none).
"""

from __future__ import annotations

import os
import sys
from typing import List

from bot.core import process
from bot.core.settings import Settings, get_settings
from bot.rasa.endpoints import write_credentials

TELEMETRY_OFF = {"RASA_TELEMETRY_ENABLED": "false"}


def server_args(args: List[str], settings: Settings) -> List[str]:
    """``rasa run`` arguments completed from the settings (other commands unchanged)."""
    if not args or args[0] != "run":
        return list(args)
    out = list(args)
    if settings.rasa_token and "--auth-token" not in out:
        out += ["--auth-token", settings.rasa_token]
    if "--credentials" not in out:
        path = write_credentials(settings, settings.var_dir / "credentials.yml")
        out += ["--credentials", str(path)]
    return out


def main(argv: List[str] | None = None) -> None:
    os.environ.update(TELEMETRY_OFF)
    process.harden()
    settings = get_settings()
    from bot.rasa import hooks as rasa_hooks
    from bot.rasa import logs, speed, tracker_store

    rasa_hooks.install(settings)
    tracker_store.install()  # database errors fail the message (no silent fresh tracker)
    speed.install()  # the slow parts of Rasa's message path (bot/rasa/speed.py)
    logs.install()
    from rasa.__main__ import main as rasa_cli

    sys.argv = ["rasa", *server_args(sys.argv[1:] if argv is None else argv, settings)]
    rasa_cli()


if __name__ == "__main__":
    main()
