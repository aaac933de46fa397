"""The HTML report of a scored folder: reading scores, bad input, and the page in headless Chromium."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsml.cli import main
from newsml.records import Record, format_record

pytest.importorskip("jinja2", reason="the report needs newsml[report] (jinja2)")
pytest.importorskip("matplotlib", reason="the report needs newsml[report] (matplotlib)")

from browser_helpers import browser_missing, console_errors, file_url, quit_chromium, start_chromium  # noqa: E402

from newsml.report import ReportInputError, build_context, read_scores  # noqa: E402

TOPICS = ("economy", "sport", "politics", "technology")


def _records(n: int = 120) -> list[Record]:
    out = []
    for i in range(n):
        if i % 17 == 5:
            out.append(Record(path=f"bad/{i:03d}.txt", sha256="0" * 64, error="empty: the file is empty"))
            continue
        first = TOPICS[i % len(TOPICS)]
        topics = [(first, 0.9 - (i % 7) / 20)]
        if i % 3 == 0:
            topics.append((TOPICS[(i + 1) % len(TOPICS)], 0.55))
        out.append(
            Record(
                path=f"{first}/{i:03d}.txt",
                sha256=f"{i:064x}",
                title=f"Title {i} <b>not bold</b>",
                summary=[f"Summary of article {i} about {first}.", "Second sentence."],
                topics=topics,
                sentences=10,
                words=200,
            )
        )
    return out


def _write(path: Path, records: list[Record], fmt: str) -> Path:
    with path.open("wb") as fh:
        if fmt == "csv":
            fh.write(b"path,sha256,title,summary,topics,sentences,words,error\n")
        for r in records:
            fh.write(format_record(r, fmt))
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_read_scores_counts_records_topics_and_failures(tmp_path: Path, fmt: str) -> None:
    records = _records()
    scores = read_scores(_write(tmp_path / f"s.{fmt}", records, fmt))
    assert len(scores.records) == len(records)
    assert not scores.bad_lines
    context = build_context(scores)
    expected_failed = sum(1 for r in records if r.error)
    assert context["failed"] == expected_failed
    assert context["scored"] == len(records) - expected_failed
    counts = dict(context["topic_counts"])
    for topic in TOPICS:
        assert counts[topic] == sum(1 for r in records if r.topics and topic in {t for t, _ in r.topics})
    assert [f["kind"] for f in context["failures"]] == ["empty"]


def test_truncated_last_line_is_reported_not_raised(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.jsonl", _records(20), "jsonl")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])  # cut inside the last record
    scores = read_scores(path)
    assert len(scores.records) == 19
    assert [n for n, _ in scores.bad_lines] == [20]


def test_truncated_csv_line_is_reported_not_raised(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.csv", _records(20), "csv")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])
    scores = read_scores(path)
    assert len(scores.records) == 19
    assert [n for n, _ in scores.bad_lines] == [21]  # line 1 is the header


def test_unknown_fields_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    obj = json.loads(format_record(_records(1)[0], "jsonl"))
    obj["extra_field"] = {"x": 1}
    path.write_text(json.dumps(obj) + "\n")
    scores = read_scores(path)
    assert scores.unknown_fields == ["extra_field"]
    assert len(scores.records) == 1


@pytest.mark.parametrize("content", [b"", b"\n  \n", b"hello\nworld\n", b'{"no": "path"}\n'])
def test_unusable_file_raises_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(content)
    with pytest.raises(ReportInputError, match=str(path)):
        read_scores(path)


@pytest.mark.parametrize("content", [b"", b"garbage\n"])
def test_cli_bad_input_gives_message_not_traceback(tmp_path: Path, content: bytes, capsys) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(content)
    status = main(["report", str(path), "--out", str(tmp_path / "r.html")])
    err = capsys.readouterr().err
    assert status != 0
    assert "Traceback" not in err and str(path) in err
    assert not (tmp_path / "r.html").exists()


def test_cli_missing_file_is_usage_error(tmp_path: Path, capsys) -> None:
    status = main(["report", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "r.html")])
    assert status == 2
    assert "nope.jsonl" in capsys.readouterr().err


def test_report_escapes_titles_and_embeds_everything(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.jsonl", _records(), "jsonl")
    out = tmp_path / "r.html"
    assert main(["report", str(path), "--out", str(out)]) == 0
    html = out.read_text()
    assert "<b>not bold</b>" not in html  # data is escaped, in the JSON block too
    # nothing that would load a resource from elsewhere (XML namespaces are names, not requests)
    for pattern in (r"""(src|href)\s*=\s*["']?(https?:)?//""", r"url\(\s*[\"']?(https?:)?//", r"@import"):
        assert not re.search(pattern, html, re.I), pattern
    assert html.count("<svg") >= 3


def test_help_does_not_import_report_libraries() -> None:
    code = (
        "import sys; from newsml.cli import main; main(['--help'])\n"
        "bad = [m for m in ('jinja2', 'matplotlib', 'sklearn') if m in sys.modules]\n"
        "sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# ------------------------------------------------------------------ in a browser
@pytest.fixture(scope="module")
def browser():
    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    driver = start_chromium()
    yield driver
    quit_chromium(driver)


def _open(driver, path: Path) -> None:
    driver.get(file_url(path))
    driver.find_element("css selector", "#articles tbody tr")  # drawn by the inline script
    # self-contained: the page loaded no other resource (file, network or data)
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0


def test_report_in_chromium_filters_by_topic(tmp_path: Path, browser) -> None:
    from selenium.webdriver.support.ui import Select

    records = _records()
    path = _write(tmp_path / "s.jsonl", records, "jsonl")
    out = tmp_path / "r.html"
    assert main(["report", str(path), "--out", str(out)]) == 0
    console_errors(browser)  # drop entries of earlier pages
    _open(browser, out)
    assert console_errors(browser) == []
    for key in ("topics", "cooccurrence", "probabilities"):
        svg = browser.find_element("css selector", f"#chart-{key} svg")
        assert svg.size["width"] > 100 and svg.size["height"] > 50
    Select(browser.find_element("id", "topic-filter")).select_by_value("sport")
    rows = browser.find_elements("css selector", "#articles tbody tr.row")
    expected = sum(1 for r in records if r.topics and "sport" in {t for t, _ in r.topics})
    assert 0 < len(rows) == min(expected, 50)
    assert all("sport" in row.get_attribute("data-topics").split() for row in rows)
    assert browser.find_element("id", "match-count").text.startswith(f"{expected} of {len(records)}")
    # search narrows further; a row expands to show its summary
    search = browser.find_element("id", "search")
    search.send_keys("SPORT/009")  # search ignores case
    browser.implicitly_wait(0)
    import time

    deadline = time.time() + 3
    while time.time() < deadline and len(browser.find_elements("css selector", "#articles tbody tr.row")) != 1:
        time.sleep(0.05)
    rows = browser.find_elements("css selector", "#articles tbody tr.row")
    assert len(rows) == 1 and "009" in rows[0].text
    rows[0].click()
    assert "Summary of article 9 about sport" in browser.find_element("css selector", "tr.detail").text
    assert console_errors(browser) == []


def test_error_only_report_says_so_in_chromium(tmp_path: Path, browser) -> None:
    records = [Record(path=f"x/{i}.bin", sha256="1" * 64, error="not-text: binary data") for i in range(5)]
    out = tmp_path / "r.html"
    assert main(["report", str(_write(tmp_path / "s.jsonl", records, "jsonl")), "--out", str(out)]) == 0
    console_errors(browser)
    _open(browser, out)
    assert console_errors(browser) == []
    assert "No article was scored" in browser.find_element("id", "no-scored").text
    assert browser.find_element("id", "total-failed").text == "5"


def test_bbc_report_opens_without_console_error(tmp_path: Path, bbc_root: Path, model_path: Path, browser) -> None:
    scores = tmp_path / "bbc.jsonl"
    status = main(
        [
            "score",
            str(bbc_root / "News Articles"),
            "--out",
            str(scores),
            "--model",
            str(model_path),
            "--jobs",
            "2",
            "-q",
        ]
    )
    assert status == 0
    out = tmp_path / "bbc.html"
    assert main(["report", str(scores), "--out", str(out)]) == 0
    console_errors(browser)
    _open(browser, out)
    assert console_errors(browser) == []
    assert browser.find_element("id", "total-scored").text == "2225"


# ------------------------------------------------------------------ model report
def test_model_report_in_chromium(tmp_path: Path, browser) -> None:
    from newsml.training import main as train_main

    out = tmp_path / "model.html"
    status = train_main(["--quiet", "--out-dir", str(tmp_path / "m"), "--cv-folds", "3", "--report", str(out)])
    assert status == 0
    console_errors(browser)
    browser.get(file_url(out))
    assert console_errors(browser) == []
    for key in ("scores", "reliability"):
        svg = browser.find_element("css selector", f"#chart-{key} svg")
        assert svg.size["width"] > 100 and svg.size["height"] > 50
    card = json.loads((tmp_path / "m" / "topics.json").read_text())
    topics = sorted(card["metrics"]["cross_validation_3_fold"]["per_topic"])
    rows = browser.find_elements("css selector", "#terms tr")[1:]
    assert sorted(r.find_element("css selector", "td").text for r in rows) == topics
    ece = float(browser.find_element("id", "ece").text)
    assert 0 <= ece <= 1


def test_model_report_without_cross_validation_says_so(tmp_path: Path) -> None:
    from newsml.training import main as train_main

    out = tmp_path / "model.html"
    assert train_main(["--quiet", "--out-dir", str(tmp_path / "m"), "--cv-folds", "0", "--report", str(out)]) == 0
    html = out.read_text()
    assert 'id="no-cv"' in html and 'id="thresholds"' in html


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".txt"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")))
@example(data=b"\r\x00")  # a lone carriage return in the first line
def test_any_bytes_give_scores_or_a_clear_error(tmp_path: Path, suffix: str, data: bytes) -> None:
    path = tmp_path / f"s{suffix}"
    path.write_bytes(data)
    try:
        scores = read_scores(path)
    except ReportInputError as exc:
        assert str(path) in str(exc)
    else:
        assert scores.records
        build_context(scores)


_json = st.recursive(
    st.none() | st.booleans() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(st.sampled_from(["title", "summary", "topics", "error", "odd"]), _json))
def test_records_with_odd_field_values_are_read(tmp_path: Path, fields: dict) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps({"path": "a.txt", "sha256": None, **fields}) + "\n")
    context = build_context(read_scores(path))
    assert context["total"] == 1
    assert context["scored"] + context["failed"] == 1
    json.dumps(context["rows"], allow_nan=False)  # the page's JSON must stay valid (no Infinity/NaN)


_topic_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-", min_size=1, max_size=12)
_record = st.builds(
    Record,
    path=st.text(min_size=1, max_size=40),
    sha256=st.just("f" * 64),
    title=st.none() | st.text(max_size=60),
    summary=st.none() | st.lists(st.text(max_size=60), max_size=3),
    topics=st.none() | st.lists(st.tuples(_topic_names, st.floats(0, 1)), max_size=3),
    error=st.none() | st.text(min_size=1, max_size=40),
)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(_record, min_size=1, max_size=5))
def test_what_newsml_score_writes_is_read_back(tmp_path: Path, fmt: str, records: list[Record]) -> None:
    """Any record `newsml score` can write (any text, U+2028 and other line separators included) reads back whole."""
    from newsml.records import csv_row

    path = _write(tmp_path / f"s.{fmt}", records, fmt)
    scores = read_scores(path)
    assert scores.bad_lines == [] and scores.unknown_fields == []
    assert len(scores.records) == len(records)
    for written, read in zip(records, scores.records, strict=True):
        if fmt == "jsonl":
            expected = (written.path, written.title, written.summary, written.error)
        else:
            cells = csv_row(written)
            expected = (cells[0], cells[2] or None, [cells[3]] if cells[3] else None, cells[7] or None)
        assert (read.path, read.title, read.summary, read.error) == expected
        assert [t for t, _ in read.topics] == [t for t, _ in written.topics or []]
        for (_, p_read), (_, p_written) in zip(read.topics, written.topics or [], strict=True):
            assert p_read == pytest.approx(p_written, abs=1e-4)
