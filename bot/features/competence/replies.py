"""Which responses the chat sends for a competence decision, with their variables."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from bot.features.competence.content import BORGERRAADGIVER, TOO_OLD, CompetenceData
from bot.features.competence.routing import DECISION_LIMIT_ROUTES, Decision


def plan_messages(decision: Decision, data: CompetenceData) -> List[Tuple[str, Dict[str, Any]]]:
    """Which responses the chat sends for a decision, with their variables."""
    if decision.question:
        ask: List[Tuple[str, Dict[str, Any]]] = [(f"utter_competence_ask_{decision.question}", {})]
        return [("utter_competence_acknowledge", {}), *ask] if decision.upset else ask
    plan = _plan(decision, data)
    if decision.upset:
        plan.insert(0, ("utter_competence_acknowledge", {}))
    return plan


def _plan(decision: Decision, data: CompetenceData) -> List[Tuple[str, Dict[str, Any]]]:
    main = {"reason": decision.reason, "paragraph": decision.paragraph or "", "how": decision.how}
    also = [("utter_competence_also", {"mention": data.routes[a].mention}) for a in decision.also]
    if decision.route == TOO_OLD:
        plan: List[Tuple[str, Dict[str, Any]]] = [("utter_competence_too_old", main)]
        if decision.on_behalf:
            plan.append(("utter_competence_on_behalf", {}))
        return plan + [("utter_competence_contact", {})]
    if decision.coarse == BORGERRAADGIVER:
        plan = [("utter_competence_within", main)]
        if decision.dialogue_first:
            plan.append(("utter_competence_dialogue_first", {}))
        if decision.about_decision or decision.route in DECISION_LIMIT_ROUTES:
            plan.append(("utter_competence_cannot_decide", {}))
        if decision.on_behalf:
            plan.append(("utter_competence_on_behalf", {}))
        return plan + also + [("utter_competence_next_steps", {})]
    if decision.body is not None:
        body = {
            "body_name": decision.body.name,
            "body_web": decision.body.web,
            "body_phone": decision.body.phone,
        }
        # Without a sourced phone number the reply names the web address only.
        has_phone = any(c.isdigit() for c in decision.body.phone)
        redirect = "utter_competence_redirect" if has_phone else "utter_competence_redirect_web"
        return (
            [(redirect, {**main, **body})]
            + also
            + [("utter_competence_more_help", {})]
        )
    return [("utter_competence_outside", main)] + also + [("utter_competence_more_help", {})]
