"""Every entry point makes its files private and masks its logs."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from bot.core.settings import ROOT


def test_files_and_folders_made_after_harden_are_private(tmp_path) -> None:
    code = textwrap.dedent(
        f"""
        import logging, os, sqlite3, stat, sys
        from pathlib import Path
        from bot.core import process
        process.harden()
        root = Path({str(tmp_path)!r})
        (root / "outbox").mkdir()
        (root / "outbox" / "mail.eml").write_text("Kære Hans")
        sqlite3.connect(root / "rasa.db").execute("CREATE TABLE t (x)")
        for p in (root / "outbox", root / "outbox" / "mail.eml", root / "rasa.db"):
            print(p.name, oct(stat.S_IMODE(p.stat().st_mode)))
        logging.basicConfig(stream=sys.stdout, format="%(message)s")
        logging.getLogger("x").warning("cpr %s", "010190-1234")
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "outbox 0o700",
        "mail.eml 0o600",
        "rasa.db 0o600",
        "cpr [CPR]",
    ]
