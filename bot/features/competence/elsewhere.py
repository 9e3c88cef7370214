"""A booking topic that belongs to an authority outside Aalborg Kommune.

Borgerrådgiveren's function covers Aalborg Kommune's own administration (vedtægt § 7,
stk. 1). When the topic of a meeting is, with good confidence, a matter for a state or
regional authority (Udbetaling Danmark, Skattestyrelsen, Familieretshuset, the region),
the citizen is told so before the booking goes on: the meeting can still be booked.
"""

from __future__ import annotations

from bot.features.competence.content import BodyData, CompetenceData

# Routes to authorities that are not Aalborg Kommune (a complaint about a kommune decision
# to Ankestyrelsen goes through the kommune, and the advisor guides on it: § 8, nr. 2).
OUTSIDE_THE_KOMMUNE = ("udbetaling_danmark", "skat", "familieretshuset", "regionen")
MIN_CONFIDENCE = 0.5


def body_elsewhere(intent: str | None, confidence: float, data: CompetenceData) -> BodyData | None:
    """The authority a booking topic belongs to, when it is outside the kommune."""
    label = data.route_for_intent(intent)
    if label not in OUTSIDE_THE_KOMMUNE or confidence < MIN_CONFIDENCE:
        return None
    body = data.routes[label].body
    return data.bodies[body] if body else None
