"""`wastenexus chat` on the embedded default (SQLite), scripted through stdin."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.processes import ROOT

SCRIPT = "hi\nyes\nBangkok\nskip\n2 kg plastic bottles recycled\nbalance\nundo\n"


def chat(tmp_path: Path, stdin: str, *args: str) -> str:
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite://{tmp_path}/chat.sqlite3",
           "VAR_DIR": str(tmp_path / "var"), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "cli", "chat", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_scripted_conversation_logs_and_undoes_an_entry(tmp_path: Path) -> None:
    out = chat(tmp_path, SCRIPT)
    assert "Do you agree?" in out
    assert "You avoided 1.27 kg CO2e" in out and "+30 credits. Balance: 30." in out
    assert "Your green credits: 30" in out
    assert "-30 credits. Balance: 0." in out


def test_the_conversation_persists_between_runs(tmp_path: Path) -> None:
    chat(tmp_path, SCRIPT + "1 kg food waste composted\n")
    out = chat(tmp_path, "balance\n")
    assert "Your green credits: 22" in out  # 1 kg x 22 credits, the plastic entry undone


def test_lang_flag_greets_in_thai(tmp_path: Path) -> None:
    assert "คุณยอมรับหรือไม่" in chat(tmp_path, "hi\n", "--lang", "th")
