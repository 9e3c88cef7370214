"""Run Rasa's own command line with the privacy choke point installed.

``python -m bot.rasa_main run ...`` is ``rasa run ...`` plus
``bot.rasa_hooks.install()``. The run command starts the Rasa server this way.
"""

from __future__ import annotations

import sys
from typing import List


def main(argv: List[str] | None = None) -> None:
    from bot import rasa_hooks

    rasa_hooks.install()
    from rasa.__main__ import main as rasa_cli

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_cli()


if __name__ == "__main__":
    main()
