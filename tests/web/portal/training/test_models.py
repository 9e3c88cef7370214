"""The models page: retrain from the portal, the gate's refusal, override by an admin with
a reason, one-click activation and roll-back, a job's progress."""

from __future__ import annotations

import re

from bot.features.training import registry
from bot.infra.db import session_scope
from bot.web.training.context import TrainingWeb
from tests.web.portal.conftest import csrf_in
from tests.web.portal.training.conftest import HARMFUL, finished

JOB = re.compile(r"/personale/traening/job/(\d+)$")


def _retrain(client, data=None) -> int:  # type: ignore[no-untyped-def]
    page = client.get("/personale/traening")
    r = client.post(
        "/personale/traening/retrain",
        data={"csrf": csrf_in(page.text), **(data or {})},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    found = JOB.search(r.headers["location"])
    assert found
    return int(found.group(1))


def _active(training: TrainingWeb) -> str | None:
    with session_scope(training.sessions) as s:
        info = registry.active_model(s)
    return info.name if info else None


def test_a_trainer_retrains_and_follows_the_job(login_as, training: TrainingWeb) -> None:  # type: ignore[no-untyped-def]
    tom = login_as("traener")
    job_id = _retrain(tom)
    job = finished(training, job_id)
    assert job.status == "aktiveret" and job.actor == "tom"
    page = tom.get(f"/personale/traening/job/{job_id}")
    assert page.status_code == 200 and "Aktiveret" in page.text
    assert "Måler den nye model på evalueringssættet" in page.text
    assert "refresh" not in page.headers  # finished: no more reloading
    models = tom.get("/personale/traening")
    assert job.model in models.text and "Aktiv" in models.text
    # A trainer may not activate or roll back (admin only by default): no buttons.
    assert "/aktiver" not in models.text and "rul-tilbage" not in models.text


def test_a_harmful_model_is_refused_and_an_admin_may_override_with_a_reason(  # type: ignore[no-untyped-def]
    login_as, training: TrainingWeb, quality, repo
) -> None:
    tom, ada = login_as("traener"), login_as("admin")
    first = finished(training, _retrain(tom))
    (repo / "data/nlu/general.yml").write_text(
        (repo / "data/nlu/general.yml").read_text() + "\n# byttet om\n"
    )
    quality["now"] = HARMFUL
    refused = finished(training, _retrain(tom))
    assert refused.status == "afvist" and _active(training) == first.model
    page = tom.get(f"/personale/traening/job/{refused.id}")
    assert "Den aktive model bliver" in page.text and "testhistorien" in page.text
    # A trainer cannot override; an admin must write a reason.
    csrf = csrf_in(tom.get("/personale/traening").text)
    r = tom.post(
        "/personale/traening/retrain",
        data={"csrf": csrf, "tving": "1", "begrundelse": "fordi jeg vil gerne"},
    )
    assert r.status_code == 403 and "Kun en administrator" in r.text
    csrf = csrf_in(ada.get("/personale/traening").text)
    r = ada.post(
        "/personale/traening/retrain", data={"csrf": csrf, "tving": "1", "begrundelse": "kort"}
    )
    assert r.status_code == 400 and "mindst 10 tegn" in r.text
    forced = finished(
        training, _retrain(ada, {"tving": "1", "begrundelse": "Nyt brev fra kommunen i dag"})
    )
    assert forced.status == "aktiveret" and _active(training) == forced.model
    assert "Aktiveret trods kontrollen" in ada.get("/personale/traening").text
    log = ada.get("/personale/log").text
    assert "Model aktiveret trods kontrollen" in log


def test_an_admin_activates_an_earlier_model_and_rolls_back(
    login_as,
    training: TrainingWeb,  # type: ignore[no-untyped-def]
    repo,
) -> None:
    ada = login_as("admin")
    first = finished(training, _retrain(ada))
    (repo / "domain.yml").write_text((repo / "domain.yml").read_text() + "\n# ny\n")
    second = finished(training, _retrain(ada))
    assert _active(training) == second.model
    csrf = csrf_in(ada.get("/personale/traening").text)
    r = ada.post(
        f"/personale/traening/modeller/{first.model}/aktiver",
        data={"csrf": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    finished(training, int(JOB.search(r.headers["location"]).group(1)))  # type: ignore[union-attr]
    assert _active(training) == first.model
    r = ada.post("/personale/traening/rul-tilbage", data={"csrf": csrf}, follow_redirects=False)
    finished(training, int(JOB.search(r.headers["location"]).group(1)))  # type: ignore[union-attr]
    assert _active(training) == second.model
    r = ada.post("/personale/traening/modeller/findes-ikke/aktiver", data={"csrf": csrf})
    assert r.status_code == 404 and "findes-ikke" in r.text


def test_a_trainer_cannot_activate(login_as) -> None:  # type: ignore[no-untyped-def]
    tom = login_as("traener")
    csrf = csrf_in(tom.get("/personale/traening").text)
    r = tom.post("/personale/traening/rul-tilbage", data={"csrf": csrf})
    assert r.status_code == 403 and "Ingen adgang" in r.text


def test_an_unknown_job(login_as) -> None:  # type: ignore[no-untyped-def]
    assert login_as("traener").get("/personale/traening/job/999").status_code == 404
