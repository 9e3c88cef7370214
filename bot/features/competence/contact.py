"""After a redirect: "har de et telefonnummer?" asks for the authority's contact details.

The citizen was just sent to an authority (the ``route`` slot); a short question about how
to reach "them" is answered with that authority's web, phone and, where a source says how,
the way without a computer (content/competence.yml, ``bodies``). It is not a new matter
to route: once "nej jeg mener telefonnummeret til udbetaling danmark" was read as a no to
the competence check's question (citizen round 2, c13).
"""

from __future__ import annotations

import re
from typing import Any, Dict, Tuple

from bot.features.competence.content import BodyData, CompetenceData
from bot.language.fold import fold

_CONTACT = re.compile(
    r"\b(telefon\w*|tlf\w*|nummer\w*|ringe til (dem|de|den|dem der)|kontakte (dem|de)|"
    r"få fat i (dem|de)|hjemmeside\w*|adresse\w*|hvor ligger (de|den))\b"
)
_THE_OFFICE = re.compile(r"\b(jer|jeres|i|borgerrådgiv\w*)\b")
MAX_WORDS = 20


def asks_for_contact(text: str, body: BodyData) -> bool:
    """A short question about reaching the authority (not the office: "jeres nummer")."""
    low = fold(text or "").lower()
    if len(low.split()) > MAX_WORDS or not _CONTACT.search(low):
        return False
    return body.name.lower() in low or not _THE_OFFICE.search(low)


def redirected_body(route: str | None, data: CompetenceData) -> BodyData | None:
    """The authority the last answer sent the citizen to, if any."""
    found = data.routes.get(route or "")
    return data.bodies.get(found.body) if found and found.body else None


def contact_reply(body: BodyData) -> Tuple[str, Dict[str, Any]]:
    """The response with the authority's contact details."""
    has_number = any(ch.isdigit() for ch in body.phone)
    values = {"myndighed": body.name, "web": body.web, "telefon": body.phone}
    response = "utter_body_contact_phone" if has_number else "utter_body_contact_web"
    if body.offline:
        return f"{response}_offline", {**values, "uden_computer": body.offline}
    return response, values
