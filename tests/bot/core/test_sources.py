"""Every statement about an authority says where it comes from and when it was checked.

content/competence.yml (routes, bodies), content/contact.yml and the glossary and law texts that
name an authority carry ``source`` (the authority's own page or the office's page with the
vedtægt) and ``checked`` (a date). The loaders refuse a file without them; these tests
check each entry, so a missing source names the entry that lacks it.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Dict, List
from urllib.parse import urlparse

import pytest
import yaml
from pydantic import ValidationError

from bot.core.settings import ROOT
from bot.core.sources import SEED_SOURCE, SEED_URL, names_an_authority
from bot.features.competence.content import CompetenceData, load_competence
from bot.features.contact import Contact, load_contact
from bot.features.explain.glossary import glossary_from_data
from bot.features.explain.laws import lawbook_from_data

DATA = ROOT / "content"
COMPETENCE = load_competence(DATA / "competence.yml")
CONTACT = load_contact(DATA / "contact.yml")
GLOSSARY_RAW: Dict[str, Any] = yaml.safe_load((DATA / "glossary.yml").read_text("utf-8"))
LAWS_RAW: Dict[str, Any] = yaml.safe_load((DATA / "laws.yml").read_text("utf-8"))
COMPETENCE_RAW: Dict[str, Any] = yaml.safe_load((DATA / "competence.yml").read_text("utf-8"))
CONTACT_RAW: Dict[str, Any] = yaml.safe_load((DATA / "contact.yml").read_text("utf-8"))

# A Danish telephone number as written in the texts: "72 22 18 18" or "72221818".
PHONE = re.compile(r"(?<!\d)(?:\d{2} ?){3}\d{2}(?!\d)")
# The routes about matters that do not concern Aalborg Kommune (vedtægtens § 7, stk. 1).
NOT_AALBORG_ROUTES = (
    "familieretshuset",
    "skat",
    "udbetaling_danmark",
    "regionen",
    "ikke_kommunen_privat",
)


def _host(url: str) -> str:
    host = urlparse(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def _assert_sourced(sources: List[str] | None, checked: str | None, where: str) -> None:
    assert sources, f"{where}: mangler source"
    for source in sources:
        assert source == SEED_SOURCE or re.match(r"https?://[^\s/]+\.[a-z]{2,}/?", source), (
            f"{where}: {source!r} er ikke en webadresse"
        )
    assert checked, f"{where}: mangler checked"
    date.fromisoformat(checked)


# --- content/competence.yml ------------------------------------------------------------------


@pytest.mark.parametrize("label", sorted(COMPETENCE.routes))
def test_every_route_has_a_source(label: str) -> None:
    route = COMPETENCE.routes[label]
    _assert_sourced(route.source, route.checked, f"routes.{label}")


@pytest.mark.parametrize("key", sorted(COMPETENCE.bodies))
def test_every_body_has_a_source(key: str) -> None:
    body = COMPETENCE.bodies[key]
    _assert_sourced(body.source, body.checked, f"bodies.{key}")


@pytest.mark.parametrize("key", sorted(COMPETENCE.bodies))
def test_the_web_address_is_on_a_source_site(key: str) -> None:
    body = COMPETENCE.bodies[key]
    assert _host(body.web) in {_host(s) for s in body.source}, (
        f"bodies.{key}: {body.web} er ikke fra en af kilderne"
    )


@pytest.mark.parametrize("key", sorted(COMPETENCE.bodies))
def test_a_phone_is_a_number_or_points_to_the_web(key: str) -> None:
    phone = COMPETENCE.bodies[key].phone
    assert PHONE.search(phone) or not re.search(r"\d", phone), (
        f"bodies.{key}: telefon {phone!r} er hverken et nummer eller en henvisning"
    )


@pytest.mark.parametrize("label", sorted(COMPETENCE.routes))
def test_phone_numbers_in_a_route_are_sourced_body_phones(label: str) -> None:
    """A number in a text for the citizen is one of the bodies' numbers (which have a
    source) or the office's own numbers (from its page)."""
    route = COMPETENCE.routes[label]
    known = {re.sub(r"\D", "", b.phone)[:8] for b in COMPETENCE.bodies.values()}
    known |= {re.sub(r"\D", "", CONTACT.hovedtelefon)}
    known |= {re.sub(r"\D", "", p.telefon) for p in CONTACT.medarbejdere}
    for text in (route.reason, route.how, route.mention):
        for number in PHONE.findall(text):
            assert re.sub(r"\D", "", number) in known, f"routes.{label}: {number} har ingen kilde"


def test_other_municipality_has_a_source() -> None:
    other = COMPETENCE.other_municipality
    _assert_sourced(other.source, other.checked, "other_municipality")


@pytest.mark.parametrize("label", sorted(COMPETENCE.routes))
def test_the_paragraph_is_for_citizens(label: str) -> None:
    paragraph = COMPETENCE.routes[label].paragraph
    assert paragraph is not None
    assert paragraph.startswith("Borgerrådgivningens vedtægt §"), paragraph
    assert "kommunens side" not in paragraph


@pytest.mark.parametrize("label", NOT_AALBORG_ROUTES)
def test_not_aalborg_matters_rest_on_section_7_1(label: str) -> None:
    paragraph = COMPETENCE.routes[label].paragraph or ""
    assert "§ 7, stk. 1" in paragraph
    assert "stk. 3" not in paragraph


@pytest.mark.parametrize(
    "change",
    [
        ("routes", "skat", "source"),
        ("routes", "skat", "checked"),
        ("bodies", "ankestyrelsen", "source"),
        ("bodies", "ankestyrelsen", "checked"),
    ],
)
def test_the_loader_requires_source_and_checked(change: tuple) -> None:
    part, key, field = change
    raw = yaml.safe_load((DATA / "competence.yml").read_text("utf-8"))
    del raw[part][key][field]
    with pytest.raises(ValidationError):
        CompetenceData.parse_obj(raw)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("source", "ast.dk"),
        ("source", []),
        ("checked", "1. december 2026"),
        ("checked", "2026-13-01"),
    ],
)
def test_the_loader_rejects_a_bad_source_or_date(field: str, value: Any) -> None:
    raw = yaml.safe_load((DATA / "competence.yml").read_text("utf-8"))
    raw["bodies"]["ankestyrelsen"][field] = value
    with pytest.raises(ValidationError):
        CompetenceData.parse_obj(raw)


def test_the_loader_rejects_internal_notes_as_paragraph() -> None:
    raw = yaml.safe_load((DATA / "competence.yml").read_text("utf-8"))
    raw["routes"]["skat"]["paragraph"] = "kommunens side: forhold, der vedrører andre myndigheder"
    with pytest.raises(ValidationError):
        CompetenceData.parse_obj(raw)


# --- content/contact.yml ---------------------------------------------------------------------


def test_contact_has_a_source() -> None:
    _assert_sourced(CONTACT.source, CONTACT.checked, "contact")
    assert CONTACT.source == [SEED_URL]


def test_contact_loader_requires_a_source() -> None:
    raw = dict(CONTACT_RAW)
    del raw["source"]
    with pytest.raises(ValidationError):
        Contact.parse_obj(raw)


# --- content/glossary.yml and content/laws.yml ---------------------------------------------------


@pytest.mark.parametrize("key", sorted(GLOSSARY_RAW["termer"]))
def test_glossary_authority_facts_have_a_source(key: str) -> None:
    entry = GLOSSARY_RAW["termer"][key]
    named = names_an_authority(entry["forklaring"], entry["for_dig"])
    if named or "source" in entry:
        _assert_sourced(_as_list(entry.get("source")), entry.get("checked"), f"termer.{key}")


@pytest.mark.parametrize("key", sorted(LAWS_RAW["love"]))
def test_law_authority_facts_have_a_source(key: str) -> None:
    entry = LAWS_RAW["love"][key]
    named = names_an_authority(entry["om"], *(entry.get("paragraffer") or {}).values())
    if named or "source" in entry:
        _assert_sourced(_as_list(entry.get("source")), entry.get("checked"), f"love.{key}")


def test_glossary_loader_requires_a_source_for_an_authority() -> None:
    term = {"term": "x", "forklaring": "Ankestyrelsen gør noget.", "for_dig": "Noget for dig."}
    with pytest.raises(ValueError, match="source"):
        glossary_from_data({"termer": {"x": term}})
    glossary_from_data(
        {"termer": {"x": {**term, "source": "https://ast.dk", "checked": "2026-12-01"}}}
    )


def test_law_loader_requires_a_source_for_an_authority() -> None:
    raw = yaml.safe_load((DATA / "laws.yml").read_text("utf-8"))
    del raw["love"]["boligstøtteloven"]["source"]
    del raw["love"]["boligstøtteloven"]["checked"]
    with pytest.raises(ValueError, match="Udbetaling Danmark"):
        lawbook_from_data(raw)


def _as_list(value: Any) -> List[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


# --- the known errors are gone from these files --------------------------------------------

OWN_FILES = ("competence.yml", "contact.yml", "glossary.yml", "laws.yml")
WRONG = (
    "personlig og væsentlig interesse",
    "Forbrugerklager (Nævnenes Hus)",
    "kommunens side:",
    "så får du at vide, hvornår",
    "Du kan også komme til et personligt møde",
    "kommunen fører tilsyn med fx botilbud",
    "skrive til Ankestyrelsens kommunetilsyn",
)


@pytest.mark.parametrize("name", OWN_FILES)
@pytest.mark.parametrize("wrong", WRONG)
def test_known_errors_are_gone(name: str, wrong: str) -> None:
    text = " ".join((DATA / name).read_text("utf-8").split())
    assert wrong.lower() not in text.lower()


def test_the_bodies_of_the_tax_administration_are_separate() -> None:
    bodies = COMPETENCE.bodies
    names = {bodies[k].name for k in ("skattestyrelsen", "vurderingsstyrelsen", "gaeldsstyrelsen")}
    assert names == {"Skattestyrelsen", "Vurderingsstyrelsen", "Gældsstyrelsen"}
    assert (
        len({bodies[k].web for k in ("skattestyrelsen", "vurderingsstyrelsen", "gaeldsstyrelsen")})
        == 3
    )
    skat = COMPETENCE.routes["skat"]
    assert skat.body == "skattestyrelsen"
    assert set(skat.also_bodies) == {"vurderingsstyrelsen", "gaeldsstyrelsen"}
    for name in names:
        assert name in skat.how


def test_ankestyrelsen_complaints_go_through_the_kommune() -> None:
    how = COMPETENCE.routes["ankestyrelsen"].how
    assert "ikke klage direkte til Ankestyrelsen" in how
    assert "sender klagen til kommunen" in how
    assert "tilsyn" not in how


def test_the_ombudsman_covers_kommuner_and_regioner() -> None:
    route = COMPETENCE.routes["ombudsmanden"]
    assert "kommuner" in route.reason and "regioner" in route.reason
    assert "Borgerrådgivningen ikke tage sagen" in route.how
    assert "§ 7, stk. 3, nr. 4" in (route.paragraph or "")


def test_section_13_exceptions() -> None:
    how = COMPETENCE.routes["for_gammel_sag"].how
    assert "tre ting alle være opfyldt" in how  # stk. 2: all three conditions
    assert "helt særlige tilfælde" in how  # stk. 3
    assert "stk. 2" in how and "stk. 3" in how


def test_consumer_complaints_point_to_forbrug_dk() -> None:
    how = COMPETENCE.routes["ikke_kommunen_privat"].how
    assert "forbrug.dk" in how and "Forbrugerklagenævnet" in how


def test_contact_texts_invent_no_phone_hours() -> None:
    assert CONTACT.hovedtelefon in CONTACT.telefontider
    assert not re.search(r"\bkl\.|\d{1,2}[.:]\d{2}|\d+-\d+", CONTACT.telefontider)
    assert "aftale en tid" in CONTACT.personligt_moede


def test_glossary_corrections() -> None:
    terms = GLOSSARY_RAW["termer"]
    assert "Socialtilsyn Nord" in terms["tilsyn"]["forklaring"]
    assert "ikke have en fuldmagt" in terms["bisidder"]["for_dig"]
    assert "nogle" in terms["klagegebyr"]["forklaring"].lower()
    integration = LAWS_RAW["love"]["integrationsloven"]["om"]
    assert "selvforsørgelses- og hjemrejseprogram" in integration
    assert "introduktionsprogram" in integration


def test_seed_url_is_the_offices_page() -> None:
    assert Path(urlparse(SEED_URL).path).name == "borgerraadgivning"
    assert _host(SEED_URL) == "aalborg.dk"
