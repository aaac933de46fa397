"""Shared test fixtures: where the real corpora live, and skipping without them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: ``../shared/data`` beside the checkout, or ``$NEWSML_SHARED_DATA``.
SHARED_DATA = Path(os.environ.get("NEWSML_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _corpus(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.is_dir():
        pytest.skip(f"{path} is absent: real-corpus tests run only where ../shared/data exists (CI)")
    return path


@pytest.fixture(scope="session")
def bbc_root() -> Path:
    """The BBC News Summary corpus folder (skips the test when absent)."""
    return _corpus("bbc-news-summary")


@pytest.fixture(scope="session")
def reuters_root() -> Path:
    """The Reuters-21578 folder (skips the test when absent)."""
    return _corpus("reuters21578")


@pytest.fixture
def fixtures() -> Path:
    """Folder of small articles written for these tests."""
    return FIXTURES
