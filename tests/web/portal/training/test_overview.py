"""The overview page and its CSV for everyone in the office; no personal data."""

from __future__ import annotations


def test_the_overview_and_its_csv(login_as) -> None:  # type: ignore[no-untyped-def]
    rie = login_as("raadgiver")
    page = rie.get("/personale/traening/overblik?fra=2026-11-01&til=2026-11-30")
    assert page.status_code == 200 and "Samtaler pr. dag" in page.text
    assert "<svg" in page.text or "Ingen tal i perioden" in page.text
    csv = rie.get("/personale/traening/overblik.csv?fra=2026-11-01&til=2026-11-30")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "dato;samtaler;beskeder;ikke_forstaaet;overdraget;hjalp_ja;hjalp_nej"
    assert len(lines) == 31 and lines[1] == "2026-11-01;0;0;0;0;0;0"
    bad = rie.get("/personale/traening/overblik?fra=2026-12-31&til=2026-01-01")
    assert bad.status_code == 400 and "højst et år" in bad.text
    # A raadgiver sees the overview but not the training pages.
    assert rie.get("/personale/traening", follow_redirects=False).status_code == 403
