"""`borger staff ...` and `borger audit ...`: staff accounts and the audit log.

borger staff add NAME --role ROLE[,ROLE]   a new user; the password is read from standard
                                           input (typed twice on a terminal)
borger staff list                          every user with roles and state
borger staff disable NAME                  the user can no longer log in (sessions end)
borger staff reset-password NAME           a new password from standard input
borger audit [--json] [--case NR] [--user NAME] [--action A] [--limit N]
                                           the audit log, oldest first; --json: one JSON list
                                           (user, action, case, time, target, detail)

Roles: raadgiver (cases, bookings, outbox, report), traener (the training loop),
admin (users, audit log). Changes made here are audited as the user "kommandolinje".
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import datetime, timezone
from typing import IO, List

from sqlalchemy.orm import sessionmaker

from bot.app.schema import ensure_embedded_schema
from bot.core.settings import Settings
from bot.features.audit import log as audit
from bot.features.staff import accounts
from bot.features.staff.tables import ROLES
from bot.infra.db import make_engine, make_session_factory, session_scope

CLI_ACTOR = audit.Actor.system("kommandolinje")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"Fejl: {message}", file=sys.stderr)
        raise SystemExit(2)


def read_password(stdin: IO[str], *, confirm: bool = True) -> str:
    """The password from standard input: typed twice on a terminal, else the first line."""
    if stdin.isatty():
        first = getpass.getpass("Adgangskode: ")
        if confirm and getpass.getpass("Gentag adgangskoden: ") != first:
            raise accounts.AccountError("De to adgangskoder er ikke ens.")
        return first
    line = stdin.readline()
    return line[:-1] if line.endswith("\n") else line


def _factory(settings: Settings) -> sessionmaker:
    engine = make_engine(settings.app_database_url)
    ensure_embedded_schema(engine)
    return make_session_factory(engine)


def staff_main(argv: List[str], settings: Settings, stdin: IO[str] | None = None) -> int:
    parser = _Parser(prog="borger staff", description="Personalets brugere i portalen.")
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="opret en bruger (adgangskoden læses fra standard input)")
    add.add_argument("name")
    add.add_argument("--role", required=True, help=f"en eller flere af {', '.join(ROLES)}")
    sub.add_parser("list", help="vis brugerne")
    sub.add_parser("disable", help="deaktivér en bruger").add_argument("name")
    sub.add_parser("reset-password", help="ny adgangskode fra standard input").add_argument("name")
    args = parser.parse_args(argv)
    stdin = stdin or sys.stdin
    now = datetime.now(timezone.utc)
    factory = _factory(settings)
    try:
        if args.action == "list":
            with session_scope(factory) as session:
                users = accounts.list_users(session)
            for u in users:
                state = "aktiv" if u.active else "deaktiveret"
                print(f"{u.username}\t{','.join(u.roles)}\t{state}")
            return 0
        if args.action == "add":
            roles = accounts.parse_roles(args.role)
            accounts.check_username(args.name)
            password = read_password(stdin)
            with session_scope(factory) as session:
                user = accounts.add_user(
                    session, args.name, password, roles, actor=CLI_ACTOR, now=now
                )
            print(f"Brugeren {user.username} er oprettet ({', '.join(user.roles)}).")
            return 0
        if args.action == "disable":
            with session_scope(factory) as session:
                user = accounts.disable_user(session, args.name, actor=CLI_ACTOR, now=now)
            print(f"Brugeren {user.username} er deaktiveret.")
            return 0
        password = read_password(stdin)
        with session_scope(factory) as session:
            user = accounts.reset_password(session, args.name, password, actor=CLI_ACTOR, now=now)
        print(f"Adgangskoden til {user.username} er skiftet.")
        return 0
    except accounts.AccountError as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        return 1
    finally:
        factory.kw["bind"].dispose()


def audit_main(argv: List[str], settings: Settings) -> int:
    parser = _Parser(prog="borger audit", description="Revisionsloggen, ældste først.")
    parser.add_argument("--json", action="store_true", help="én JSON-liste")
    parser.add_argument("--case", help="kun denne sag (sagsnummer)")
    parser.add_argument("--user", help="kun denne bruger")
    parser.add_argument("--action", help="kun denne handling")
    parser.add_argument("--limit", type=int, help="højst så mange (de nyeste)")
    args = parser.parse_args(argv)
    factory = _factory(settings)
    try:
        with session_scope(factory) as session:
            lines = audit.entries(
                session,
                tz=settings.timezone,
                case=args.case,
                user=args.user,
                action=args.action,
                limit=args.limit,
                newest_first=args.limit is not None,
            )
    finally:
        factory.kw["bind"].dispose()
    lines.sort(key=lambda line: line.id)
    if args.json:
        print(json.dumps([line.as_dict() for line in lines], ensure_ascii=False, indent=1))
        return 0
    for line in lines:
        parts = [f"{line.at:%Y-%m-%d %H:%M:%S}", line.user, line.action, line.case or "-"]
        extra = " ".join(p for p in (line.target, line.detail) if p)
        print("\t".join(parts + ([extra] if extra else [])))
    return 0
