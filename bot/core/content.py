"""The office's content files: YAML, validated, reloaded when they change.

Every file the office edits (contact details, competence routes, glossary, opening
hours, texts ...) is read through one ``ContentFile``:

- the YAML is parsed and validated into a pydantic model (or any parse function);
- ``get()`` notices when the file has changed on disk (modification time and size,
  checked at most once per ``check_every`` seconds) and loads it again, so an edit
  shows up in the next answer of every running process, without a restart;
- an invalid edit never replaces the last good version: the old content stays in use,
  and ``error`` holds a Danish message naming the file and the line, which is logged
  once per bad version (and shown to the office by the tools that edit the files).

The first load has no good version to fall back on, so it raises ``ContentError``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Generic, List, Sequence, Tuple, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class ContentError(Exception):
    """A content file that cannot be used; ``message`` is Danish, for the office."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, linje {self.line}" if self.line else self.file
        return f"Fejl i {where}: {self.message}"


def _line_of(node: yaml.Node | None, loc: Sequence[Any]) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (a pydantic error location)."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(key)), None)
            if match is None:
                return line
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            if key >= len(node.value):
                return line
            node = node.value[key]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def _describe(exc: ValidationError, root: yaml.Node | None, name: str) -> ContentError:
    first = exc.errors()[0]
    loc: Tuple[Any, ...] = tuple(x for x in first["loc"] if x != "__root__")
    where = " → ".join(str(x) for x in loc)
    text = f"{where}: {first['msg']}" if where else str(first["msg"])
    return ContentError(name, _line_of(root, loc), text)


def parse_yaml(text: str, name: str) -> Tuple[Any, yaml.Node | None]:
    """The data and the node tree of a YAML text, or ``ContentError`` with the line."""
    try:
        return yaml.safe_load(text), yaml.compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = f"filen kan ikke læses som YAML ({exc.problem})"
        raise ContentError(name, line, problem) from exc


def load(path: Path, parse: Callable[[Any], T]) -> T:
    """Load and validate one file; ``ContentError`` (Danish, with the line) when invalid."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContentError(name, None, f"filen kan ikke læses ({exc.strerror})") from exc
    data, root = parse_yaml(text, name)
    try:
        return parse(data)
    except ValidationError as exc:
        raise _describe(exc, root, name) from exc
    except (ValueError, TypeError, KeyError) as exc:
        raise ContentError(name, None, str(exc)) from exc


def model_parser(model: type[BaseModel]) -> Callable[[Any], Any]:
    return model.parse_obj


class ContentFile(Generic[T]):
    """One content file, always the last good version (see the module docstring)."""

    def __init__(
        self,
        path: Path,
        parse: Callable[[Any], T],
        *,
        check_every: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self._parse = parse
        self._check_every = check_every
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._value: T | None = None
        self._stamp: Tuple[int, int] | None = None
        self._checked = float("-inf")
        self.error: ContentError | None = None

    def _stat(self) -> Tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def get(self) -> T:
        with self._lock:
            now = self._monotonic()
            if self._value is not None and now - self._checked < self._check_every:
                return self._value
            self._checked = now
            stamp = self._stat()
            if self._value is not None and stamp == self._stamp:
                return self._value
            try:
                value = load(self.path, self._parse)
            except ContentError as exc:
                if self._value is None:
                    raise
                if self.error != exc:
                    log.error("content: %s (the last good version stays in use)", exc)
                self.error = exc
                self._stamp = stamp  # do not read the same bad version again
                return self._value
            if self._value is not None:
                log.info("content: %s reloaded", self.path.name)
            self._value, self._stamp, self.error = value, stamp, None
            return value


def problems(files: Sequence[ContentFile[Any]]) -> List[ContentError]:
    """The files whose newest version was refused (the old one is in use)."""
    return [f.error for f in files if f.error is not None]


_registry: Dict[Tuple[Path, Callable[[Any], Any]], ContentFile[Any]] = {}
_registry_lock = threading.Lock()


def content_file(path: Path, parse: Callable[[Any], T]) -> ContentFile[T]:
    """The process's one ``ContentFile`` for this file and parser."""
    key = (path.resolve(), parse)
    with _registry_lock:
        found = _registry.get(key)
        if found is None:
            found = _registry[key] = ContentFile(path, parse)
        return found


def cached(path: Path, parse: Callable[[Any], T]) -> T:
    """The newest good version of a content file; edits show up without a restart."""
    return content_file(path, parse).get()


def all_problems() -> List[ContentError]:
    """Every content file in use whose newest version was refused."""
    with _registry_lock:
        files = list(_registry.values())
    return problems(files)
