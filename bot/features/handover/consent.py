"""The citizen's consent to a hand-over: which text, when, and what it covers.

The text (content/handover.yml, ``samtykke``) says in plain Danish what is shared (the
conversation with CPR numbers masked, and a summary), with whom (Borgerrådgivningen's
staff, who have tavshedspligt under vedtægtens § 19) and for how long (the setting
``case_retention_days``). Nothing is stored before the citizen has said yes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Dict

from bot.features.handover.content import HandoverContent

# What a yes covers: the masked conversation, the summary, the contact wish.
SCOPE = "samtale,resume,kontakt"


@dataclass(frozen=True)
class Consent:
    version: str
    at: datetime  # aware
    scope: str = SCOPE

    def as_json(self) -> Dict[str, str]:
        return {
            "version": self.version,
            "at": self.at.astimezone(timezone.utc).isoformat(timespec="seconds"),
            "scope": self.scope,
        }


def consent_text(content: HandoverContent, retention_days: int) -> str:
    """The question the citizen answers, as shown in the chat."""
    return content.samtykke.render(retention_days)


def consent_version(content: HandoverContent) -> str:
    return content.samtykke.version_id


def given(version: str | None, at: datetime, content: HandoverContent) -> Consent:
    """The consent as recorded: the version shown when asked (else the current one)."""
    return Consent(version=version or consent_version(content), at=at)
