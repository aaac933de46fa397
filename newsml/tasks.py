"""What travels between a batch run and its workers: files to score, settings, output lines.

Kept free of the scoring code so that the process that lists the folder and
writes the output never imports scikit-learn or NLTK: the workers import
:mod:`newsml.pipeline` when their first chunk arrives (:func:`score_chunk`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsml.length import SummaryLength
from newsml.reading import DEFAULT_MAX_BYTES

#: Files per chunk of work sent to a worker (``newsml score --chunk-files``).
DEFAULT_CHUNK_FILES = 64


@dataclass(frozen=True)
class ScoreSettings:
    """What a worker needs to score a chunk (sent with every chunk; small)."""

    model_path: str
    length: SummaryLength = SummaryLength()
    max_bytes: int | None = DEFAULT_MAX_BYTES
    fmt: str = "jsonl"
    #: A ranker file; ``None`` for the shipped default.
    ranker_path: str | None = None


@dataclass(frozen=True)
class FileItem:
    """One file to score: its relative path and either a path to read or its contents.

    ``error`` is set when the client already failed to read the file.
    """

    relpath: str
    path: str | None = None
    data: bytes | None = None
    error: str | None = None


@dataclass(frozen=True)
class ScoredLine:
    """A record as the worker returns it: the output line plus what resuming needs."""

    path: str
    sha256: str | None
    error: str | None
    line: bytes


def score_chunk(items: Sequence[FileItem], settings: ScoreSettings, model: Any = None) -> list[ScoredLine]:
    """The workers' task: :func:`newsml.pipeline.score_items`, imported on first use."""
    from newsml.pipeline import score_items

    return score_items(items, settings, model)


def warm_up(model_path: str, ranker_path: str | None = None) -> None:
    """Import the scoring code and load the models in a worker before its first chunk."""
    from newsml.pipeline import load_worker_model, load_worker_ranker

    load_worker_model(model_path)
    load_worker_ranker(ranker_path)
    from newsml.preprocess.block_model import load_block_model
    from newsml.preprocess.joins import load_join_model

    load_join_model()  # the paragraph-join model that cleaning uses
    load_block_model()  # the block model that cleans page dumps
