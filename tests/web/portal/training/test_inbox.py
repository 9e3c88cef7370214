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


def test_a_caseworker_sends_a_message_from_a_case_to_the_trainer(  # type: ignore[no-untyped-def]
    login_as, training: TrainingWeb, session_factory
) -> None:
    from bot.features.audit import log as audit
    from tests.casedata import add_case

    with session_scope(session_factory) as s:
        add_case(
            s,
            "BR-2026-0009",
            transcript=(
                "[2026-12-01 09:58] Borger: kan han overhovedet skrive under? han er 91\n\n"
                "[2026-12-01 09:58] Assistent: Hvad drejer det sig om?\n\n"
                "[2026-12-01 09:59] Borger: [Knap] Tal med et menneske\n\n"
                "[2026-12-01 10:00] Borger: ring til Lone Kjærgaard\npå 22 33 44 55"
            ),
        )
    rie = login_as("raadgiver")
    page = rie.get("/personale/sager/BR-2026-0009")
    assert page.status_code == 200
    # The citizen's two typed messages can be sent; the button press cannot.
    assert '<option value="1">1. kan han overhovedet skrive under? han er 91</option>' in page.text
    assert '<option value="2">2. ring til Lone Kjærgaard\npå 22 33 44 55</option>' in page.text
    assert '<option value="3">' not in page.text

    def send(besked: str):  # type: ignore[no-untyped-def]
        form = rie.get("/personale/sager/BR-2026-0009").text
        return rie.post(
            "/personale/sager/BR-2026-0009/traening",
            data={"csrf": csrf_in(form), "besked": besked},
            follow_redirects=False,
        )

    sent = send("1")
    assert sent.status_code == 303
    assert sent.headers["location"] == "/personale/sager/BR-2026-0009?ok=traening"
    assert "Beskeden er sendt til træningsindbakken." in rie.get(sent.headers["location"]).text
    again = send("1")
    assert again.headers["location"] == "/personale/sager/BR-2026-0009?ok=traening-igen"
    assert send("2").status_code == 303
    refused = send("3")
    assert refused.status_code == 400 and "Vælg en af borgerens beskeder på listen." in refused.text
    without_token = rie.post(
        "/personale/sager/BR-2026-0009/traening", data={"besked": "1"}, follow_redirects=False
    )
    assert without_token.status_code == 403

    inbox_page = login_as("traener").get("/personale/traening/indbakke").text
    assert "kan han overhovedet skrive under? han er 91" in inbox_page
    assert "Hvad drejer det sig om?" in inbox_page  # the turn before it
    assert "ring til [NAVN]" in inbox_page and "Kjærgaard" not in inbox_page
    assert "22 33 44 55" not in inbox_page
    assert inbox_page.count("Markeret af en rådgiver") == 2
    with session_scope(session_factory) as s:
        steps = [e.action for e in audit.entries(s, case="BR-2026-0009")]
    assert steps.count(audit.FLAG_FOR_TRAINING) == 3  # each send, also the repeated one
