"""The ``newsml`` command: summarize, tag, score a folder, train.

Only argument parsing and terminal output live here; the work is done by
:mod:`newsml.pipeline` (one article), :mod:`newsml.batch` (a folder) and
:mod:`newsml.training`. Those are imported by the command that needs them, so
that ``newsml --help`` and the batch parent do not import scikit-learn.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from newsml import __version__
from newsml.backends import SCHEDULER_ENV, WORKER_ENV
from newsml.errors import ArticleError, BatchOptionError, ModelError
from newsml.htmltext import MissingExtraError, is_html_name
from newsml.length import DEFAULT_SENTENCES, SummaryLength
from newsml.listing import DEFAULT_PATTERNS, count_article_files
from newsml.model_io import LOOKUP_ORDER, MODELS_ENV, default_model_dir
from newsml.reading import DEFAULT_MAX_BYTES, read_bytes, read_stream
from newsml.records import ERROR_KINDS, error_text
from newsml.resume import ResumeError
from newsml.tasks import DEFAULT_CHUNK_FILES

if TYPE_CHECKING:  # the batch machinery is imported by `newsml score` only
    from newsml.batch import BatchStats

#: Every article was scored.
EXIT_OK = 0
#: Some articles (or the one article) could not be scored; see the ``error`` fields.
EXIT_FAILED = 1
#: The command line is wrong (bad option, missing folder, output that cannot be resumed).
EXIT_USAGE = 2
#: Another error stopped the run (missing or damaged model, unreachable cluster, I/O error).
EXIT_ERROR = 3
#: Interrupted by Ctrl-C or SIGTERM; the output holds whole records and can be resumed.
EXIT_INTERRUPTED = 130

_EXIT_HELP = f"""exit status:
  {EXIT_OK}    every article was scored
  {EXIT_FAILED}    some articles failed (their records carry an error; named on stderr)
  {EXIT_USAGE}    usage error (bad option, missing folder or file, output that cannot be resumed)
  {EXIT_ERROR}    other error (missing or damaged model, unreachable Dask scheduler, I/O error)
  {EXIT_INTERRUPTED}  interrupted; rerun with --resume to continue"""

_ONE_ARTICLE_EXIT_HELP = f"""exit status:
  {EXIT_OK}    done
  {EXIT_FAILED}    the article could not be used (empty, binary, too large, no sentence); the reason is on stderr
  {EXIT_USAGE}    usage error (bad option, missing file)
  {EXIT_ERROR}    other error (missing or damaged model)"""

_SIZE_HELP = (
    f"size limit: files (and standard input) over {DEFAULT_MAX_BYTES:_} bytes are refused before they are read "
    "whole (--max-bytes changes it)"
)

_MODEL_HELP = f"""model lookup:
  {LOOKUP_ORDER}."""

_SCORE_EPILOG = f"""records (one per file, sorted by relative path):
  path, sha256, title, summary (sentences), topics (with probabilities),
  sentences, words (counts of the body), error (null when scored).
  error reads "KIND: reason"; kinds: {", ".join(ERROR_KINDS)}.
  CSV joins summary sentences with spaces and writes topics as topic=p;topic=p.

resuming:
  --resume keeps the records of files whose SHA-256 is unchanged and scores
  the rest; the result equals an uninterrupted run's output byte for byte.
  Use the same options (model, length, format) as the interrupted run.

dask:
  newsml score DIR --backend dask --scheduler tcp://HOST:8786 --out scores.jsonl
  (or set ${SCHEDULER_ENV}). Workers need newsml installed (and newsml[html]
  for HTML); they need no access to DIR: the client sends file contents.

{_SIZE_HELP}.

{_MODEL_HELP}

{_EXIT_HELP}"""

logger = logging.getLogger("newsml")


class UsageError(Exception):
    """A command-line mistake found after parsing (exit status 2)."""


# ----------------------------------------------------------------- arguments
def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value == 0:
        raise argparse.ArgumentTypeError("must be a positive number of processes, or -1 for all cores")
    return value


def _ratio(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {value}")
    return value


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1_000, "m": 1_000_000, "g": 1_000_000_000}


def _size(text: str) -> int:
    match = _SIZE.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (examples: 200000, 500k, 5M)")
    value = int(float(match.group(1)) * _SIZE_UNITS[match.group(2).lower()])
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 byte, got {text!r}")
    return value


def _add_length_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--sentences", type=_positive_int, metavar="N", help=f"summary sentences (default: {DEFAULT_SENTENCES})"
    )
    group.add_argument("--ratio", type=_ratio, metavar="R", help="summary length as a share of the sentences, (0, 1]")
    group.add_argument("--words", type=_positive_int, metavar="N", help="summary word budget")


def _add_max_bytes(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--max-bytes",
        type=_size,
        default=DEFAULT_MAX_BYTES,
        metavar="SIZE",
        help=f"{what} (default: {DEFAULT_MAX_BYTES:_}; 500k, 2M accepted)",
    )


def _add_ranker_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ranker",
        metavar="PATH",
        help="sentence ranker: a ranker file or folder (as `newsml train --summaries` writes), or 'centrality' "
        "for the unsupervised ranker (default: the learned ranker shipped with newsml)",
    )


_MODEL_DIR_SLOT = "<default model folder>"


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions kept as written; the default model folder filled in only when help is shown.

    Finding that folder imports platformdirs, which every command would
    otherwise pay for while its parser is built.
    """

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        if not text or _MODEL_DIR_SLOT not in text:
            return text
        # argparse then fills in "%(default)s" and the like: a "%" in the path is no such field.
        return text.replace(_MODEL_DIR_SLOT, str(default_model_dir()).replace("%", "%%"))


def _add_model_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        metavar="PATH",
        help=f"topic model file or folder (default: {_MODEL_DIR_SLOT}, from ${MODELS_ENV} or the "
        "per-user model folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``newsml`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="newsml",
        description="Extractive summaries and topic tags for news articles, offline.",
        epilog=_EXIT_HELP,
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    summarize = commands.add_parser(
        "summarize",
        help="summarize one article",
        description="Summarize one article (a file, or standard input): the chosen sentences, one per line.",
        epilog=f"{_SIZE_HELP}.\n\n{_ONE_ARTICLE_EXIT_HELP}",
        formatter_class=_HelpFormatter,
    )
    summarize.add_argument(
        "file", nargs="?", default="-", metavar="FILE", help="article file, or - for stdin (default)"
    )
    _add_length_options(summarize)
    _add_ranker_option(summarize)
    summarize.add_argument("--json", action="store_true", help="print a JSON object with title, summary and counts")
    summarize.add_argument("--html", action="store_true", help="read the input as HTML (default: by file extension)")
    _add_max_bytes(summarize, "refuse a larger input")
    summarize.set_defaults(func=_cmd_summarize, parser=summarize)

    tag = commands.add_parser(
        "tag",
        help="topics of one article",
        description="Topics of one article (a file, or standard input) with their probabilities.",
        epilog=f"{_SIZE_HELP}.\n\n{_MODEL_HELP}\n\n{_ONE_ARTICLE_EXIT_HELP}",
        formatter_class=_HelpFormatter,
    )
    tag.add_argument("file", nargs="?", default="-", metavar="FILE", help="article file, or - for stdin (default)")
    tag.add_argument("--json", action="store_true", help="print a JSON object")
    _add_model_option(tag)
    tag.add_argument("--html", action="store_true", help="read the input as HTML (default: by file extension)")
    _add_max_bytes(tag, "refuse a larger input")
    tag.set_defaults(func=_cmd_tag, parser=tag)

    score = commands.add_parser(
        "score",
        help="summarize and tag every article under a folder",
        description="Summarize and tag every article under DIR (recursively) into one JSONL or CSV output.",
        epilog=_SCORE_EPILOG,
        formatter_class=_HelpFormatter,
    )
    score.add_argument("dir", metavar="DIR", help="folder of articles")
    score.add_argument(
        "--glob",
        action="append",
        metavar="PATTERN",
        help=f"file name pattern, repeatable (default: {' '.join(DEFAULT_PATTERNS)}); a pattern with / "
        "matches the end of the relative path",
    )
    score.add_argument(
        "--html", action="store_true", help="also score *.html and *.htm, gzipped or not (needs newsml[html])"
    )
    score.add_argument("--out", metavar="FILE", help="output file (default: standard output)")
    score.add_argument(
        "--format",
        choices=("jsonl", "csv"),
        help="output format (default: csv when --out ends in .csv, else jsonl)",
    )
    score.add_argument("--jobs", type=_jobs, metavar="N", help="worker processes (default: all cores; -1: all cores)")
    score.add_argument("--backend", choices=("local", "dask"), default="local", help="where to score (default: local)")
    score.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help=f"Dask scheduler address for --backend dask (default: ${SCHEDULER_ENV})",
    )
    score.add_argument("--resume", action="store_true", help="continue an interrupted run into --out")
    _add_max_bytes(score, "files larger than this get an error record")
    _add_length_options(score)
    _add_ranker_option(score)
    _add_model_option(score)
    score.add_argument(
        "--chunk-size",
        type=_positive_int,
        default=DEFAULT_CHUNK_FILES,
        metavar="N",
        help=f"files per chunk of work (default: {DEFAULT_CHUNK_FILES})",
    )
    score.add_argument("--quiet", "-q", action="store_true", help="no progress and no per-file warnings on stderr")
    score.set_defaults(func=_cmd_score, parser=score)

    report = commands.add_parser(
        "report",
        help="HTML report of a `newsml score` output (needs newsml[report])",
        description="Write one self-contained, offline HTML page about a `newsml score` output (JSONL or CSV): "
        "totals, failed files, topic charts and a searchable table of the articles.",
    )
    report.add_argument("scores", metavar="SCORES", help="output of `newsml score` (.jsonl or .csv)")
    report.add_argument("--out", metavar="FILE", required=True, help="HTML file to write")
    report.add_argument("--format", choices=("jsonl", "csv"), help="format of SCORES (default: by extension/content)")
    report.set_defaults(func=_cmd_report, parser=report)

    # `newsml train ...` is parsed by the training code's own parser (see main), so
    # that building this parser does not import it; this entry lists it in --help.
    commands.add_parser("train", help="train the topic model (as train.py); see `newsml train --help`")
    return parser


def build_train_parser() -> argparse.ArgumentParser:
    """The parser of ``newsml train`` (the arguments of ``train.py``)."""
    from newsml.training import build_parser as build_training_parser

    train = argparse.ArgumentParser(
        prog="newsml train",
        description="Train newsml's topic classifier and save it in the model folder (the same as `python train.py`).",
    )
    build_training_parser(train)
    train.set_defaults(func=_cmd_train, parser=train, command="train")
    return train


# ------------------------------------------------------------------ commands
def main(argv: Sequence[str] | None = None) -> int:
    """Run ``newsml`` with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    training = argv[:1] == ["train"]
    parser = build_train_parser() if training else build_parser()
    try:
        args = parser.parse_args(argv[1:] if training else argv)
    except SystemExit as exc:  # --help, --version, or a usage error
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return int(args.func(args))
    except UsageError as exc:
        args.parser.print_usage(sys.stderr)
        print(f"newsml {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\nnewsml: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`newsml score DIR | head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    except (ModelError, MissingExtraError, ConnectionError, OSError) as exc:
        print(f"newsml: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # a bug or a failed cluster: not a per-file failure (status 1)
        if os.environ.get("NEWSML_DEBUG"):
            raise
        print(f"newsml: error: {type(exc).__name__}: {exc} (set NEWSML_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_ERROR


def _read_input(file: str, max_bytes: int) -> tuple[bytes, str]:
    """The bytes of FILE (or stdin for ``-``) and the name to report, within the size limit."""
    if file == "-":
        return read_stream(sys.stdin.buffer, max_bytes, "<stdin>"), "<stdin>"
    path = Path(file)
    if not path.exists() and not path.is_symlink():
        raise UsageError(f"{file}: no such file")
    if path.is_dir():
        raise UsageError(f"{file}: is a folder (use `newsml score {file}`)")
    return read_bytes(path, max_bytes), file


def _length(args: argparse.Namespace) -> SummaryLength:
    return SummaryLength(sentences=args.sentences, ratio=args.ratio, words=args.words)


def _scoring_threads() -> None:
    """One BLAS thread for scoring in this process, as in a worker, unless the user chose otherwise.

    Scoring multiplies small matrices (an article's sentences): more threads
    only busy-wait on other cores (``newsml score --jobs 1`` on the BBC
    folder: 4.5 CPU seconds with them, 2.4 without, in the same time). Set
    before NumPy is first imported, which the scoring commands do lazily.
    """
    for name, value in WORKER_ENV.items():
        os.environ.setdefault(name, value)


def _cmd_summarize(args: argparse.Namespace) -> int:
    _scoring_threads()
    from newsml.pipeline import load_worker_ranker, summarize_article

    ranker = load_worker_ranker(args.ranker)  # a missing or damaged ranker is not the article's fault
    try:
        data, source = _read_input(args.file, args.max_bytes)
        record, _ = summarize_article(
            data, source, html=args.html or is_html_name(source), length=_length(args), ranker=ranker
        )
    except (ArticleError, MissingExtraError, OSError) as exc:
        print(f"newsml summarize: {args.file}: {error_text(exc)}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        obj = {
            "path": source,
            "title": record.title,
            "summary": record.summary,
            "sentences": record.sentences,
            "words": record.words,
        }
        print(json.dumps(obj, ensure_ascii=False))
    else:
        print("\n".join(record.summary or []))
    return EXIT_OK


def _cmd_tag(args: argparse.Namespace) -> int:
    _scoring_threads()
    from newsml.model_io import load_model
    from newsml.pipeline import document_from_bytes, tag_documents

    try:
        data, source = _read_input(args.file, args.max_bytes)
        doc = document_from_bytes(data, source, html=args.html or is_html_name(source))
    except (ArticleError, MissingExtraError, OSError) as exc:
        print(f"newsml tag: {args.file}: {error_text(exc)}", file=sys.stderr)
        return EXIT_FAILED
    topics = tag_documents([doc], load_model(args.model))[0]
    if args.json:
        obj = {"path": source, "topics": [{"topic": t, "probability": p} for t, p in topics]}
        print(json.dumps(obj, ensure_ascii=False))
    else:
        for topic, probability in topics:
            print(f"{topic}\t{probability:.4f}")
    return EXIT_OK


def _cmd_train(args: argparse.Namespace) -> int:
    from newsml.training import run

    return run(args)


def _cmd_report(args: argparse.Namespace) -> int:
    from newsml.report import ReportInputError, write_report

    try:
        context = write_report(args.scores, args.out, args.format)
    except ReportInputError as exc:
        print(f"newsml report: error: {exc}", file=sys.stderr)
        return EXIT_USAGE if not Path(args.scores).is_file() else EXIT_ERROR
    print(
        f"{args.out}: {context['total']} records ({context['scored']} scored, {context['failed']} failed"
        + (f", {len(context['bad_lines'])} unreadable lines skipped" if context["bad_lines"] else "")
        + ")",
        file=sys.stderr,
    )
    return EXIT_OK


def _cmd_score(args: argparse.Namespace) -> int:
    _scoring_threads()
    from newsml.batch import BatchOptions, score_folder

    fmt = args.format or ("csv" if args.out and args.out.lower().endswith(".csv") else "jsonl")
    try:
        options = BatchOptions(
            patterns=tuple(args.glob) if args.glob else DEFAULT_PATTERNS,
            html=args.html,
            fmt=fmt,
            jobs=args.jobs,
            backend=args.backend,
            scheduler=args.scheduler,
            resume=args.resume,
            max_bytes=args.max_bytes,
            length=_length(args),
            model=args.model,
            ranker=args.ranker,
            chunk_files=args.chunk_size,
        )
    except BatchOptionError as exc:
        raise UsageError(str(exc)) from None
    folder = Path(args.dir)
    display = Progress(sys.stderr, quiet=args.quiet)
    if display.bar and folder.is_dir():
        display.total = count_article_files(folder, options.all_patterns)
    with _log_to(display, quiet=args.quiet), _sigterm_interrupts():
        try:
            stats = score_folder(folder, args.out, options, progress=display.update)
        except ResumeError as exc:
            raise UsageError(f"cannot resume: {exc}") from None
        except BatchOptionError as exc:
            raise UsageError(str(exc)) from None
        except (FileNotFoundError, NotADirectoryError) as exc:
            if isinstance(exc, ModelError):  # a missing model is not a usage error
                raise
            raise UsageError(str(exc)) from None
        except KeyboardInterrupt:
            display.clear()
            where = f"{args.out} holds whole records only; rerun with --resume to continue" if args.out else ""
            print(f"newsml score: interrupted. {where}".rstrip(), file=sys.stderr)
            return EXIT_INTERRUPTED
        finally:
            display.clear()
    display.summary(stats)
    if stats.failed or stats.listing_errors:
        return EXIT_FAILED
    return EXIT_OK


# ------------------------------------------------------------------ progress
class Progress:
    """Progress on stderr: a tqdm bar on a terminal, a count line every few seconds otherwise."""

    #: Seconds between redraws of the bar, and between count lines.
    BAR_INTERVAL = 0.1
    LINE_INTERVAL = 10.0

    def __init__(self, stream: TextIO, *, quiet: bool = False) -> None:
        self.stream = stream
        self.quiet = quiet
        self.bar = not quiet and _isatty(stream)
        self.total: int | None = None
        self._tqdm: Any = None
        self._last_line: float | None = None

    def update(self, stats: BatchStats) -> None:
        """Called after every record."""
        if self.quiet:
            return
        if self.bar:
            self._update_bar(stats)
            return
        now = time.monotonic()
        if self._last_line is None:  # the first call starts the clock
            self._last_line = now
        elif now - self._last_line >= self.LINE_INTERVAL:
            self._last_line = now
            rate = stats.files / stats.seconds if stats.seconds > 0 else 0.0
            self.stream.write(
                f"newsml: {_count(stats.files, 'file')} done ({stats.failed} failed), {_per_second(rate)}\n"
            )
            self.stream.flush()

    def _update_bar(self, stats: BatchStats) -> None:
        if self._tqdm is None:
            from tqdm import tqdm

            self._tqdm = tqdm(
                total=self.total,
                file=self.stream,
                desc="scoring",
                unit=" files",
                mininterval=self.BAR_INTERVAL,
                dynamic_ncols=True,
                leave=False,
            )
        if stats.failed:
            self._tqdm.set_postfix_str(f"{stats.failed} failed", refresh=False)
        self._tqdm.update(stats.files - self._tqdm.n)

    def message(self, text: str) -> None:
        """Write a line of text without breaking the bar."""
        if self._tqdm is not None:
            self._tqdm.write(text, file=self.stream)
        else:
            self.stream.write(text + "\n")
            self.stream.flush()

    def clear(self) -> None:
        """Remove the bar (at the end, or before a closing message)."""
        if self._tqdm is not None:
            self._tqdm.close()
            self._tqdm = None

    def summary(self, stats: BatchStats) -> None:
        """The closing line (not with ``quiet``)."""
        if self.quiet:
            return
        rate = stats.files / stats.seconds if stats.seconds > 0 else 0.0
        kept = f", {stats.kept} kept from the previous run" if stats.kept else ""
        self.stream.write(
            f"newsml: {_count(stats.files, 'file')} in {stats.seconds:.1f} s ({_per_second(rate)}): "
            f"{stats.scored} scored, {stats.failed} failed{kept}\n"
        )
        if stats.failed:
            self.stream.write(
                f"newsml: {_count(stats.failed, 'file')} could not be scored; see the error field of their records\n"
            )
        if stats.listing_errors:
            self.stream.write(f"newsml: {_count(stats.listing_errors, 'folder')} could not be listed\n")
        self.stream.flush()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _per_second(rate: float) -> str:
    return f"{rate:.0f} file/s" if round(rate) == 1 else f"{rate:.0f} files/s"


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class _ProgressAwareHandler(logging.Handler):
    """Writes log messages to stderr above the progress bar."""

    def __init__(self, display: Progress) -> None:
        super().__init__()
        self.display = display

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.display.message(f"newsml: {record.levelname.lower()}: {record.getMessage()}")
        except Exception:
            self.handleError(record)


@contextmanager
def _log_to(display: Progress, *, quiet: bool) -> Iterator[None]:
    handler = _ProgressAwareHandler(display)
    handler.setLevel(logging.ERROR if quiet else logging.WARNING)
    previous_level = logger.level
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.WARNING:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C while scoring, so that the workers are stopped cleanly."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
