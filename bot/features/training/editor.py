"""Editing without a developer: responses, content files, stories and rules.

One form per item: a response text (``domain.yml``), an entry of a content file
(``content/*.yml``), a story or rule (``data/stories``, ``data/rules``). A save is
validated on a temporary copy (the content models for content files, ``rasa data
validate`` for training data) and only then replaces the file (write + rename), so an
invalid edit is refused in Danish and nothing is half-saved. Every saved change is one
git commit in the deployment's checkout with the trainer as author; ``history`` lists
them and ``revert`` undoes one (validated the same way).

YAML is edited with ruamel's round trip, so comments and the layout of the rest of the
file stay as they are.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from bot.features.training.gitrepo import Commit, GitError, GitRepo
from bot.features.training.workspace import TRAINING_DATA, Workspace

ContentCheck = Callable[[Path], Any]  # content dir (a temporary copy) -> raises when invalid
DataCheck = Callable[[Workspace], None]  # workspace (a temporary copy) -> raises when invalid

_VARIABLE = re.compile(r"(?<!\{)\{([a-zA-Z_][a-zA-Z0-9_]*)\}(?!\})")
STORY_DIRS = ("data/stories", "data/rules")
EDITABLE_PATHS = ("domain.yml", "content", *STORY_DIRS, "data/nlu/office", "tests/stories")


class EditRefused(Exception):
    """The edit is refused; the message is Danish and says why."""


def _yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True  # type: ignore[assignment]
    y.width = 4096  # type: ignore[assignment]
    y.indent(mapping=2, sequence=4, offset=2)
    y.representer.add_representer(
        type(None), lambda r, _d: r.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return y


def _load(text: str, where: str) -> Any:
    try:
        return _yaml().load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", linje {mark.line + 1}" if mark is not None else ""
        raise EditRefused(f"{where} kan ikke læses som YAML{line}.") from exc


def _dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def variables(text: str) -> List[str]:
    return sorted(set(_VARIABLE.findall(text)))


def preview(text: str, values: Dict[str, str]) -> str:
    """The reply as the citizen reads it: ``{variables}`` filled in (unknown: ``[navn]``)."""
    filled = _VARIABLE.sub(lambda m: str(values.get(m.group(1), f"[{m.group(1)}]")), text)
    return filled.replace("{{", "{").replace("}}", "}")


@dataclass(frozen=True)
class Item:
    key: str  # how the form names it: "utter_greet/0", "termer/3", "routes/skat" ...
    label: str
    value: str  # the text (responses) or the item's YAML


def _label(value: Any, fallback: str) -> str:
    if isinstance(value, dict):
        for field in ("story", "rule", "term", "navn", "name", "title", "id"):
            if isinstance(value.get(field), str):
                return str(value[field])
        first = next((v for v in value.values() if isinstance(v, str)), None)
        if first:
            return first[:60]
    return fallback


class Editor:
    def __init__(
        self,
        workspace: Workspace,
        repo: GitRepo,
        *,
        content_check: Callable[[str, Path], Any] | None = None,
        data_check: DataCheck | None = None,
    ) -> None:
        self.ws = workspace
        self.repo = repo
        self.content_check = content_check  # (file name, content dir copy)
        self.data_check = data_check

    # ---------------------------------------------------------------- responses
    def responses(self) -> Dict[str, List[str]]:
        data = _load(self.ws.domain.read_text(encoding="utf-8"), "domain.yml")
        found: Dict[str, List[str]] = {}
        for name, variants in (data.get("responses") or {}).items():
            found[str(name)] = [str(v.get("text", "")) for v in variants or [] if "text" in v]
        return found

    def save_response(self, name: str, index: int, text: str, author: str) -> Commit:
        text = text.replace("\r\n", "\n").strip()
        if not text:
            raise EditRefused("Teksten må ikke være tom.")
        domain = self.ws.domain
        data = _load(domain.read_text(encoding="utf-8"), "domain.yml")
        variants = (data.get("responses") or {}).get(name)
        if not variants or not (0 <= index < len(variants)) or "text" not in variants[index]:
            raise EditRefused(f"Svaret '{name}' findes ikke.")
        old = str(variants[index]["text"])
        new_vars = set(variables(text)) - set(variables(old))
        if new_vars:
            raise EditRefused(
                "Teksten bruger " + ", ".join("{" + v + "}" for v in sorted(new_vars))
                + ", som svaret ikke kender. Brug kun: "
                + (", ".join("{" + v + "}" for v in variables(old)) or "ingen variabler") + "."
            )
        if text == old:
            raise EditRefused("Teksten er ikke ændret.")
        variants[index]["text"] = _quoted(text, variants[index]["text"])
        return self._save(domain, _dump(data), author,
                          f"Svar {name}: ny tekst\n\nFør: {old}\nNu: {text}")

    # ---------------------------------------------------------------- content files
    def content_files(self) -> List[str]:
        return sorted(p.name for p in (self.ws.root / "content").glob("*.yml"))

    def _content_path(self, file: str) -> Path:
        if file not in self.content_files():
            raise EditRefused(f"Indholdsfilen '{file}' findes ikke.")
        return self.ws.root / "content" / file

    def content_items(self, file: str) -> List[Item]:
        return _items(_load(self._content_path(file).read_text(encoding="utf-8"), file))

    def save_content_item(self, file: str, key: str, value: str, author: str) -> Commit:
        path = self._content_path(file)
        data = _load(path.read_text(encoding="utf-8"), file)
        _replace_item(data, key, _load(value, f"Feltet {key}"))
        return self._save(path, _dump(data), author, f"Indhold {file}: {key} ændret")

    # ---------------------------------------------------------------- stories and rules
    def story_files(self) -> List[str]:
        return sorted(
            str(p.relative_to(self.ws.root))
            for d in STORY_DIRS for p in (self.ws.root / d).glob("*.yml")
        )

    def _story_path(self, file: str) -> Path:
        if file not in self.story_files():
            raise EditRefused(f"Filen '{file}' findes ikke.")
        return self.ws.root / file

    def story_items(self, file: str) -> List[Item]:
        data = _load(self._story_path(file).read_text(encoding="utf-8"), file)
        return _items({k: v for k, v in data.items() if k in ("stories", "rules")})

    def save_story_item(self, file: str, key: str, value: str, author: str) -> Commit:
        path = self._story_path(file)
        data = _load(path.read_text(encoding="utf-8"), file)
        new = _load(value, f"Historien {key}")
        if not isinstance(new, dict) or not ({"story", "rule"} & set(new)):
            raise EditRefused("En historie skal have 'story:' eller 'rule:' og 'steps:'.")
        _replace_item(data, key, new)
        return self._save(path, _dump(data), author, f"Historie {file}: {_label(new, key)} ændret")

    # ---------------------------------------------------------------- e2e test stories
    def save_test_story(
        self,
        story_yaml: str,
        *,
        name: str,
        origin: str,
        author: str,
        mask: Callable[[str], str] = lambda text: text,
    ) -> Commit:
        """A reviewed conversation as an end-to-end test story (Rasa's story YAML); what
        the citizen wrote is masked (``mask``: names, phone numbers, e-mail addresses)."""
        data = _load(story_yaml, "Historien")
        stories = (data or {}).get("stories") if isinstance(data, dict) else None
        if not stories:
            raise EditRefused("Samtalen gav ingen historie.")
        for story in stories:
            for step in story.get("steps") or []:
                if isinstance(step, dict) and isinstance(step.get("user"), str):
                    step["user"] = _quoted(mask(step["user"]), step["user"])
        safe = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")[:60] or "samtale"
        path = self.ws.stories / "office" / f"test_{safe}.yml"
        if path.exists():
            raise EditRefused("Der er allerede en testhistorie fra denne samtale.")
        for story in stories:
            story["story"] = f"{name}: {story.get('story', 'samtale')}"
        header = (
            f"# Testhistorie fra en gennemgået samtale ({origin}); gemt i portalen af "
            f"{author}.\n"
        )
        body = _dump({"version": "3.1", "stories": stories})
        return self._save(path, header + body, author, f"Testhistorie fra samtale: {name}",
                          kind="test")

    # ---------------------------------------------------------------- history
    def history(self, limit: int = 50) -> List[Commit]:
        return self.repo.log(EDITABLE_PATHS, limit=limit)

    def revert(self, sha: str, author: str) -> Commit:
        with self.repo.locked():
            if sha not in {c.sha for c in self.history(200)}:
                raise EditRefused("Ændringen findes ikke i historikken.")
            message = f"Fortryd: {_subject(self.repo, sha)}\n\nFortryder {sha[:10]}."
            try:
                return self.repo.revert(
                    sha, author, message, check=lambda: self._validate_tree(self.ws.root)
                )
            except GitError as exc:
                raise EditRefused(str(exc)) from exc

    # ---------------------------------------------------------------- saving
    def _save(self, path: Path, text: str, author: str, message: str, kind: str = "") -> Commit:
        with self.repo.locked():
            self._validate_change(path, text, kind)
            old = path.read_bytes() if path.exists() else None
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
            try:
                return self.repo.commit([path], message, author)
            except GitError as exc:
                if old is None:
                    path.unlink()
                else:
                    path.write_bytes(old)
                raise EditRefused(f"Ændringen blev ikke gemt: {exc}") from exc

    def _validate_change(self, path: Path, text: str, kind: str) -> None:
        with tempfile.TemporaryDirectory(prefix="borger-edit-") as tmp:
            copy = Path(tmp)
            for part in ("domain.yml", "content", *TRAINING_DATA, "tests/stories"):
                src = self.ws.root / part
                if src.is_dir():
                    shutil.copytree(src, copy / part)
                elif src.exists():
                    shutil.copy2(src, copy / part)
            if self.ws.config_path.exists():
                shutil.copy2(self.ws.config_path, copy / "config.yml")
            target = copy / path.relative_to(self.ws.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            self._validate_tree(copy, only=path.relative_to(self.ws.root), kind=kind)

    def _validate_tree(self, root: Path, only: Path | None = None, kind: str = "") -> None:
        content = only is None or only.parts[0] == "content"
        data = only is None or only.parts[0] != "content"
        if content and self.content_check is not None:
            names = [only.name] if only is not None else self.content_files()
            for name in names:
                try:
                    self.content_check(name, root / "content")
                except Exception as exc:  # noqa: BLE001 - any mistake is refused
                    raise EditRefused(f"Ændringen er ikke gyldig: {exc}") from exc
        if data and kind != "test" and self.data_check is not None:
            ws = Workspace(root=root, config=Path("config.yml"))
            try:
                self.data_check(ws)
            except Exception as exc:  # noqa: BLE001
                raise EditRefused(f"Træningsdata er ikke gyldige efter ændringen: {exc}") from exc


def _subject(repo: GitRepo, sha: str) -> str:
    found = [c for c in repo.log((), 200) if c.sha == sha]
    return found[0].message.splitlines()[0] if found else sha[:10]


def _quoted(text: str, like: Any) -> Any:
    """Keep the quoting style of the old value (ruamel scalar types)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if isinstance(like, LiteralScalarString):
        return LiteralScalarString(text)
    return DoubleQuotedScalarString(text)


def _items(data: Any) -> List[Item]:
    """The form items of a YAML mapping (see ``Item.key``)."""
    items: List[Item] = []
    if not isinstance(data, dict):
        return items
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for i, entry in enumerate(value):
                items.append(Item(f"{key}/{i}", _label(entry, f"{key} {i + 1}"), _dump(entry)))
        elif isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            for sub, entry in value.items():
                items.append(Item(f"{key}/{sub}", f"{key}: {sub}", _dump(entry)))
        else:
            items.append(Item(str(key), str(key), _dump({key: value})))
    return items


def _replace_item(data: Any, key: str, new: Any) -> None:
    top, _, sub = key.partition("/")
    if not isinstance(data, dict) or top not in data:
        raise EditRefused(f"Feltet '{key}' findes ikke.")
    if not sub:
        if not isinstance(new, dict) or list(new) != [top]:
            raise EditRefused(f"Skriv feltet som '{top}: ...'.")
        data[top] = new[top]
        return
    container = data[top]
    if isinstance(container, list):
        if sub == "ny":
            container.append(new)
            return
        if not sub.isdigit() or int(sub) >= len(container):
            raise EditRefused(f"Feltet '{key}' findes ikke.")
        container[int(sub)] = new
    elif isinstance(container, dict) and sub in container:
        container[sub] = new
    else:
        raise EditRefused(f"Feltet '{key}' findes ikke.")
