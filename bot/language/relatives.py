"""Whether a citizen writes for someone else ("min mor", "på hans vegne", "pårørende")."""

from __future__ import annotations

import re

from bot.language.fold import fold

_FOR_SOMEONE = re.compile(
    r"\b(på vegne af|på hans vegne|på hendes vegne|for en anden|min mor|min far|mine forældre|"
    r"min søn|min datter|mit barn|mine børn|min mand|min kone|min hustru|min kæreste|min bror|"
    r"min søster|min nabo|min ven|min veninde|pårørende|min bedstemor|min bedstefar|"
    r"hjælpe (min|mit|mine|ham|hende)|hjælper (min|mit|mine|ham|hende))\b"
)


def for_someone_else(text: str) -> bool:
    """True when the text says the writer acts for another person."""
    return bool(_FOR_SOMEONE.search(fold(text or "").lower()))
