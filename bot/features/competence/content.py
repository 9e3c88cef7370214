"""The competence content: routes and authorities from content/competence.yml.

Each route and authority carries its source and checked date (``bot.core.sources``);
the loader refuses a file without them, and a route must point to a known authority.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

from pydantic import BaseModel, root_validator, validator

from bot.core.content import cached
from bot.core.content import load as load_content
from bot.core.sources import Sourced

BORGERRAADGIVER = "borgerraadgiver"
TOO_OLD = "for_gammel_sag"
PRIVATE = "ikke_kommunen_privat"
DECISION_ROUTE = "ankestyrelsen"
COMPLAINT_ROUTES = ("borgerraadgiver_klage_sagsbehandling", "borgerraadgiver_klage_adfaerd")


class BodyData(Sourced):
    """An authority the chat sends the citizen to."""

    name: str
    handles: str  # what the authority handles, in plain Danish
    web: str
    # A telephone number from the source, or, when no source gives one, a text without
    # digits that sends the citizen to the web address ("står på hjemmesiden").
    phone: str
    # How to reach it without a computer, when a source says so (shown when asked).
    offline: str | None = None

    @validator("web")
    def _web_is_an_address(cls, value: str) -> str:
        if not value.startswith("https://") or " " in value:
            raise ValueError("web skal være én webadresse, der begynder med https://")
        return value

    @validator("phone")
    def _phone_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("phone må ikke være tom")
        return value


class RouteData(Sourced):
    coarse: str
    intent: str | None
    paragraph: str | None
    reason: str
    body: str | None
    # Further authorities the route names in ``how`` (fx Vurderingsstyrelsen for skat).
    also_bodies: List[str] = []
    how: str
    mention: str
    keywords: List[str] = []

    @validator("paragraph")
    def _paragraph_for_citizens(cls, value: str | None) -> str | None:
        # Shown to the citizen as "Grundlag: ..." or in brackets: a reference to the
        # vedtægt they can look up, not internal notes.
        if value is not None and ("vedtægt" not in value or "§" not in value):
            raise ValueError(
                "paragraph skal henvise til Borgerrådgivningens vedtægt, fx "
                '"Borgerrådgivningens vedtægt § 7, stk. 1"'
            )
        return value


class OtherMunicipality(Sourced):
    reason: str
    how: str


class AcuteHelp(Sourced):
    """Where to call when someone needs help now (night, weekend): the office cannot."""

    text: str


class CompetenceData(BaseModel):
    routes: Dict[str, RouteData]
    bodies: Dict[str, BodyData]
    other_municipality: OtherMunicipality
    acute: AcuteHelp

    @root_validator(skip_on_failure=True)
    def _check(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        routes: Dict[str, RouteData] = values["routes"]
        bodies: Dict[str, BodyData] = values["bodies"]
        intents = [r.intent for r in routes.values() if r.intent]
        if len(intents) != len(set(intents)):
            raise ValueError("to ruter bruger samme intent")
        for label, route in routes.items():
            if route.body and route.body not in bodies:
                raise ValueError(f"ruten {label} peger på en ukendt myndighed: {route.body}")
            for extra in route.also_bodies:
                if extra not in bodies:
                    raise ValueError(f"ruten {label} nævner en ukendt myndighed: {extra}")
            if route.coarse != BORGERRAADGIVER and route.coarse != label:
                raise ValueError(f"ruten {label}: coarse skal være {BORGERRAADGIVER} eller {label}")
        missing = {TOO_OLD, PRIVATE, DECISION_ROUTE, *COMPLAINT_ROUTES} - set(routes)
        if missing:
            raise ValueError(f"ruter mangler: {sorted(missing)}")
        return values

    def route_for_intent(self, intent: str | None) -> str | None:
        for label, route in self.routes.items():
            if intent and route.intent == intent:
                return label
        return None

    @property
    def routing_intents(self) -> List[str]:
        return [r.intent for r in self.routes.values() if r.intent]


def load_competence(path: Path) -> CompetenceData:
    """Load and validate the file (``ContentError`` in Danish, with the line)."""
    return load_content(path, CompetenceData.parse_obj)


def cached_competence(path: Path) -> CompetenceData:
    """The newest good version; an edit shows up in the next answer."""
    return cached(path, CompetenceData.parse_obj)


