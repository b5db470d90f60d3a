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
    # 30 for the entry, then First Step (+10) and the Daily Recycler goal (+15): 55.
    assert "You avoided 1.27 kg CO2e" in out and "+30 credits." in out
    assert "Balance: 55." in out and "Your green credits: 55" in out
    assert "-30 credits. Balance: 25." in out  # undo takes back the entry, not the rewards


def test_the_conversation_persists_between_runs(tmp_path: Path) -> None:
    chat(tmp_path, SCRIPT + "1 kg food waste composted\n")
    out = chat(tmp_path, "balance\n")
    # 25 left after the undo, + 22 for 1 kg composted, + 25 for the Daily Composter goal,
    # + 75 for Compost Master (1 kg composted in all): 147.
    assert "Your green credits: 147" in out


def test_lang_flag_greets_in_thai(tmp_path: Path) -> None:
    assert "คุณยอมรับหรือไม่" in chat(tmp_path, "hi\n", "--lang", "th")
