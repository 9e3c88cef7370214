"""From the inbox to an office example: the file, the commit, the provenance, and what
happens when the conversation is deleted."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from bot.features.audit import Actor, AuditEntry
from bot.features.training import examples, inbox
from bot.features.training.gitrepo import GitRepo
from bot.features.training.office_nlu import ExampleRefused, OfficeNlu
from bot.features.training.tables import InboxItem, Provenance
from bot.features.training.workspace import Workspace, load_holdout
from bot.infra.db import session_scope
from tests.bot.features.training.helpers import git, project_copy
from tests.bot.features.training.test_pii import names

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
CONFIG = inbox.ScanConfig(secret=b"s", names=names)
TRINE = Actor(3, "trine")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project_copy(tmp_path_factory.mktemp("pristine") / "repo",
                        parts=("domain.yml", "data"))


@pytest.fixture
def ws(pristine: Path, tmp_path: Path) -> Workspace:
    git(tmp_path, "clone", "-q", str(pristine), "repo")
    return Workspace(tmp_path / "repo", Path("config.yml"))


def _flag(session, text: str, sender: str = "s" * 20, at: datetime = NOW) -> int:  # type: ignore[no-untyped-def]
    inbox.flag(session, CONFIG, sender_id=sender, message=text, at=at, predicted_intent="skat")
    session.flush()
    return int(session.execute(select(InboxItem.id).order_by(InboxItem.id.desc())).scalar())


def _office(ws: Workspace, feature: str) -> dict:
    return yaml.safe_load((ws.office_nlu / f"{feature}.yml").read_text(encoding="utf-8"))


def test_the_right_intent_becomes_an_office_example_with_provenance(session_factory, ws) -> None:  # type: ignore[no-untyped-def]
    repo = GitRepo(ws.root)
    with session_scope(session_factory) as s:
        item = _flag(s, "hvorfor har jeg fået en regning fra gældsstyrelsen")
        done = examples.resolve(s, [item], "udbetaling_danmark", actor=TRINE, now=NOW,
                                nlu=OfficeNlu(ws), repo=repo, names=names)
    assert done.status == "afgjort" and done.file == "data/nlu/office/competence.yml"
    office = _office(ws, "competence")
    assert office["nlu"] == [{
        "intent": "udbetaling_danmark",
        "examples": "- hvorfor har jeg fået en regning fra gældsstyrelsen\n",
    }]
    log = repo.log(limit=1)[0]
    assert log.author == "trine" and "'udbetaling_danmark'" in log.message
    assert log.files == ("data/nlu/office/competence.yml",)
    assert git(ws.root, "status", "--porcelain") == ""
    with session_scope(session_factory) as s:
        prov = s.execute(select(Provenance)).scalar_one()
        audit = s.execute(select(AuditEntry)).scalar_one()
        item_row = s.get(InboxItem, item)
    assert prov.example == "hvorfor har jeg fået en regning fra gældsstyrelsen"
    assert len(prov.conversation_key) == 64 and prov.message_at == NOW.replace(tzinfo=None)
    assert "s" * 20 not in (prov.conversation_key, prov.file)
    assert (audit.action, audit.username, audit.target) == (
        "eksempel-tilfoejet", "trine", "udbetaling_danmark"
    )
    assert item_row.status == "afgjort" and item_row.decided_intent == "udbetaling_danmark"


def test_out_of_scope_and_ignore(session_factory, ws) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        a = _flag(s, "hvordan bliver vejret i weekenden")
        b = _flag(s, "asdfgh", sender="t" * 20)
        out = examples.resolve(s, [a], examples.OUT_OF_SCOPE, actor=TRINE, now=NOW,
                               nlu=OfficeNlu(ws), repo=GitRepo(ws.root))
        ignored = examples.resolve(s, [b], examples.IGNORE, actor=TRINE, now=NOW,
                                   nlu=OfficeNlu(ws), repo=GitRepo(ws.root))
    assert out.intent == "chitchat" and out.file == "data/nlu/office/general.yml"
    assert ignored.status == "ignoreret" and ignored.file is None
    assert not (ws.office_nlu / "competence.yml").exists()


def test_personal_data_is_refused_and_nothing_is_written(session_factory, ws) -> None:  # type: ignore[no-untyped-def]
    head = GitRepo(ws.root).head()
    with session_scope(session_factory) as s:
        item = _flag(s, "skriv til mig")
        with pytest.raises(ExampleRefused, match="et telefonnummer"):
            examples.resolve(s, [item], "skat", actor=TRINE, now=NOW, nlu=OfficeNlu(ws),
                             repo=GitRepo(ws.root), text="ring til mig på 22 33 44 55")
        with pytest.raises(ExampleRefused, match="et navn"):
            examples.resolve(s, [item], "skat", actor=TRINE, now=NOW, nlu=OfficeNlu(ws),
                             repo=GitRepo(ws.root), names=names,
                             text="Lone Kjærgaard har sendt mig en skatteopgørelse")
    assert GitRepo(ws.root).head() == head and not ws.office_nlu.exists()


def test_holdout_texts_unknown_intents_and_conflicts_are_refused(ws) -> None:  # type: ignore[no-untyped-def]
    nlu = OfficeNlu(ws)
    held_text, held_intent = load_holdout(ws.holdout)[0]
    with pytest.raises(ExampleRefused, match="evalueringssættet"):
        nlu.check(held_intent, held_text)
    with pytest.raises(ExampleRefused, match="findes ikke"):
        nlu.check("ukendt_hensigt", "noget")
    with pytest.raises(ExampleRefused, match="allerede et eksempel på hensigten 'greet'"):
        nlu.check("skat", "hej")
    assert nlu.check("skat", "  min   skat  ") == "min skat"


def test_when_the_conversation_is_deleted_the_provenance_goes(session_factory, ws) -> None:  # type: ignore[no-untyped-def]
    nlu, repo = OfficeNlu(ws), GitRepo(ws.root)
    with session_scope(session_factory) as s:
        item = _flag(s, "hvornår kommer min overskydende skat", at=NOW - timedelta(days=40))
        examples.resolve(s, [item], "skat", actor=TRINE, now=NOW, nlu=nlu, repo=repo)
        key = s.get(InboxItem, item).conversation_key
        # An older example that a better detector now sees a name in (it stays out).
        nlu.add("skat", "Lone Kjærgaard spørger om skat")
        s.add(Provenance(file="data/nlu/office/competence.yml", intent="skat",
                         example="Lone Kjærgaard spørger om skat", conversation_key=key,
                         message_at=(NOW - timedelta(days=40)).replace(tzinfo=None),
                         added_at=NOW.replace(tzinfo=None), added_by="trine"))
        repo.commit([nlu.file_for("skat")], "gammelt eksempel", "trine")
    with session_scope(session_factory) as s:
        purged = examples.purge(s, NOW, 30, nlu=nlu, repo=repo, names=names)
    assert purged == 3  # two provenance records and the inbox item
    with session_scope(session_factory) as s:
        assert s.execute(select(Provenance)).first() is None
        assert s.execute(select(InboxItem)).first() is None
    kept = _office(ws, "competence")["nlu"][0]["examples"]
    assert kept == "- hvornår kommer min overskydende skat\n"
    assert "fjernet" in repo.log(limit=1)[0].message
