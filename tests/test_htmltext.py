"""HTML pages through the html extra: import failures named, real benchmark pages read."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest
from conftest import SHARED_DATA

from newsml import htmltext
from newsml.cli import EXIT_OK, main
from newsml.htmltext import MissingExtraError, html_to_text

BENCHMARK_HTML = SHARED_DATA / "article-extraction-benchmark" / "html"


@pytest.fixture
def fresh_import(monkeypatch):
    htmltext._trafilatura.cache_clear()
    monkeypatch.delitem(sys.modules, "trafilatura", raising=False)
    yield monkeypatch
    htmltext._trafilatura.cache_clear()


def test_a_broken_trafilatura_install_says_what_failed(tmp_path: Path, fresh_import) -> None:
    fake = tmp_path / "site" / "trafilatura"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        'raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean", '
        'name="lxml.html.clean")\n'
    )
    fresh_import.syspath_prepend(str(tmp_path / "site"))
    with pytest.raises(MissingExtraError) as info:
        html_to_text("<html><body><p>Text.</p></body></html>")
    message = str(info.value)
    assert "failed to import" in message and "lxml_html_clean" in message
    assert "not installed" not in message


def test_a_missing_trafilatura_names_the_extra(fresh_import) -> None:
    fresh_import.setitem(sys.modules, "trafilatura", None)
    with pytest.raises(MissingExtraError, match=r"not installed: pip install 'newsml\[html\]'"):
        html_to_text("<html></html>")


def _largest_pages(n: int) -> list[Path]:
    if not BENCHMARK_HTML.is_dir():
        pytest.skip(f"{BENCHMARK_HTML} is absent: real-page tests run only where ../shared/data exists (CI)")
    return sorted(BENCHMARK_HTML.glob("*.html.gz"), key=lambda p: p.stat().st_size)[-n:]


def test_real_pages_over_a_megabyte_are_scored_and_summarized(tmp_path: Path, model_path: Path, capsys) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for gz in _largest_pages(40):
        data = gzip.decompress(gz.read_bytes())
        if len(data) > 1_000_000:
            (folder / gz.name.removesuffix(".gz")).write_bytes(data)
    pages = sorted(folder.iterdir())
    assert pages, "the benchmark has no page over 1 MB any more: this test no longer checks the size limit"
    out = tmp_path / "scores.jsonl"
    assert main(["score", str(folder), "--html", "--model", str(model_path), "--out", str(out), "-q"]) == EXIT_OK
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["error"] for r in records] == [None] * len(pages)
    capsys.readouterr()
    assert main(["summarize", str(pages[0])]) == EXIT_OK
    assert capsys.readouterr().out.strip()


@pytest.mark.parametrize(
    ("name", "html"),
    [("page.html", True), ("page.HTM", True), ("page.html.gz", True), ("page.Html.GZ", True),
     ("notes.txt.gz", False), ("page.gz", False), ("page.html.zip", False)],
)  # fmt: skip
def test_html_names_gzipped_or_not(name, html):
    from newsml.htmltext import is_html_name

    assert is_html_name(name) is html
