"""The migrations and the models agree (on SQLite and the local PostgreSQL).

When this fails after a table or column was added to a model: generate a revision
(``borger db revision -m "..."``, docs/migrations.md) and commit it.
"""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from bot.app import db_cli
from bot.app.schema import create_schema, metadata
from bot.infra.db import make_engine


def _tables(url: str) -> set:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_an_empty_database_upgraded_to_head_matches_the_models(db_url: str) -> None:
    assert db_cli.upgrade(db_url) == db_cli.head_revision()
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            diffs = db_cli.schema_differences(conn)
    finally:
        engine.dispose()
    assert diffs == [], "models and migrations differ; generate a revision: " + repr(diffs)
    assert set(metadata.tables) <= _tables(db_url)
    assert db_cli.check(db_url) is None


def test_downgrade_to_base_removes_every_app_table_and_upgrade_is_repeatable(
    db_url: str,
) -> None:
    db_cli.upgrade(db_url)
    assert db_cli.downgrade(db_url, "base") is None
    assert not set(metadata.tables) & _tables(db_url)
    assert db_cli.upgrade(db_url) == db_cli.head_revision()
    assert db_cli.upgrade(db_url) == db_cli.head_revision()  # nothing to do: no error


def test_a_database_made_by_create_all_is_adopted_and_keeps_its_rows(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        create_schema(engine)
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO booking_advisor (id, name, active) VALUES (1, 'Rådgiver', :t)"),
                {"t": True},
            )
        assert db_cli.current_revision(engine) is None
    finally:
        engine.dispose()
    assert "kør 'borger db upgrade'" in (db_cli.check(db_url) or "")
    assert db_cli.upgrade(db_url) == db_cli.head_revision()
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM booking_advisor")).scalar_one() == (
                "Rådgiver"
            )
    finally:
        engine.dispose()


def test_the_revisions_form_one_numbered_line() -> None:
    script = ScriptDirectory.from_config(db_cli.alembic_config())
    assert len(script.get_heads()) == 1, "two heads: merge them (docs/migrations.md)"
    revisions = list(script.walk_revisions())
    ids = sorted(r.revision for r in revisions)
    assert ids == [f"{n:04d}" for n in range(1, len(ids) + 1)]
    assert db_cli.next_revision_id() == f"{len(ids) + 1:04d}"


def test_the_command_line_reports_and_checks(db_url: str, capsys) -> None:
    assert db_cli.main(["check"], db_url) == 1
    assert "kør 'borger db upgrade'" in capsys.readouterr().out
    assert db_cli.main(["upgrade"], db_url) == 0
    assert db_cli.head_revision() in capsys.readouterr().out
    assert db_cli.main(["current"], db_url) == 0
    assert capsys.readouterr().out.strip() == db_cli.head_revision()
    assert db_cli.main(["check"], db_url) == 0


def test_upgrade_sql_prints_the_statements_without_touching_the_database(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'never.db'}"
    assert db_cli.main(["upgrade", "--sql"], url) == 0
    out = capsys.readouterr().out
    assert "CREATE TABLE booking_advisor" in out
    assert not (tmp_path / "never.db").exists() or not _tables(url)
