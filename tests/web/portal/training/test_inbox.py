"""The training inbox page: grouped, masked messages; the trainer's choice becomes an
office example committed by the trainer; personal data is refused."""

from __future__ import annotations

from datetime import datetime, timezone

import yaml

from bot.features.training import inbox
from bot.features.training.gitrepo import GitRepo
from bot.infra.db import session_scope
from bot.web.training.context import TrainingWeb
from tests.web.portal.conftest import csrf_in

AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def _flag(training: TrainingWeb, text: str, sender: str) -> None:
    with session_scope(training.sessions) as s:
        inbox.flag(
            s,
            training.scan_config(),
            sender_id=sender,
            message=text,
            at=AT,
            predicted_intent="klage_adfaerd",
            context="Hvad drejer det sig om?",
        )


def test_a_trainer_fixes_a_misunderstood_message(login_as, training: TrainingWeb, repo) -> None:  # type: ignore[no-untyped-def]
    _flag(training, "hvorfor får jeg ikke min boligstøtte, spørg Lone Kjærgaard", "a" * 20)
    tom = login_as("traener")
    page = tom.get("/personale/traening/indbakke")
    assert page.status_code == 200
    assert "Forstået som <code>klage_adfaerd</code> (1)" in page.text
    assert "spørg [NAVN]" in page.text and "Kjærgaard" not in page.text
    assert "Markeret af en rådgiver" in page.text and "Hvad drejer det sig om?" in page.text
    ids = page.text.split('name="ids" value="')[1].split('"')[0]
    r = tom.post(
        "/personale/traening/indbakke/afgoer",
        data={
            "csrf": csrf_in(page.text),
            "ids": ids,
            "valg": "udbetaling_danmark",
            "tekst": "hvorfor får jeg ikke min boligstøtte",
        },
    )
    assert r.status_code == 200 and "Gemt som eksempel på &#39;udbetaling_danmark&#39;" in r.text
    assert "Indbakken er tom" in r.text
    office = yaml.safe_load((repo / "data/nlu/office/competence.yml").read_text())
    assert office["nlu"][0]["examples"] == "- hvorfor får jeg ikke min boligstøtte\n"
    assert GitRepo(repo).log(limit=1)[0].author == "tom"
    assert "Træningseksempel tilføjet" in login_as("admin").get("/personale/log").text


def test_personal_data_is_refused_in_danish(login_as, training: TrainingWeb, repo) -> None:  # type: ignore[no-untyped-def]
    _flag(training, "ring til mig", "b" * 20)
    tom = login_as("traener")
    page = tom.get("/personale/traening/indbakke")
    ids = page.text.split('name="ids" value="')[1].split('"')[0]
    r = tom.post(
        "/personale/traening/indbakke/afgoer",
        data={
            "csrf": csrf_in(page.text),
            "ids": ids,
            "valg": "request_human",
            "tekst": "ring til mig på 22 33 44 55",
        },
    )
    assert r.status_code == 400 and "et telefonnummer" in r.text
    assert not (repo / "data/nlu/office").exists()
    assert "ring til mig" in r.text  # still waiting in the inbox


def test_ignore(login_as, training: TrainingWeb) -> None:  # type: ignore[no-untyped-def]
    _flag(training, "asdf", "c" * 20)
    tom = login_as("traener")
    page = tom.get("/personale/traening/indbakke")
    ids = page.text.split('name="ids" value="')[1].split('"')[0]
    r = tom.post(
        "/personale/traening/indbakke/afgoer",
        data={"csrf": csrf_in(page.text), "ids": ids, "valg": "ignorer"},
    )
    assert "1 besked(er) ignoreret" in r.text and "Indbakken er tom" in r.text


def test_a_deleted_conversation_cannot_become_a_story(login_as, training: TrainingWeb) -> None:  # type: ignore[no-untyped-def]
    tom = login_as("traener")
    page = tom.get("/personale/traening/indbakke")
    r = tom.post(
        "/personale/traening/indbakke/testhistorie", data={"csrf": csrf_in(page.text), "ids": "999"}
    )
    assert r.status_code == 404 and "findes ikke længere" in r.text


def test_a_reviewed_conversation_becomes_a_masked_test_story(  # type: ignore[no-untyped-def]
    login_as, training: TrainingWeb, repo, rasa_stub
) -> None:
    _flag(training, "kan jeg tale med en person", "d" * 20)
    tom = login_as("traener")
    page = tom.get("/personale/traening/indbakke")
    ids = page.text.split('name="ids" value="')[1].split('"')[0]
    r = tom.post("/personale/traening/indbakke/testhistorie",
                 data={"csrf": csrf_in(page.text), "ids": ids})
    assert r.status_code == 200 and "gemt som testhistorie" in r.text
    assert rasa_stub[1] == ["d" * 20 + "?token=test-token"]
    [path] = list((repo / "tests/stories/office").glob("test_*.yml"))
    saved = path.read_text(encoding="utf-8")
    assert "Kjærgaard" not in saved and "22 33 44 55" not in saved
    story = yaml.safe_load(saved)["stories"][0]
    assert story["steps"][0]["user"] == "jeg hedder [NAVN], ring på [TELEFON]"
    assert saved.startswith("# Testhistorie fra en gennemgået samtale (samtale ")
    assert GitRepo(repo).log(limit=1)[0].author == "tom"
    assert "Samtale gemt som testhistorie" in login_as("admin").get("/personale/log").text
