"""What every action gets: the process's services (bot.app.bootstrap).

Rasa creates actions without arguments, so they use the process's services; a
test passes its own ``Services`` (fixed clock, a temporary database, copied
content) to the constructor instead of patching module attributes.
"""

from __future__ import annotations

from bot.app.bootstrap import Services
from bot.app.bootstrap import services as process_services


class WithServices:
    """Mixin for actions: ``self.services``."""

    def __init__(self, services: Services | None = None) -> None:
        self._services = services

    @property
    def services(self) -> Services:
        return self._services or process_services()
