import pytest

from bot.core.settings import ROOT
from bot.features.competence.content import load_competence
from bot.features.competence.elsewhere import body_elsewhere

DATA = load_competence(ROOT / "content" / "competence.yml")


@pytest.mark.parametrize(
    "intent, name",
    [
        ("udbetaling_danmark", "Udbetaling Danmark"),
        ("familieret", "Familieretshuset"),
        ("sundhed", "Region Nordjylland"),
    ],
)
def test_a_state_authority_is_named(intent: str, name: str) -> None:
    body = body_elsewhere(intent, 0.9, DATA)
    assert body is not None and body.name.startswith(name)
    assert body.web.startswith("https://")


@pytest.mark.parametrize(
    "intent, confidence",
    [
        ("udbetaling_danmark", 0.3),  # unsure: no remark
        ("klage_sagsbehandling", 0.9),  # the advisor's own matter
        ("uenig_afgoerelse", 0.9),  # a kommune decision: the advisor guides on the complaint
        ("inform", 1.0),
        (None, 0.0),
    ],
)
def test_no_remark(intent: str | None, confidence: float) -> None:
    assert body_elsewhere(intent, confidence, DATA) is None
