"""`borger staff ...` and `borger audit --json` (bot/app/staff_cli.py), on both databases."""

from __future__ import annotations

import io
import json

import pytest

from bot.app.staff_cli import audit_main, staff_main
from bot.core.settings import Settings
from bot.features.audit import log as audit
from bot.features.cases import casework
from bot.features.staff.passwords import verify
from bot.features.staff.sessions import LoginPolicy, login
from bot.features.staff.tables import StaffUser
from bot.infra.db import make_engine, make_session_factory, session_scope
from tests.casedata import NOW, add_case


@pytest.fixture
def settings(engine, db_url: str) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(database_url=db_url)


def run(settings: Settings, *args: str, stdin: str = "") -> int:
    return staff_main(list(args), settings, stdin=io.StringIO(stdin))


def test_add_list_disable_and_reset_password(settings: Settings, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(settings, "add", "Mette", "--role", "raadgiver,admin",
               stdin="en-lang-hemmelig-kode\n") == 0  # fmt: skip
    assert capsys.readouterr().out == "Brugeren mette er oprettet (raadgiver, admin).\n"
    assert run(settings, "add", "anja", "--role", "traener", stdin="endnu-en-lang-kode") == 0
    capsys.readouterr()
    assert run(settings, "list") == 0
    assert capsys.readouterr().out == "anja\ttraener\taktiv\nmette\traadgiver,admin\taktiv\n"
    assert run(settings, "reset-password", "anja", stdin="en-tredje-lang-kode\n") == 0
    assert run(settings, "disable", "anja") == 0
    out = capsys.readouterr().out
    assert "Adgangskoden til anja er skiftet." in out and "Brugeren anja er deaktiveret." in out
    engine = make_engine(settings.app_database_url)
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        users = {u.username: u for u in s.query(StaffUser)}
        assert verify(users["mette"].password_hash, "en-lang-hemmelig-kode")
        assert verify(users["anja"].password_hash, "en-tredje-lang-kode")
        assert not users["anja"].active
        trail = [(x.user, x.action, x.target) for x in audit.entries(s)]
    engine.dispose()
    assert trail == [
        ("kommandolinje", "bruger-oprettet", "mette"),
        ("kommandolinje", "bruger-oprettet", "anja"),
        ("kommandolinje", "adgangskode-nulstillet", "anja"),
        ("kommandolinje", "bruger-deaktiveret", "anja"),
    ]


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["add", "mette", "--role", "chef"], "en-lang-hemmelig-kode", "Rollen skal være"),
        (["add", "mette", "--role", "raadgiver"], "kort\n", "mindst 12 tegn"),
        (["add", "m e", "--role", "raadgiver"], "en-lang-hemmelig-kode", "Brugernavnet"),
        (["disable", "ingen"], "", "ingen bruger med navnet 'ingen'"),
        (["reset-password", "ingen"], "en-lang-hemmelig-kode", "ingen bruger"),
    ],
)
def test_mistakes_are_told_in_danish_with_exit_code_1(
    settings, capsys, args, stdin, message
) -> None:  # type: ignore[no-untyped-def]
    assert run(settings, *args, stdin=stdin) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fejl: ") and message in err


def test_a_missing_role_is_a_usage_error(settings, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit_:
        run(settings, "add", "mette")
    assert exit_.value.code == 2 and "Fejl:" in capsys.readouterr().err


def test_audit_json_is_one_list_with_user_action_case_and_time(settings, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(settings, "add", "mette", "--role", "raadgiver", stdin="en-lang-hemmelig-kode") == 0
    engine = make_engine(settings.app_database_url)
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        result = login(s, "mette", "en-lang-hemmelig-kode", address="127.0.0.1", now=NOW,
                       policy=LoginPolicy())  # fmt: skip
        assert result.user is not None
        add_case(s)
        casework.add_note(s, "BR-2026-0001", "Ringede", actor=result.user.actor, now=NOW)
    engine.dispose()
    capsys.readouterr()
    assert audit_main(["--json"], settings) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [(e["user"], e["action"], e["case"]) for e in entries] == [
        ("kommandolinje", "bruger-oprettet", None),
        ("mette", "login", None),
        ("mette", "note", "BR-2026-0001"),
    ]
    assert entries[2]["time"] == "2026-12-01T10:00:00+01:00"
    assert audit_main(["--json", "--case", "BR-2026-0001"], settings) == 0
    assert [e["action"] for e in json.loads(capsys.readouterr().out)] == ["note"]
    assert audit_main(["--limit", "1"], settings) == 0
    assert capsys.readouterr().out == "2026-12-01 10:00:00\tmette\tnote\tBR-2026-0001\n"
