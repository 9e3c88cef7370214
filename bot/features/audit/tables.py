"""The audit log table (on ``bot.infra.db.Base``), append-only in the database.

On SQLite and PostgreSQL a trigger refuses every UPDATE and DELETE of a row (and
TRUNCATE on PostgreSQL), so not even a bug in this code can rewrite history. The
triggers are made with the table (``create_all``) and by the migration
``0003_audit_log_append_only`` (a database under the migrations). The
rows hold no personal data of citizens: the case is named by its number, a
booking by its reference, a staff user by the user name.

Datetimes are naive UTC, as in the other tables.
"""

from __future__ import annotations

from sqlalchemy import DDL, Column, DateTime, Integer, String, event

from bot.infra.db import Base

TABLE = "audit_log"


class AuditEntry(Base):  # type: ignore[valid-type,misc]
    __tablename__ = TABLE

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime, nullable=False, index=True)
    # Who: a staff user (id and name at the time), or None for the system / the CLI.
    user_id = Column(Integer, nullable=True, index=True)
    username = Column(String(100), nullable=True)
    action = Column(String(40), nullable=False, index=True)
    # Which case (its number), or None.
    case_number = Column(String(20), nullable=True, index=True)
    # What else was touched: a booking reference, a user name ...
    target = Column(String(100), nullable=True)
    # A short description without personal data ("status: i gang", an outcome code).
    detail = Column(String(300), nullable=True)


_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
]
_POSTGRES_TRIGGERS = [
    f"CREATE OR REPLACE FUNCTION {TABLE}_refuse() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql",
    f"CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse()",
    f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_refuse()",
]

for _statement in _SQLITE_TRIGGERS:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in _POSTGRES_TRIGGERS:
    event.listen(
        AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )
