import pytest

from bot.language.relatives import for_someone_else


@pytest.mark.parametrize(
    "text, expected",
    [
        ("jeg vil gerne hjælpe min far med hans sag", True),
        ("Jeg skriver paa vegne af min mor", True),
        ("jeg er pårørende", True),
        ("jeg vil klage over min sagsbehandler", False),
        ("send mig en fuldmagt", False),
    ],
)
def test_writing_for_someone_else(text: str, expected: bool) -> None:
    assert for_someone_else(text) is expected
