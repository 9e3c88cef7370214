"""schemathesis against the web app's OpenAPI schema (issue 12: "Done when").

The app serves no schema (``openapi_url=None``: no /docs, /openapi.json); the test takes
it from ``app.openapi()`` and calls the app in-process (ASGI), with the fake Rasa behind
it and its own app database and tracker store. Every operation is generated from the
schema and every response is checked against it: no 5xx, only declared status codes,
content types and bodies.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from bot.app.schema import create_schema
from bot.infra.db import make_engine, make_session_factory
from bot.web.app import create_app
from bot.web.stores import Stores
from tests.web.conftest import FakeStack, web_settings

# A message over the length limit is 413 (Content Too Large), a flood 429: both are
# the right refusals of invalid data, besides the 400 of everything else.
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": [400, 404, 405, 413, 429]}}}
)


@pytest.fixture
def api_schema(fake_stack: FakeStack, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    var: Path = tmp_path_factory.mktemp("openapi")
    app_engine = make_engine(f"sqlite:///{var / 'app.db'}")
    create_schema(app_engine)
    tracker = make_engine(f"sqlite:///{var / 'rasa.db'}")
    config = web_settings(
        fake_stack, var, hash_secret="x" * 40,
        # Generated requests come fast from one client: limits are tested elsewhere.
        chat_per_client_per_minute=1_000_000, chat_per_conversation_per_minute=1_000_000,
    )  # fmt: skip
    app = create_app(config)
    app.state.stores = Stores(app=make_session_factory(app_engine), tracker=tracker)
    schema = schemathesis.openapi.from_dict(app.openapi(), config=CONFIG)
    schema.app = app
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_to_its_schema(case, fake_rasa) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate()


def test_the_schema_is_not_served(api_schema) -> None:  # type: ignore[no-untyped-def]
    from starlette.testclient import TestClient

    with TestClient(api_schema.app) as client:
        for path in ("/openapi.json", "/docs", "/redoc"):
            assert client.get(path).status_code == 404
