"""The deployment's checkout as a git repository: every office change is one commit.

The author of a commit is the trainer (``Forfatter <brugernavn@portal>``), the committer
the assistant; the message says what changed. The developers pull these commits back
into the project. ``revert`` undoes one change with a new commit. Only one change is
written at a time (a lock file in ``.git``), so two trainers cannot mix their edits.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator, List, Sequence

COMMITTER = ("Borgerrådgiver-assistenten", "assistent@borgerraadgivning.invalid")
AUTHOR_DOMAIN = "portal.invalid"
_FIELD, _RECORD = "\x1f", "\x1e"


class GitError(Exception):
    """git refused (the message is Danish)."""


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    at: datetime
    message: str
    files: tuple[str, ...] = ()

    @property
    def short(self) -> str:
        return self.sha[:10]


class GitRepo:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _git(self, *args: str, check: bool = True) -> str:
        code, out, err = self._run(*args)
        if check and code != 0:
            raise GitError(f"git {args[0]} fejlede: {err.strip()[-500:]}")
        return out

    def _run(self, *args: str) -> tuple[int, str, str]:
        env = {
            **os.environ,
            "GIT_COMMITTER_NAME": COMMITTER[0],
            "GIT_COMMITTER_EMAIL": COMMITTER[1],
            "GIT_TERMINAL_PROMPT": "0",
        }
        done = subprocess.run(  # noqa: S603 - fixed git arguments
            ["git", "-C", str(self.root), *args],  # noqa: S607
            env=env,
            capture_output=True,
            check=False,
        )
        return (
            done.returncode,
            done.stdout.decode("utf-8", "replace"),
            done.stderr.decode("utf-8", "replace"),
        )

    def is_repo(self) -> bool:
        return (self.root / ".git").exists()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One writer at a time, across processes."""
        if not self.is_repo():
            raise GitError(f"{self.root.name} er ikke et git-repository")
        lock = self.root / ".git" / "borger-edit.lock"
        with lock.open("w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def commit(self, paths: Sequence[Path | str], message: str, author: str) -> Commit:
        """Commit just ``paths`` (added, changed or deleted) with ``author`` as author."""
        rel = [str(Path(p).relative_to(self.root) if Path(p).is_absolute() else p) for p in paths]
        self._git("add", "-A", "--", *rel)
        if not self._git("diff", "--cached", "--name-only", "--", *rel).strip():
            raise GitError("Der er ingen ændring at gemme")
        name = author.strip() or "ukendt"
        self._git(
            "commit", "-q", "-m", message,
            f"--author={name} <{_email_part(name)}@{AUTHOR_DOMAIN}>", "--", *rel,
        )
        return self.log(limit=1)[0]

    def log(self, paths: Sequence[str] = (), limit: int = 50) -> List[Commit]:
        fmt = _FIELD.join(["%H", "%an", "%aI", "%B"]) + _RECORD
        out = self._git(
            "log", f"-n{limit}", f"--format={fmt}", "--", *paths, check=False
        )
        commits = []
        for record in out.split(_RECORD):
            record = record.strip("\n")
            if not record:
                continue
            parts = record.split(_FIELD)
            if len(parts) < 4:
                continue
            sha, author, at, rest = parts[0].strip(), parts[1], parts[2], parts[3]
            commits.append(Commit(sha, author, datetime.fromisoformat(at), rest.strip()))
        return [self._with_files(c) for c in commits]

    def _with_files(self, commit: Commit) -> Commit:
        out = self._git("show", "--format=", "--name-only", commit.sha, check=False)
        files = tuple(line for line in out.splitlines() if line.strip())
        return Commit(commit.sha, commit.author, commit.at, commit.message, files)

    def show(self, sha: str) -> str:
        _check_sha(sha)
        return self._git("show", "--format=%B", "--stat", "--patch", sha)

    def revert(
        self, sha: str, author: str, message: str, check: Callable[[], None] | None = None
    ) -> Commit:
        """Undo one commit with a new commit (refused when later changes conflict, or
        when ``check`` raises on the reverted files: then nothing changes)."""
        _check_sha(sha)
        code, _, err = self._run("revert", "--no-commit", sha)
        if code != 0:
            self._run("revert", "--abort")
            if "conflict" in err.lower():
                raise GitError(
                    "Ændringen kan ikke fortrydes, fordi en senere ændring har rettet "
                    "det samme sted"
                )
            raise GitError(f"Ændringen kan ikke fortrydes: {err.strip()[-300:]}")
        if check is not None:
            try:
                check()
            except BaseException:
                self._run("revert", "--abort")
                raise
        name = author.strip() or "ukendt"
        self._git(
            "commit", "-q", "-m", message,
            f"--author={name} <{_email_part(name)}@{AUTHOR_DOMAIN}>",
        )
        return self.log(limit=1)[0]

    def head(self) -> str:
        return self._git("rev-parse", "HEAD").strip()


def _email_part(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "._-" else "." for ch in name.lower())
    return cleaned.strip(".") or "traener"


def _check_sha(sha: str) -> None:
    if not (7 <= len(sha) <= 40 and all(c in "0123456789abcdef" for c in sha.lower())):
        raise GitError("Ugyldig ændrings-id")
