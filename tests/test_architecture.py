"""The layout's rules, checked (README "Architecture", docs/CONVENTIONS.md).

- no import cycle between the modules of bot/;
- the rooms import only downwards: core and language import no feature, app, web or
  Rasa code; features import neither Rasa nor FastAPI; infra imports no feature;
- no module in bot/ over 500 lines, no action module over 250;
- no settings lookup (``get_settings``) below the entry points.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Set

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOT = ROOT / "bot"
ENTRY_POINTS = {
    "bot.core.settings",  # defines it
    "bot.app.bootstrap",
    "bot.app.cli",
    "bot.app.explain_cli",
    "bot.app.route_cli",
    "bot.web.app",
    "bot.rasa.main",  # the Rasa server's entry point
    "bot.rasa.action_server",  # the action server's entry point
}


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> Dict[str, Path]:
    return {module_name(p): p for p in BOT.rglob("*.py")}


def imports_of(path: Path) -> Set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def graph() -> Dict[str, Set[str]]:
    mods = modules()
    return {
        name: {i for i in imports_of(path) if i in mods} - {name} for name, path in mods.items()
    }


def test_no_import_cycle_in_bot() -> None:
    g = graph()
    state: Dict[str, int] = {}
    stack: List[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(g[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(g):
        if node not in state:
            visit(node)


@pytest.mark.parametrize(
    "room, forbidden",
    [
        ("bot.core", ("bot.features", "bot.app", "bot.web", "bot.rasa", "bot.infra", "rasa")),
        ("bot.language", ("bot.features", "bot.app", "bot.web", "bot.rasa", "bot.infra", "rasa")),
        ("bot.features", ("bot.app", "bot.web", "bot.rasa", "rasa", "rasa_sdk", "fastapi")),
        ("bot.infra", ("bot.features", "bot.app", "bot.web")),
    ],
)
def test_rooms_import_only_downwards(room: str, forbidden: tuple) -> None:
    bad = []
    for name, path in modules().items():
        if name == room or name.startswith(room + "."):
            for imported in imports_of(path):
                if any(imported == f or imported.startswith(f + ".") for f in forbidden):
                    bad.append(f"{name} imports {imported}")
    assert not bad, "\n".join(bad)


def test_modules_stay_small() -> None:
    too_long = [
        f"{p.relative_to(ROOT)}: {n} lines"
        for p in BOT.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500
    ]
    too_long += [
        f"{p.relative_to(ROOT)}: {n} lines"
        for p in (ROOT / "actions").glob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 250
    ]
    assert not too_long, "\n".join(too_long)


def test_settings_are_read_only_at_the_entry_points() -> None:
    readers = [
        name
        for name, path in modules().items()
        if "get_settings" in path.read_text(encoding="utf-8") and name not in ENTRY_POINTS
    ]
    readers += [
        str(p.relative_to(ROOT))
        for p in (ROOT / "actions").glob("*.py")
        if "get_settings" in p.read_text(encoding="utf-8")
    ]
    assert not readers, readers
