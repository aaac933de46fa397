"""Batch scoring: every article under a folder summarized and tagged, one record each.

:func:`score_folder` is what ``newsml score DIR`` runs. The jobs are split:

* :mod:`newsml.listing` lists the files lazily, one directory at a time, in
  the order of their relative POSIX paths;
* :mod:`newsml.resume` decides, for ``--resume``, which old records stay;
* :mod:`newsml.tasks` carries chunks of files to the workers (in this
  process, loky processes or a Dask cluster; see
  :mod:`newsml.backends`), which run :mod:`newsml.pipeline` and return the
  formatted lines of :mod:`newsml.records`;
* :mod:`newsml.batch_output` writes the lines, whole records only.

Here the chunks are planned and collected. Work goes out in chunks of up to
``chunk_files`` files (and ``chunk_bytes`` bytes of content); at most
``max_in_flight`` chunks are out at once and about one round of chunks
(``workers * chunk_files`` units, ``workers * chunk_bytes`` bytes, plus the
unit that reaches that size) is read ahead of them, so memory stays flat
however large the folder. Results are written in submission order, i.e.
sorted by path, whatever order the chunks finish in. With worker processes,
this process never imports the scoring code: the workers import it and load
the model while the folder is being listed.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from newsml.backends import SCHEDULER_ENV, make_backend, resolve_jobs
from newsml.batch_output import OutputWriter
from newsml.errors import BatchOptionError
from newsml.length import SummaryLength
from newsml.listing import DEFAULT_PATTERNS, HTML_PATTERNS, iter_article_files
from newsml.model_io import check_model_file, model_path
from newsml.reading import DEFAULT_MAX_BYTES
from newsml.records import FIELDS, FORMATS, csv_line
from newsml.resume import Kept, Marker, plan_units
from newsml.tasks import DEFAULT_CHUNK_FILES, FileItem, ScoredLine, ScoreSettings, score_chunk, warm_up

logger = logging.getLogger(__name__)

#: Upper bound on the bytes of file contents in one chunk (when contents are sent).
DEFAULT_CHUNK_BYTES = 8 << 20


@dataclass
class BatchStats:
    """Counts of a batch run."""

    files: int = 0
    scored: int = 0
    failed: int = 0
    kept: int = 0
    listing_errors: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every file was scored and every folder listed."""
        return self.failed == 0 and self.listing_errors == 0


@dataclass(frozen=True)
class BatchOptions:
    """Options of :func:`score_folder` (the flags of ``newsml score``)."""

    patterns: tuple[str, ...] = DEFAULT_PATTERNS
    html: bool = False
    fmt: str = "jsonl"
    jobs: int | None = None
    backend: str = "local"
    scheduler: str | None = None
    resume: bool = False
    max_bytes: int | None = DEFAULT_MAX_BYTES
    length: SummaryLength = SummaryLength()
    model: str | os.PathLike[str] | None = None
    #: A sentence ranker file (``newsml train --summaries`` writes one); ``None`` for the shipped ranker.
    ranker: str | os.PathLike[str] | None = None
    chunk_files: int = DEFAULT_CHUNK_FILES
    chunk_bytes: int = DEFAULT_CHUNK_BYTES

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise BatchOptionError(f"format must be one of {FORMATS}, got {self.fmt!r}")
        if self.backend not in ("local", "dask"):
            raise BatchOptionError(f"backend must be 'local' or 'dask', got {self.backend!r}")
        if self.chunk_files < 1 or self.chunk_bytes < 1:
            raise BatchOptionError("chunk_files and chunk_bytes must be positive")
        if self.max_bytes is not None and self.max_bytes < 1:
            raise BatchOptionError(f"max_bytes must be positive, got {self.max_bytes!r}")
        if not self.patterns and not self.html:
            raise BatchOptionError("give at least one file name pattern")
        if self.scheduler and self.backend != "dask":
            raise BatchOptionError("a scheduler (--scheduler) needs the dask backend (--backend dask)")
        if self.backend == "dask" and not self.dask_scheduler:
            raise BatchOptionError(f"the dask backend needs a scheduler: --scheduler ADDRESS or ${SCHEDULER_ENV}")

    @property
    def dask_scheduler(self) -> str | None:
        """The scheduler address: ``scheduler``, else ``$NEWSML_DASK_SCHEDULER``."""
        return self.scheduler or os.environ.get(SCHEDULER_ENV) or None

    @property
    def all_patterns(self) -> tuple[str, ...]:
        """The patterns, plus ``*.html`` and ``*.htm`` with ``html``."""
        extra = tuple(p for p in HTML_PATTERNS if self.html and p not in self.patterns)
        return tuple(self.patterns) + extra


#: Called after every record with the counts so far.
ProgressCallback = Callable[[BatchStats], None]


def score_folder(
    root: str | os.PathLike[str],
    out: str | os.PathLike[str] | BinaryIO | None = None,
    options: BatchOptions = BatchOptions(),
    progress: ProgressCallback | None = None,
) -> BatchStats:
    """Score every matching article under ``root`` into ``out`` (a path or binary stream).

    ``out=None`` writes to standard output. With ``options.resume``, ``out``
    must be a path; an existing output there is continued (see
    :mod:`newsml.batch_output`). Returns the counts; each file that failed is
    logged as a warning. Raises ``FileNotFoundError``/``NotADirectoryError``
    for a bad ``root``, :class:`~newsml.errors.ModelError` for a bad model,
    :class:`~newsml.batch_output.ResumeError` for an output that cannot be
    resumed, and what the backend raises when it cannot start.
    """
    root_path = Path(root)
    if not root_path.exists():
        raise FileNotFoundError(f"{root}: no such folder")
    if not root_path.is_dir():
        raise NotADirectoryError(f"{root}: not a folder")
    if options.resume and not isinstance(out, (str, os.PathLike)):
        raise BatchOptionError("resuming needs an output file (--out FILE); standard output cannot be resumed")
    if options.backend == "dask" and options.jobs is not None:
        logger.warning("--jobs is ignored with the dask backend (the cluster has its workers)")
    model_file = model_path(options.model)
    in_workers = options.backend == "local" and resolve_jobs(options.jobs) > 1
    # Fail early on a missing or damaged model: loaded here when scoring runs
    # here or the model is sent to a cluster, else checked (not loaded) here and
    # loaded by each worker.
    model = None if in_workers else _load_model(model_file)
    if in_workers:
        check_model_file(model_file)
    ranker_file = options.ranker
    if ranker_file not in (None, "centrality"):  # workers may run in another folder
        ranker_file = os.fspath(Path(ranker_file).absolute())
    settings = ScoreSettings(str(model_file), options.length, options.max_bytes, options.fmt, ranker_file)
    stats = BatchStats()

    def listing_error(rel: str, exc: OSError) -> None:
        stats.listing_errors += 1
        logger.warning("%s: cannot list the folder: %s", rel, exc.strerror or exc)

    start = time.perf_counter()
    header = csv_line(FIELDS) if options.fmt == "csv" else None
    writer = OutputWriter.open(out, options.fmt, resume=options.resume, header=header)
    try:
        backend = make_backend(
            options.backend,
            score_chunk,
            settings,
            model,
            jobs=options.jobs,
            scheduler=options.dask_scheduler,
            warm_up=functools.partial(warm_up, str(model_file), ranker_file),
        )
        try:
            files = iter_article_files(
                root_path, options.all_patterns, exclude=_output_relpath(root_path, out), on_error=listing_error
            )
            units = plan_units(files, writer.existing_records(), options.max_bytes, backend.sends_contents)
            pending: deque[tuple[list[Any], Any]] = deque()
            for slots in _chunks(units, options.chunk_files, options.chunk_bytes, backend.workers):
                items = [s for s in slots if isinstance(s, FileItem)]
                pending.append((slots, backend.submit(items) if items else None))
                while len(pending) >= backend.max_in_flight:
                    _write_chunk(*pending.popleft(), writer, stats, start, progress)
            while pending:
                _write_chunk(*pending.popleft(), writer, stats, start, progress)
            writer.finish()
        except BaseException:
            backend.abort()
            raise
        backend.close()
    finally:
        writer.close()
    stats.seconds = time.perf_counter() - start
    return stats


def _load_model(path: Path) -> Any:
    """The model at ``path``, loaded once per process (imports the scoring code)."""
    from newsml.pipeline import load_worker_model

    return load_worker_model(os.fspath(path))


def _chunks(
    units: Iterable[Any], chunk_files: int, chunk_bytes: int, workers: int = 1, min_tail: int = 4
) -> Iterator[list[Any]]:
    """Consecutive units grouped by count and content size; a marker ends its chunk.

    Units are files to score and the kept records and markers of a resume; all
    count towards ``chunk_files``. Up to ``workers`` chunks' worth of units
    (``workers * chunk_files`` units, or ``workers * chunk_bytes`` bytes and
    the unit that reaches it) are read ahead, so the first chunk waits for
    that much of the listing. Chunks hold ``chunk_files`` units until the end
    of the listing comes into view; then each takes its share by count of
    what is left among the ``workers`` (worked out again for every chunk, at
    least ``min(chunk_files, min_tail)`` units), so that the workers finish
    together rather than one scoring a whole last chunk alone. A chunk is
    also closed once its contents reach ``chunk_bytes``.
    """
    pending = iter(units)
    ahead: deque[Any] = deque()
    ahead_bytes = 0
    ended = False
    while True:
        while not ended and len(ahead) < workers * chunk_files and ahead_bytes < workers * chunk_bytes:
            unit = next(pending, _END)
            if unit is _END:
                ended = True
            else:
                ahead.append(unit)
                ahead_bytes += _content_size(unit)
        if not ahead:
            return
        limit = chunk_files if not ended else min(chunk_files, max(min_tail, -(-len(ahead) // workers)))
        chunk: list[Any] = []
        size = 0
        while ahead and len(chunk) < limit and size < chunk_bytes:
            unit = ahead.popleft()
            chunk.append(unit)
            size += _content_size(unit)
            if isinstance(unit, Marker):
                break
        ahead_bytes -= size
        yield chunk


_END = object()


def _content_size(unit: Any) -> int:
    return len(unit.data) if isinstance(unit, FileItem) and unit.data is not None else 0


def _write_chunk(
    slots: list[Any],
    future: Any,
    writer: OutputWriter,
    stats: BatchStats,
    start: float,
    progress: ProgressCallback | None,
) -> None:
    results = iter(future.result() if future is not None else ())
    for slot in slots:
        if isinstance(slot, Marker):
            writer.past_existing()
            continue
        stats.files += 1
        if isinstance(slot, Kept):
            writer.keep(slot)
            stats.kept += 1
        else:
            scored: ScoredLine = next(results)
            writer.write(scored.line)
            if scored.error is None:
                stats.scored += 1
            else:
                stats.failed += 1
                if len(stats.failures) < 1000:
                    stats.failures.append(scored.path)
                logger.warning("%s: %s", scored.path, scored.error)
        if progress is not None:
            stats.seconds = time.perf_counter() - start
            progress(stats)


def _output_relpath(root: Path, out: Any) -> list[str]:
    """The output file's path relative to ``root`` when it lies inside it."""
    if not isinstance(out, (str, os.PathLike)):
        return []
    try:
        rel = Path(os.path.abspath(out)).resolve().relative_to(root.resolve())
    except ValueError:
        return []
    return [rel.as_posix()]
