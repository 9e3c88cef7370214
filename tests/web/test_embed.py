"""/embed, the page in widget.js's iframe: framed by exactly BORGER_CORS_ORIGINS."""

from __future__ import annotations

from typing import Callable

import httpx

from bot.web.app import embed_policy
from tests.web.fakes import ALLOWED_ORIGIN, FakeRasa


def frame_ancestors(csp: str) -> str:
    (directive,) = [d.strip() for d in csp.split(";") if d.strip().startswith("frame-ancestors")]
    return directive


def test_embed_may_be_framed_by_the_listed_origins_only(
    start_web: Callable[..., str], fake_rasa: FakeRasa
) -> None:
    url = start_web(cors_origins=[ALLOWED_ORIGIN, "https://aalborg.dk"])
    r = httpx.get(f"{url}/embed")
    assert r.status_code == 200 and "data-embedded" in r.text
    csp = r.headers["content-security-policy"]
    assert frame_ancestors(csp) == "frame-ancestors https://www.aalborg.dk https://aalborg.dk"
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    # The chat page itself is framed by nobody.
    page = httpx.get(f"{url}/").headers["content-security-policy"]
    assert frame_ancestors(page) == "frame-ancestors 'none'"


def test_embed_without_origins_is_framed_by_nobody(
    start_web: Callable[..., str], fake_rasa: FakeRasa
) -> None:
    url = start_web(cors_origins=[])
    csp = httpx.get(f"{url}/embed").headers["content-security-policy"]
    assert frame_ancestors(csp) == "frame-ancestors 'none'"


def test_an_origin_that_could_change_the_policy_is_left_out() -> None:
    policy = embed_policy(["https://ok.dk", "https://x.dk; script-src *", "https://ok.dk:8443"])
    assert frame_ancestors(policy) == "frame-ancestors https://ok.dk https://ok.dk:8443"
    assert "script-src *" not in policy
