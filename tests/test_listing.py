"""Listing the article files of a folder: order, hidden files, patterns, exclusions."""

from __future__ import annotations

import os
from pathlib import Path

from newsml.listing import HTML_PATTERNS, iter_article_files


def test_listing_is_sorted_by_relative_path_and_skips_hidden_and_unmatched(tmp_path: Path) -> None:
    names = ["a.txt", "a/b.txt", "a-b/c.txt", "a/c/d.txt", "B.txt", "b.txt", "z/a.txt", "a0.txt"]
    for name in names + [".hidden.txt", ".git/x.txt", "notes.md", "a/readme.rst"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "a", tmp_path / "linked")  # links to folders are not followed
    rels = [rel for rel, _ in iter_article_files(tmp_path)]
    assert rels == sorted(names)
    assert all(Path(path).is_file() for _, path in iter_article_files(tmp_path))


def test_listing_patterns(tmp_path: Path) -> None:
    for name in ["x.txt", "y.html", "z.htm", "n.md", "keep/m.md", "deep/keep/k.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [r for r, _ in iter_article_files(tmp_path, ("*.md",))] == ["deep/keep/k.md", "keep/m.md", "n.md"]
    assert [r for r, _ in iter_article_files(tmp_path, ("keep/*.md",))] == ["deep/keep/k.md", "keep/m.md"]
    assert [r for r, _ in iter_article_files(tmp_path, ("**/*.md",))] == ["deep/keep/k.md", "keep/m.md", "n.md"]
    html = ("*.txt", *HTML_PATTERNS)
    assert [r for r, _ in iter_article_files(tmp_path, html)] == ["x.txt", "y.html", "z.htm"]
    assert [r for r, _ in iter_article_files(tmp_path, ("*.txt",), exclude=["x.txt"])] == []


def test_gzipped_articles_are_listed_by_default_and_with_html(tmp_path: Path) -> None:
    from newsml.listing import DEFAULT_PATTERNS

    for name in ("a.txt", "b.txt.gz", "c.html.gz", "d.htm", "e.tar.gz", "f.gz"):
        (tmp_path / name).write_bytes(b"x")
    assert [r for r, _ in iter_article_files(tmp_path)] == ["a.txt", "b.txt.gz"]
    both = (*DEFAULT_PATTERNS, *HTML_PATTERNS)
    assert [r for r, _ in iter_article_files(tmp_path, both)] == ["a.txt", "b.txt.gz", "c.html.gz", "d.htm"]
