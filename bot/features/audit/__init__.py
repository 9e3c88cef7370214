"""The audit log: who did what to which case, append-only.

``tables`` holds the one table (append-only: the database itself refuses UPDATE and
DELETE); ``log`` records entries and reads them back. Every service that staff use
records its own entries, so a new caller cannot forget to.
"""

from bot.features.audit.log import (
    ACTIONS,
    Actor,
    AuditLine,
    entries,
    record,
)
from bot.features.audit.tables import AuditEntry

__all__ = ["ACTIONS", "Actor", "AuditEntry", "AuditLine", "entries", "record"]
