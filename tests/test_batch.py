"""Batch scoring of folders: listing, records, bad files, formats, determinism, resume, backends."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import sys
from pathlib import Path

import pytest
from batch_helpers import BAD_FILES, MAX_BYTES, article, write_articles, write_bad_files
from hypothesis import given
from hypothesis import strategies as st

from newsml import batch
from newsml.backends import SerialBackend, resolve_jobs
from newsml.batch import BatchOptions, score_folder
from newsml.batch_output import temporary_path
from newsml.length import SummaryLength
from newsml.pipeline import score_items
from newsml.preprocess import parse_article
from newsml.records import FIELDS
from newsml.resume import Marker, ResumeError
from newsml.tasks import FileItem


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A read-only folder: 40 good articles and one file of every bad kind."""
    folder = tmp_path_factory.mktemp("corpus")
    write_articles(folder, 40)
    write_bad_files(folder)
    return folder


def options(model_path: Path, **kwargs) -> BatchOptions:
    kwargs.setdefault("jobs", 1)
    kwargs.setdefault("max_bytes", MAX_BYTES)
    return BatchOptions(model=str(model_path), **kwargs)


def run(folder: Path, out: Path, model_path: Path, **kwargs) -> batch.BatchStats:
    return score_folder(folder, out, options(model_path, **kwargs))


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# ------------------------------------------------------------------- records
def test_good_and_bad_files(corpus: Path, tmp_path: Path, model_path: Path, caplog) -> None:
    out = tmp_path / "out.jsonl"
    with caplog.at_level(logging.WARNING, logger="newsml"):
        stats = run(corpus, out, model_path)
    records = jsonl(out)
    assert [r["path"] for r in records] == sorted(r["path"] for r in records)
    assert stats.files == len(records) == 40 + len(BAD_FILES)
    assert stats.failed == len(BAD_FILES) and stats.scored == 40 and not stats.ok
    for r in records:
        assert list(r) == list(FIELDS)
    errors = {r["path"]: r["error"] for r in records if r["error"]}
    assert {path: error.split(":")[0] for path, error in errors.items()} == BAD_FILES
    for path in BAD_FILES:  # every bad file is named on stderr (as a warning)
        assert any(path in message for message in caplog.messages)
    assert "over the limit of 20000 bytes" in errors["bad/huge.txt"]
    assert "NUL" in errors["bad/binary.txt"]
    bad = {r["path"]: r for r in records if r["error"]}
    assert bad["bad/unreadable.txt"]["sha256"] is None and bad["bad/huge.txt"]["sha256"] is None
    assert bad["bad/empty.txt"]["sha256"] == hashlib.sha256(b"").hexdigest()
    assert all(bad[p][f] is None for p in bad for f in ("title", "summary", "topics", "sentences", "words"))


def test_record_fields(corpus: Path, tmp_path: Path, model_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    run(corpus, out, model_path, length=SummaryLength(sentences=2))
    record = next(r for r in jsonl(out) if r["path"] == "part1/article00001.txt")
    data = (corpus / record["path"]).read_bytes()
    doc = parse_article(data)
    assert record["sha256"] == hashlib.sha256(data).hexdigest()
    assert record["title"] == doc.title == "Central bank holds interest rates steady"
    assert record["sentences"] == len(doc.sentences) >= 4
    assert record["words"] == sum(len(s.text.split()) for s in doc.sentences)
    assert len(record["summary"]) == 2 and all(s in [x.text for x in doc.sentences] for s in record["summary"])
    probabilities = [t["probability"] for t in record["topics"]]
    assert record["topics"] and probabilities == sorted(probabilities, reverse=True)
    assert all(0 <= p <= 1 for p in probabilities)
    assert "economy" in [t["topic"] for t in record["topics"]]


def test_csv_matches_jsonl(corpus: Path, tmp_path: Path, model_path: Path) -> None:
    run(corpus, tmp_path / "out.jsonl", model_path)
    run(corpus, tmp_path / "out.csv", model_path, fmt="csv")
    text = (tmp_path / "out.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(FIELDS)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(text.splitlines()) == len(rows) + 1  # one line per record
    for row, record in zip(rows, jsonl(tmp_path / "out.jsonl"), strict=True):
        assert row["path"] == record["path"]
        assert row["sha256"] == (record["sha256"] or "")
        assert row["error"] == (record["error"] or "")
        assert row["title"] == (record["title"] or "")
        if record["error"] is None:
            assert row["summary"] == " ".join(record["summary"])
            assert row["topics"] == ";".join(f"{t['topic']}={t['probability']:.4f}" for t in record["topics"])
            assert int(row["sentences"]) == record["sentences"] and int(row["words"]) == record["words"]


def test_output_is_deterministic_across_runs_chunks_and_jobs(corpus: Path, tmp_path: Path, model_path: Path) -> None:
    run(corpus, tmp_path / "a.jsonl", model_path)
    run(corpus, tmp_path / "b.jsonl", model_path, chunk_files=1)
    run(corpus, tmp_path / "c.jsonl", model_path, jobs=2, chunk_files=7)
    reference = (tmp_path / "a.jsonl").read_bytes()
    assert (tmp_path / "b.jsonl").read_bytes() == reference
    assert (tmp_path / "c.jsonl").read_bytes() == reference


# -------------------------------------------------------------------- chunk plan
def _items(n: int, size: int | None = None) -> list[FileItem]:
    return [FileItem(f"a{i:05d}.txt", data=None if size is None else b"x" * size) for i in range(n)]


@given(
    sizes=st.lists(st.one_of(st.none(), st.integers(0, 3000)), max_size=300),
    chunk_files=st.integers(1, 40),
    chunk_bytes=st.one_of(st.integers(1, 20_000), st.just(1 << 30)),
    workers=st.integers(1, 4),
    marker_at=st.one_of(st.none(), st.integers(0, 300)),
)
def test_chunks_keep_every_unit_once_in_order(
    sizes: list[int | None], chunk_files: int, chunk_bytes: int, workers: int, marker_at: int | None
) -> None:
    units: list = [FileItem(f"a{i:05d}.txt", data=None if n is None else b"x" * n) for i, n in enumerate(sizes)]
    if marker_at is not None:
        units.insert(min(marker_at, len(units)), Marker())
    chunks = list(batch._chunks(units, chunk_files, chunk_bytes, workers))
    assert [u for c in chunks for u in c] == units
    assert all(0 < len(c) <= chunk_files for c in chunks)
    # Only the unit that reached the byte budget may take a chunk past it.
    content = [[0 if u.data is None else len(u.data) for u in c if isinstance(u, FileItem)] for c in chunks]
    assert all(sum(c[:-1]) < chunk_bytes for c in content if c)
    # A marker is the last unit of its chunk: nothing after it goes out with the records before it.
    assert all(not isinstance(u, Marker) for c in chunks for u in c[:-1])


def test_last_chunks_shrink_so_that_workers_finish_together() -> None:
    sizes = [len(c) for c in batch._chunks(_items(1000), 64, 1 << 30, workers=2)]
    assert sizes[:10] == [64] * 10  # full chunks while the end is out of sight
    tail = [s for s in sizes if s < 64]
    assert len(tail) >= 4 and tail == sorted(tail, reverse=True)  # then ever smaller shares of what is left
    assert sizes[-1] <= 4  # so no worker is left scoring a big chunk alone
    # While one worker scores the largest of them, the other scores the rest.
    assert abs(tail[0] - sum(tail[1:])) <= 4


def test_one_worker_gets_full_chunks_to_the_end() -> None:
    assert [len(c) for c in batch._chunks(_items(150), 64, 1 << 30, workers=1)] == [64, 64, 22]


def test_chunks_and_the_look_ahead_are_bounded_by_content_size() -> None:
    listed = 0

    def listing():
        nonlocal listed
        for item in _items(100, size=1000):
            listed += 1
            yield item

    chunks = batch._chunks(listing(), 64, 5000, workers=2)
    first = next(chunks)
    assert len(first) == 5  # 5 x 1,000 bytes fill a 5,000-byte chunk
    assert listed <= 2 * 5 + 1  # no more than two chunks' worth of contents read ahead
    assert sum(len(c) for c in chunks) == 95


def test_output_file_inside_the_folder_is_not_scored(tmp_path: Path, model_path: Path) -> None:
    write_articles(tmp_path, 3, subfolders=0)
    out = tmp_path / "scores.txt"
    run(tmp_path, out, model_path)
    assert [r["path"] for r in jsonl(out)] == ["article00000.txt", "article00001.txt", "article00002.txt"]


def test_writes_to_a_stream(tmp_path: Path, model_path: Path) -> None:
    write_articles(tmp_path, 2, subfolders=0)
    stream = io.BytesIO()
    score_folder(tmp_path, stream, options(model_path))
    assert [json.loads(line)["path"] for line in stream.getvalue().splitlines()] == [
        "article00000.txt",
        "article00001.txt",
    ]


def test_in_flight_chunks_are_bounded(corpus: Path, tmp_path: Path, model_path: Path, monkeypatch) -> None:
    """The parent keeps at most ``max_in_flight`` chunks submitted and not yet written."""
    outstanding: list[int] = []

    class Lazy:
        def __init__(self, backend, items):
            self.backend, self.items = backend, items
            backend.open += 1
            outstanding.append(backend.open)

        def result(self):
            self.backend.open -= 1
            return score_items(self.items, self.backend.settings, self.backend.model)

    class Recording(SerialBackend):
        max_in_flight = 3
        open = 0

        def __init__(self, task, settings, model):
            super().__init__(task, settings, model)
            self.settings, self.model = settings, model

        def submit(self, items):
            return Lazy(self, items)

    def make_backend(kind, task, settings, model, **kwargs):
        return Recording(task, settings, model)

    monkeypatch.setattr(batch, "make_backend", make_backend)
    run(corpus, tmp_path / "out.jsonl", model_path, chunk_files=4)
    assert max(outstanding) == 3
    assert len(jsonl(tmp_path / "out.jsonl")) == 40 + len(BAD_FILES)


# -------------------------------------------------------------------- resume
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_resume_after_a_torn_line_equals_an_uninterrupted_run(
    corpus: Path, tmp_path: Path, model_path: Path, fmt: str
) -> None:
    full = tmp_path / f"full.{fmt}"
    run(corpus, full, model_path, fmt=fmt)
    reference = full.read_bytes()
    lines = reference.splitlines(keepends=True)
    out = tmp_path / f"out.{fmt}"
    for cut in [5, len(lines[0]) + 3, len(b"".join(lines[:20])), len(b"".join(lines[:30])) + 40, len(reference) - 1]:
        out.write_bytes(reference[:cut])
        stats = run(corpus, out, model_path, fmt=fmt, resume=True)
        assert out.read_bytes() == reference, cut
        assert stats.files == len(lines) - (fmt == "csv")
        assert not temporary_path(out).exists()
    stats = run(corpus, out, model_path, fmt=fmt, resume=True)  # a finished output: nothing to redo
    assert out.read_bytes() == reference
    assert stats.kept == 40 and stats.scored == 0  # records with errors are always scored again


def test_resume_into_a_missing_output_is_a_fresh_run(corpus: Path, tmp_path: Path, model_path: Path) -> None:
    run(corpus, tmp_path / "full.jsonl", model_path)
    run(corpus, tmp_path / "out.jsonl", model_path, resume=True)
    assert (tmp_path / "out.jsonl").read_bytes() == (tmp_path / "full.jsonl").read_bytes()


def test_resume_after_the_folder_changed(tmp_path: Path, model_path: Path) -> None:
    folder = tmp_path / "articles"
    rels = write_articles(folder, 30)
    out = tmp_path / "out.jsonl"
    run(folder, out, model_path)
    old_lines = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(old_lines[:20]))  # interrupted after 20 records
    (folder / rels[3]).write_text(article(99), encoding="utf-8")  # changed
    (folder / rels[5]).unlink()  # deleted
    (folder / "part0/aaa.txt").write_text(article(77), encoding="utf-8")  # new, sorts early
    stats = run(folder, out, model_path, resume=True)
    run(folder, tmp_path / "fresh.jsonl", model_path)
    assert out.read_bytes() == (tmp_path / "fresh.jsonl").read_bytes()
    assert stats.kept == 18 and stats.scored == 30 - 18  # 20 old records, minus the changed and deleted files
    assert not temporary_path(out).exists()


def test_interrupted_rewrite_leaves_the_old_output(tmp_path: Path, model_path: Path) -> None:
    folder = tmp_path / "articles"
    rels = write_articles(folder, 30)
    out = tmp_path / "out.jsonl"
    run(folder, out, model_path)
    partial = b"".join(out.read_bytes().splitlines(keepends=True)[:25])
    out.write_bytes(partial)
    (folder / rels[0]).write_text(article(98), encoding="utf-8")  # forces a rewrite from the first record

    def interrupt(stats: batch.BatchStats) -> None:
        if stats.files == 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        score_folder(folder, out, options(model_path, resume=True, chunk_files=2), progress=interrupt)
    assert out.read_bytes() == partial
    assert not temporary_path(out).exists()
    run(folder, out, model_path, resume=True)
    run(folder, tmp_path / "fresh.jsonl", model_path)
    assert out.read_bytes() == (tmp_path / "fresh.jsonl").read_bytes()


def test_resume_refuses_outputs_it_did_not_write(corpus: Path, tmp_path: Path, model_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("not json\n", encoding="utf-8")
    with pytest.raises(ResumeError, match="not a newsml jsonl record"):
        run(corpus, out, model_path, resume=True)
    assert out.read_text(encoding="utf-8") == "not json\n"
    run(corpus, tmp_path / "out.csv", model_path, fmt="csv")
    with pytest.raises(ResumeError):  # a CSV output resumed as JSONL
        run(corpus, tmp_path / "out.csv", model_path, fmt="jsonl", resume=True)
    unsorted = tmp_path / "unsorted.jsonl"
    unsorted.write_text(
        '{"path": "b.txt", "sha256": null, "error": null}\n{"path": "a.txt", "sha256": null, "error": null}\n',
        encoding="utf-8",
    )
    with pytest.raises(ResumeError, match="out of path order"):
        run(corpus, unsorted, model_path, resume=True)
    with pytest.raises(ValueError, match="output file"):
        score_folder(corpus, None, options(model_path, resume=True))


# ---------------------------------------------------------------------- HTML
_PAGE = (
    "<html><head><title>Ferry strike ends | The Harbor Times</title></head><body>"
    "<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav>"
    "<article><h1>Ferry strike ends after pay deal</h1>"
    "<p>The ferry strike in Portsmouth ended on Tuesday after workers accepted a pay offer of five percent.</p>"
    "<p>Services between the harbor and the islands will resume on Wednesday morning, the operator said.</p>"
    "<p>The union had called the strike after talks with the city council broke down in March.</p>"
    "</article><footer>Copyright 2024 The Harbor Times</footer></body></html>"
)


def test_html_articles(tmp_path: Path, model_path: Path) -> None:
    # No importorskip: the test extra installs newsml[html]'s dependencies, and a
    # broken install must fail here rather than skip.
    (tmp_path / "page.html").write_text(_PAGE, encoding="utf-8")
    (tmp_path / "empty.htm").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run(tmp_path, out, model_path, html=True)
    empty, page = jsonl(out)
    assert empty["path"] == "empty.htm" and empty["error"].startswith(("no-sentences:", "empty:"))
    assert page["error"] is None and page["sentences"] == 3
    assert "Copyright" not in " ".join(page["summary"]) and "Home" not in " ".join(page["summary"])
    assert page["title"].startswith("Ferry strike ends")


def test_gzipped_files_score_as_their_contents(tmp_path: Path, model_path: Path) -> None:
    # Crawlers and web archives store pages gzipped: a gzipped article or page
    # gives the record of its contents, and the same record on --resume.
    import gzip

    plain, packed = tmp_path / "plain", tmp_path / "packed"
    plain.mkdir()
    packed.mkdir()
    for i in range(3):
        (plain / f"a{i}.txt").write_text(article(i), encoding="utf-8")
        (packed / f"a{i}.txt.gz").write_bytes(gzip.compress(article(i).encode("utf-8")))
    (plain / "page.html").write_text(_PAGE, encoding="utf-8")
    (packed / "page.html.gz").write_bytes(gzip.compress(_PAGE.encode("utf-8")))
    run(plain, tmp_path / "plain.jsonl", model_path, html=True)
    run(packed, tmp_path / "packed.jsonl", model_path, html=True, jobs=2)
    want, got = jsonl(tmp_path / "plain.jsonl"), jsonl(tmp_path / "packed.jsonl")
    assert [r["path"] for r in got] == [r["path"] + ".gz" for r in want]
    assert [{**r, "path": None} for r in got] == [{**r, "path": None} for r in want]
    assert all(r["error"] is None for r in got)
    before = (tmp_path / "packed.jsonl").read_bytes()
    run(packed, tmp_path / "packed.jsonl", model_path, html=True, resume=True)
    assert (tmp_path / "packed.jsonl").read_bytes() == before


def test_html_without_trafilatura_names_the_extra(tmp_path: Path, model_path: Path, monkeypatch) -> None:
    from newsml import htmltext

    monkeypatch.setitem(sys.modules, "trafilatura", None)  # makes `import trafilatura` fail
    htmltext._trafilatura.cache_clear()
    try:
        (tmp_path / "page.html").write_text(_PAGE, encoding="utf-8")
        out = tmp_path / "out.jsonl"
        stats = run(tmp_path, out, model_path, html=True)
    finally:
        htmltext._trafilatura.cache_clear()
    [record] = jsonl(out)
    assert stats.failed == 1
    assert record["error"].startswith("missing-extra:") and "pip install 'newsml[html]'" in record["error"]


# ---------------------------------------------------------------------- Dask
def test_dask_local_cluster_matches_local_mode(corpus: Path, tmp_path: Path, model_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    run(corpus, tmp_path / "local.jsonl", model_path)
    run(corpus, tmp_path / "local.csv", model_path, fmt="csv")
    reference = (tmp_path / "local.jsonl").read_bytes()
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        host="127.0.0.1",
        protocol="tcp",
        dashboard_address=None,
    ) as cluster:
        out = tmp_path / "dask.jsonl"
        stats = run(corpus, out, model_path, backend="dask", scheduler=cluster.scheduler_address, chunk_files=8)
        assert out.read_bytes() == reference
        assert stats.failed == len(BAD_FILES)
        out.write_bytes(reference[: len(reference) // 2])  # a torn output, resumed on the cluster
        run(corpus, out, model_path, backend="dask", scheduler=cluster.scheduler_address, resume=True)
        assert out.read_bytes() == reference
        csv_out = tmp_path / "dask.csv"
        run(corpus, csv_out, model_path, backend="dask", scheduler=cluster.scheduler_address, fmt="csv")
        assert csv_out.read_bytes() == (tmp_path / "local.csv").read_bytes()


def test_dask_needs_a_scheduler(corpus: Path, tmp_path: Path, model_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("NEWSML_DASK_SCHEDULER", raising=False)
    with pytest.raises(ValueError, match="scheduler"):
        run(corpus, tmp_path / "out.jsonl", model_path, backend="dask")


# --------------------------------------------------------------------- misc
def test_options_are_validated(model_path: Path) -> None:
    with pytest.raises(ValueError, match="only one"):
        SummaryLength(sentences=2, words=10)
    with pytest.raises(ValueError, match="ratio"):
        SummaryLength(ratio=1.5)
    with pytest.raises(ValueError, match="format"):
        BatchOptions(fmt="xml")
    assert resolve_jobs(None) >= 1 and resolve_jobs(3) == 3


def test_bad_folder(tmp_path: Path, model_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        run(tmp_path / "missing", tmp_path / "out.jsonl", model_path)
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    with pytest.raises(NotADirectoryError):
        run(tmp_path / "file.txt", tmp_path / "out.jsonl", model_path)
