"""Run Rasa's own command line with the privacy choke point installed.

``python -m bot.rasa.main run ...`` is ``rasa run ...`` plus
``bot.rasa.hooks.install()``. The run command starts the Rasa server this way.
Rasa's telemetry and its error reports to Rasa's servers are off: what citizens write
must never leave the kommune's machines.
"""

from __future__ import annotations

import os
import sys
from typing import List

TELEMETRY_OFF = {"RASA_TELEMETRY_ENABLED": "false"}


def main(argv: List[str] | None = None) -> None:
    os.environ.update(TELEMETRY_OFF)
    from bot.rasa import hooks as rasa_hooks

    rasa_hooks.install()
    from rasa.__main__ import main as rasa_cli

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_cli()


if __name__ == "__main__":
    main()
