"""Which files of a folder are articles: listed lazily, in path order."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

#: Files scored when no pattern is given (gzip-compressed ones too).
DEFAULT_PATTERNS: tuple[str, ...] = ("*.txt", "*.txt.gz")
#: Patterns added by ``html=True`` (``--html``).
HTML_PATTERNS: tuple[str, ...] = ("*.html", "*.htm", "*.html.gz", "*.htm.gz")


def iter_article_files(
    root: str | os.PathLike[str],
    patterns: Sequence[str] = DEFAULT_PATTERNS,
    *,
    exclude: Iterable[str] = (),
    on_error: Callable[[str, OSError], None] | None = None,
) -> Iterator[tuple[str, str]]:
    """``(relative POSIX path, path)`` of the files under ``root`` matching a pattern.

    Sorted by relative path as plain strings, listed lazily. A pattern without
    ``/`` is matched against the file name, one with ``/`` against the end of
    the relative path (``pathlib.PurePath.match``); a leading ``**/`` is
    dropped (every depth is searched anyway); matching is case-sensitive.
    Names starting with ``.`` are skipped, and symbolic links to folders are
    not followed. ``exclude`` holds relative paths to leave out; ``on_error``
    is called for a folder that cannot be listed.
    """
    patterns = [_strip_globstar(p) for p in patterns]
    name_patterns = [p for p in patterns if "/" not in p]
    path_patterns = [p for p in patterns if "/" in p]
    excluded = frozenset(exclude)

    def matches(name: str, rel: str) -> bool:
        if any(fnmatchcase(name, p) for p in name_patterns):
            return True
        return bool(path_patterns) and any(PurePosixPath(rel).match(p) for p in path_patterns)

    def walk(folder: str, prefix: str) -> Iterator[tuple[str, str]]:
        entries: list[tuple[str, str, bool]] = []
        try:
            with os.scandir(folder) as it:
                for entry in it:
                    if entry.name.startswith("."):
                        continue
                    try:
                        is_dir = entry.is_dir(follow_symlinks=False)
                    except OSError:
                        is_dir = False
                    if is_dir:
                        # A folder "a" sorts as "a/" so that the walk yields full
                        # relative paths in string order ("a-b/x" < "a.txt" < "a/x").
                        entries.append((entry.name + "/", entry.path, True))
                    elif matches(entry.name, prefix + entry.name):
                        entries.append((entry.name, entry.path, False))
        except OSError as exc:
            if on_error is not None:
                on_error(prefix or ".", exc)
            else:
                raise
            return
        entries.sort()
        for key, path, is_dir in entries:
            rel = prefix + key
            if is_dir:
                yield from walk(path, rel)
            elif rel not in excluded:
                yield rel, path

    yield from walk(os.fspath(root), "")


def _strip_globstar(pattern: str) -> str:
    while pattern.startswith("**/"):
        pattern = pattern[3:]
    return pattern


def count_article_files(root: str | os.PathLike[str], patterns: Sequence[str] = DEFAULT_PATTERNS) -> int:
    """Number of files :func:`iter_article_files` would list (for progress bars)."""
    return sum(1 for _ in iter_article_files(root, patterns, on_error=lambda rel, exc: None))
