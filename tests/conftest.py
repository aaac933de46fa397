"""Shared test fixtures: where the real corpora live, and skipping without them."""

from __future__ import annotations

import importlib
import os
import shutil
import sysconfig
from pathlib import Path
from types import ModuleType

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


@pytest.fixture(scope="session")
def extraction_root() -> Path:
    """The Article Extraction Benchmark folder (skips the test when absent)."""
    return _corpus("article-extraction-benchmark")


@pytest.fixture(scope="session")
def cnndm_root() -> Path:
    """The CNN/DailyMail validation folder (skips the test when absent)."""
    return _corpus("cnndm-validation")


@pytest.fixture
def fixtures() -> Path:
    """Folder of small articles written for these tests."""
    return FIXTURES


@pytest.fixture(scope="session")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A topic model trained once per session on the embedded corpus (no CV, ~1 s).

    A fresh checkout has no ``models/topics.npz``, so tests never rely on it.
    """
    from newsml.corpus import load_default_corpus
    from newsml.training import train

    return train(load_default_corpus(), out_dir=tmp_path_factory.mktemp("model"), cv_folds=0).model_path


def c_module(name: str) -> ModuleType:
    """newsml's C module ``name``, built at install; skips only where no C compiler could have built it."""
    try:
        return importlib.import_module(f"newsml.{name}")
    except ImportError:
        compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
        if shutil.which(compiler):
            pytest.fail(f"a C compiler ({compiler}) is here, but newsml.{name} was not built at install")
        pytest.skip(f"newsml.{name} is not built (no C compiler at install): newsml uses its Python fallback")
