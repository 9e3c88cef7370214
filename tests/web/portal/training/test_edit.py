"""Editing in the portal: a response with its preview, a content entry, a rule; refused
edits in Danish; every save a commit by the trainer; the history and revert."""

from __future__ import annotations

import yaml

from bot.features.training.gitrepo import GitRepo
from tests.web.portal.conftest import csrf_in


def test_a_response_is_previewed_then_saved(login_as, repo) -> None:  # type: ignore[no-untyped-def]
    tom = login_as("traener")
    listing = tom.get("/personale/traening/tekster")
    assert listing.status_code == 200 and "utter_goodbye" in listing.text
    page = tom.get("/personale/traening/tekster/utter_goodbye")
    assert "{telefon}" in page.text and "99 31 16 18" in page.text  # the preview
    text = "Tak for nu. Ring gerne til os på {telefon}."
    shown = tom.post(
        "/personale/traening/tekster/utter_goodbye",
        data={"csrf": csrf_in(page.text), "nummer": "0", "tekst": text, "handling": "vis"},
    )
    assert "Tak for nu. Ring gerne til os på 99 31 16 18." in shown.text
    assert "Det er ikke gemt endnu" in shown.text
    assert "Tak for nu" not in (repo / "domain.yml").read_text()
    saved = tom.post(
        "/personale/traening/tekster/utter_goodbye",
        data={"csrf": csrf_in(page.text), "nummer": "0", "tekst": text, "handling": "gem"},
    )
    assert saved.status_code == 200 and "Gemt (" in saved.text
    assert text in (repo / "domain.yml").read_text()
    assert GitRepo(repo).log(limit=1)[0].author == "tom"


def test_a_response_with_an_unknown_field_is_refused(login_as, repo) -> None:  # type: ignore[no-untyped-def]
    tom = login_as("traener")
    page = tom.get("/personale/traening/tekster/utter_goodbye")
    before = (repo / "domain.yml").read_bytes()
    r = tom.post(
        "/personale/traening/tekster/utter_goodbye",
        data={
            "csrf": csrf_in(page.text),
            "nummer": "0",
            "tekst": "Farvel {navn}",
            "handling": "gem",
        },
    )
    assert r.status_code == 400 and "{navn}, som svaret ikke kender" in r.text
    assert (repo / "domain.yml").read_bytes() == before
    assert tom.get("/personale/traening/tekster/utter_findes_ikke").status_code == 404


def test_a_content_entry_is_checked_by_its_content_model(login_as, repo) -> None:  # type: ignore[no-untyped-def]
    tom = login_as("traener")
    assert "contact.yml" in tom.get("/personale/traening/indhold").text
    page = tom.get("/personale/traening/indhold/contact.yml")
    assert page.status_code == 200 and 'name="felt" value="hovedtelefon"' in page.text
    bad = tom.post(
        "/personale/traening/indhold/contact.yml",
        data={"csrf": csrf_in(page.text), "felt": "hovedtelefon", "tekst": "hovedtelefon: [1, 2]"},
    )
    assert bad.status_code == 400 and "Ændringen er ikke gyldig" in bad.text
    good = tom.post(
        "/personale/traening/indhold/contact.yml",
        data={
            "csrf": csrf_in(page.text),
            "felt": "hovedtelefon",
            "tekst": 'hovedtelefon: "99 31 16 19"',
        },
    )
    assert good.status_code == 200 and "Det bruges i næste svar" in good.text
    assert yaml.safe_load((repo / "content/contact.yml").read_text())["hovedtelefon"] == (
        "99 31 16 19"
    )
    assert tom.get("/personale/traening/indhold/findes.yml").status_code == 404


def test_a_rule_and_the_history_with_revert(login_as, repo) -> None:  # type: ignore[no-untyped-def]
    tom = login_as("traener")
    assert "data/rules/general.yml" in tom.get("/personale/traening/historier").text
    page = tom.get("/personale/traening/historier/regler/general.yml")
    assert page.status_code == 200
    key = page.text.split('name="felt" value="')[1].split('"')[0]
    rules = yaml.safe_load((repo / "data/rules/general.yml").read_text())["rules"]
    rule = dict(rules[int(key.split("/")[1])])
    rule["steps"] = rule["steps"][:-1] + [{"action": "utter_findes_ikke"}]
    bad = tom.post(
        "/personale/traening/historier/regler/general.yml",
        data={"csrf": csrf_in(page.text), "felt": key, "tekst": yaml.safe_dump(rule)},
    )
    assert bad.status_code == 400 and "utter_findes_ikke" in bad.text
    resp = tom.get("/personale/traening/tekster/utter_thanks")
    tom.post(
        "/personale/traening/tekster/utter_thanks",
        data={"csrf": csrf_in(resp.text), "nummer": "0", "tekst": "Selv tak!", "handling": "gem"},
    )
    history = tom.get("/personale/traening/aendringer")
    assert "Svar utter_thanks: ny tekst" in history.text and "tom" in history.text
    sha = GitRepo(repo).log(limit=1)[0].sha
    undone = tom.post(
        f"/personale/traening/aendringer/{sha}/fortryd", data={"csrf": csrf_in(history.text)}
    )
    assert undone.status_code == 200 and "Fortrudt: Fortryd: Svar utter_thanks" in undone.text
    assert "Selv tak!" not in (repo / "domain.yml").read_text()
    bad_sha = tom.post(
        "/personale/traening/aendringer/abc/fortryd", data={"csrf": csrf_in(history.text)}
    )
    assert bad_sha.status_code == 400
