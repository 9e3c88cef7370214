"""Who gives the fuldmagt, and the questions citizens ask about signing it.

Plain functions for actions/fuldmagt.py and the fallback: "så min søn kan snakke med jer
på mine vegne" is the citizen giving the fuldmagt (not a relative helping), and "skal min
søn også skrive under?" is answered from the form itself (both sign: content/fuldmagt.yml,
the form's signature lines), not with "Det forstod jeg ikke".
"""

from __future__ import annotations

import re

from bot.language.fold import fold
from bot.language.relatives import for_someone_else

# The citizen lets someone act for them: "på mine vegne", "give min søn fuldmagt".
_GIVES = re.compile(
    r"\b(på mine vegne|for mig hos jer|give (min|mit|mine) \w+ (en )?fuldmagt|"
    r"give \w+ fuldmagt|så (min|mit|mine) \w+ (kan|må) (tale|snakke|ringe|skrive|komme)|"
    r"(min|mit|mine) \w+ (kan|må|skal) (tale|snakke|ringe|skrive) (med jer )?(for mig|på mine))",
)
_SIGN = re.compile(r"\b(skrive under|skriver under|underskriv\w*|underskrift\w*|skrive sit navn)\b")
_CANNOT = re.compile(
    r"\b(ikke (selv )?(kan|er i stand til at|magter at) (skrive|underskrive|holde)|"
    r"kan ikke (selv )?(skrive|underskrive|holde)|svært ved at (skrive|holde))"
)

BOTH_SIGN = "utter_fuldmagt_both_sign"
CANNOT_SIGN = "utter_fuldmagt_cannot_sign"


def gives_fuldmagt(text: str) -> bool:
    """True when the writer gives the fuldmagt ("så min søn kan tale med jer for mig")."""
    return bool(_GIVES.search(fold(text or "").lower()))


def writes_as_helper(text: str) -> bool:
    """True when the writer is the one who gets the fuldmagt ("jeg hjælper min far")."""
    return for_someone_else(text) and not gives_fuldmagt(text)


def signing_answer(text: str, about_fuldmagt: bool) -> str | None:
    """The response for a question about signing the fuldmagt, or None.

    ``about_fuldmagt``: the conversation is about the fuldmagt already; otherwise the
    message itself must name it.
    """
    low = fold(text or "").lower()
    if not _SIGN.search(low) or not (about_fuldmagt or "fuldmagt" in low):
        return None
    return CANNOT_SIGN if _CANNOT.search(low) else BOTH_SIGN
