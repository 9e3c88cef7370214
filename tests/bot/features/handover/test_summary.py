"""The structured summary for staff (summary.py)."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

from bot.core.settings import ROOT
from bot.features.competence.content import load_competence
from bot.features.competence.deadline import load_rule
from bot.features.handover.consent import Consent
from bot.features.handover.contact import ContactWish
from bot.features.handover.conversation import ASSISTANT, CITIZEN, Line
from bot.features.handover.summary import (
    SummaryInput,
    build_summary,
    describe,
    has_matter,
    to_json,
)

COMPETENCE = load_competence(ROOT / "content" / "competence.yml")
RULE = load_rule(ROOT / "content" / "complaint_deadline.yml")  # 4 uger
AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
TODAY = date(2026, 12, 1)
CONSENT = Consent("2026-12-01#abcdef12", AT)
QUESTION = (
    "Jeg fik afslag på hjælpemidler for 3 uger siden, og min sagsbehandler svarer ikke. "
    "Kan jeg nå at klage? Mit cpr er 010190-1234"
)
LETTER = (
    "Aalborg, den 24. november 2026\n\nAfgørelse om hjælpemidler\n\nDu har fået afslag på en "
    "kørestol. Du kan klage inden 4 uger efter, at du har modtaget afgørelsen."
)
LINES = [
    Line(CITIZEN, "hej", AT, "greet"),
    Line(CITIZEN, QUESTION, AT, "klage_sagsbehandling"),
    Line(ASSISTANT, "Har du prøvet at løse det med kommunen først?", AT),
    Line(CITIZEN, "nej ikke endnu", AT, "deny", pending="dialogue"),
    Line(CITIZEN, LETTER, AT, "indsat_brev"),
    Line(CITIZEN, "/request_human", AT, "request_human"),
]


def summary(**changes: object) -> dict:
    values = dict(
        lines=LINES,
        today=TODAY,
        competence=COMPETENCE,
        deadline_rule=RULE,
        consent=CONSENT,
        contact=ContactWish("telefon", "12345678", "om formiddagen"),
        route="borgerraadgiver_klage_sagsbehandling",
    )
    values.update(changes)
    return build_summary(SummaryInput(**values))  # type: ignore[arg-type]


def test_route_statute_topic_and_answers() -> None:
    s = summary()
    route = COMPETENCE.routes["borgerraadgiver_klage_sagsbehandling"]
    assert s["route"] == {
        "id": "borgerraadgiver_klage_sagsbehandling",
        "reason": route.reason,
        "statute": route.paragraph,
        "within_remit": True,
    }
    assert s["topic"].startswith("Jeg fik afslag på hjælpemidler") and "[CPR]" in s["topic"]
    assert s["paragraph_14"] == {"asked": True, "tried_the_administration": False}
    assert s["paragraph_13"] == {"asked": False, "ended_over_a_year_ago": None}
    assert s["contact"] == {"method": "telefon", "value": "12345678", "when": "om formiddagen"}
    assert s["consent"] == CONSENT.as_json()
    assert "010190" not in to_json(s)


def test_dates_and_deadlines_with_their_last_days() -> None:
    s = summary()
    assert {"text": "for 3 uger siden", "from": "2026-11-10", "to": "2026-11-10"} in s["dates"]
    assert {
        "text": "inden 4 uger",
        "last_day": "2026-12-22",
        "counted_from": "brevdato",
        "authority": False,
        "source": "brev",
    } in s["deadlines"]
    assert s["complaint_deadline"] == {
        "rule": "4 uger",
        "received": "2026-11-10",
        "last_day": "2026-12-08",
        "days_left": 7,
    }
    assert s["letters"] == [
        {"letter_date": "2026-11-24", "received": None, "chars": len(LETTER), "deadlines": 1}
    ]


def test_the_letters_own_deadline_is_used_for_the_complaint_deadline() -> None:
    assert summary(letter_deadline="14 dage")["complaint_deadline"]["last_day"] == "2026-11-24"


def test_the_matter_written_in_the_handover_is_the_topic() -> None:
    s = summary(lines=LINES[:1], matter="Hjemmeplejen kommer ikke", route=None)
    assert s["topic"] == "Hjemmeplejen kommer ikke"
    assert s["route"] is None and s["dates"] == [] and s["complaint_deadline"] is None


def test_the_12_months_answer_and_a_route_outside_the_remit() -> None:
    lines = [Line(CITIZEN, "ja for mere end et år siden", AT, "inform", pending="ended")]
    s = summary(lines=lines, route="skat", contact=ContactWish())
    assert s["paragraph_13"] == {"asked": True, "ended_over_a_year_ago": True}
    assert s["route"]["within_remit"] is False
    assert s["contact"] == {"method": None, "value": None, "when": None}


def test_what_counts_as_a_matter() -> None:
    def matter(text: str, intent: str = "request_human") -> bool:
        return has_matter([Line(CITIZEN, text, AT, intent)], COMPETENCE)

    assert has_matter(LINES, COMPETENCE)
    assert not matter("kan jeg tale med en rigtig person")
    assert not matter("det her er for kompliceret til en chat, jeg vil tale med en rådgiver")
    assert not matter("hjælp mig", "klage_sagsbehandling")  # 2 words
    assert not matter("/request_human")
    # A request for a person that names the matter, also without æ, ø and å:
    assert matter("kan jeg snakke med en medarbjder, jeg har faaet afslag paa hjaelp til medicin")


def test_staff_read_it_in_danish() -> None:
    pairs = dict(describe(json.loads(to_json(summary()))))
    assert pairs["Emne"].startswith("Jeg fik afslag")
    assert "inden for Borgerrådgivningens område" in pairs["Vurdering"]
    assert pairs["Grundlag"].startswith("Borgerrådgivningens vedtægt §")
    assert pairs["Frist"] == '"inden 4 uger": sidste dag 22.12.2026'
    assert pairs["Klagefrist"] == "4 uger fra 10.11.2026: sidste dag 8.12.2026"
    assert pairs["§ 14: prøvet at løse det med kommunen først"] == "nej"
    assert pairs["Kontakt"] == "telefon: 12345678, om formiddagen"
    assert pairs["Samtykke"] == "version 2026-12-01#abcdef12, 01.12.2026 09:00 UTC"
    assert dict(describe(summary(contact=ContactWish())))["Kontakt"] == "Borgeren ringer selv"
