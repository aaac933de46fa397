"""What the benchmark scripts record about the code and packages they measured."""

from __future__ import annotations

import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def newsml_revision() -> str:
    """The repository's commit, marked "+ local changes" when newsml/ differs from it (read-only git)."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return ""

    head = git("rev-parse", "--short", "HEAD").strip()
    if not head:
        return "unknown"
    return f"{head} + local changes" if git("status", "--porcelain", "--", "newsml").strip() else head


def dist_version(*names: str) -> str:
    """Installed version of the first of ``names`` that is installed, or "unknown"."""
    for name in names:
        try:
            return version(name)
        except PackageNotFoundError:
            continue
    return "unknown"
