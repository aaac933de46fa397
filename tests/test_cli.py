"""The ``newsml`` command: through ``main(argv)`` and as a subprocess, exit statuses, interruption."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_helpers import BAD_FILES, MAX_BYTES, article, write_articles, write_bad_files

from newsml import __version__
from newsml.batch import BatchStats
from newsml.cli import EXIT_ERROR, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, Progress, main

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def good_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("good")
    write_articles(folder, 12)
    return folder


@pytest.fixture(scope="session")
def mixed_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mixed")
    write_articles(folder, 12)
    write_bad_files(folder)
    return folder


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    return env


def _newsml(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsml", *args], capture_output=True, env=_env(), timeout=120, **kwargs
    )


# -------------------------------------------------------------- help, version
def test_version_and_help(capsys) -> None:
    assert main(["--version"]) == EXIT_OK
    assert capsys.readouterr().out.strip() == f"newsml {__version__}"
    for command in ([], ["summarize"], ["tag"], ["score"], ["train"]):
        assert main([*command, "--help"]) == EXIT_OK
        out = capsys.readouterr().out
        assert out.startswith("usage: newsml")
    assert main(["score", "--help"]) == EXIT_OK
    out = capsys.readouterr().out
    for flag in ("--glob", "--html", "--out", "--format", "--jobs", "--backend", "--scheduler", "--resume"):
        assert flag in out
    assert "exit status" in out and "NEWSML_DASK_SCHEDULER" in out


def test_one_article_commands_list_only_their_own_exit_statuses_and_the_model_lookup(capsys) -> None:
    for command in ("summarize", "tag"):
        assert main([command, "--help"]) == EXIT_OK
        out = capsys.readouterr().out
        assert "--max-bytes" in out and "exit status" in out
        assert "--resume" not in out and "some articles failed" not in out and str(EXIT_INTERRUPTED) not in out
    assert main(["tag", "--help"]) == EXIT_OK
    out = " ".join(capsys.readouterr().out.split())
    assert "NEWSML_MODELS" in out and "per-user model folder" in out


def test_help_names_the_default_model_folder(capsys, monkeypatch, tmp_path: Path) -> None:
    folder = tmp_path / "models-100%-here"  # a "%" is no argparse field
    monkeypatch.setenv("NEWSML_MODELS", str(folder))
    for command in ("tag", "score"):
        assert main([command, "--help"]) == EXIT_OK
        out = capsys.readouterr().out.replace("\n", "").replace(" ", "")
        assert f"(default:{folder}," in out


def test_progress_counts_one_file_in_the_singular() -> None:
    log = io.StringIO()
    Progress(log).summary(BatchStats(files=1, scored=0, failed=1, seconds=1.0))
    text = log.getvalue()
    assert "1 file in" in text and "1 file/s" in text and "1 file could not" in text
    assert "1 files" not in text


def test_model_written_by_train_py_is_found_by_tag_from_any_folder(tmp_path: Path) -> None:
    env = _env()
    env.pop("NEWSML_MODELS", None)
    env["XDG_DATA_HOME"] = str(tmp_path / "user-data")  # where the per-user folder goes on Linux
    trained = subprocess.run(
        [sys.executable, "train.py", "--cv-folds", "0", "--quiet"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    assert trained.returncode == 0, trained.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.txt").write_text(article(4), encoding="utf-8")
    tagged = subprocess.run(
        [sys.executable, "-m", "newsml", "tag", "a.txt"], cwd=elsewhere, env=env, capture_output=True, text=True,
        timeout=120,
    )
    assert tagged.returncode == EXIT_OK, tagged.stderr
    assert tagged.stdout.strip() and "\t" in tagged.stdout
    assert str(tmp_path / "user-data") in trained.stdout  # train.py says where it wrote the model


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["score"],
        ["score", "{missing}"],
        ["score", "{good}", "--sentences", "2", "--ratio", "0.5"],
        ["score", "{good}", "--resume"],
        ["score", "{good}", "--scheduler", "tcp://127.0.0.1:1"],
        ["score", "{good}", "--max-bytes", "lots"],
        ["score", "{good}", "--jobs", "0"],
        ["score", "{good}", "--format", "xml"],
        ["summarize", "--ratio", "1.5", "{article}"],
        ["summarize", "{missing}"],
        ["tag", "{good}"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], good_folder: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("NEWSML_DASK_SCHEDULER", raising=False)
    monkeypatch.setenv("NEWSML_MODELS", str(tmp_path / "no-models"))  # as on a fresh checkout
    values = {"missing": str(tmp_path / "missing"), "good": str(good_folder), "article": str(tmp_path / "a.txt")}
    (tmp_path / "a.txt").write_text(article(0), encoding="utf-8")
    assert main([a.format(**values) for a in argv]) == EXIT_USAGE
    assert "usage:" in capsys.readouterr().err


def test_dask_backend_without_scheduler_is_a_usage_error(good_folder: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("NEWSML_DASK_SCHEDULER", raising=False)
    assert main(["score", str(good_folder), "--backend", "dask"]) == EXIT_USAGE
    assert "NEWSML_DASK_SCHEDULER" in capsys.readouterr().err


# --------------------------------------------------------- summarize and tag
def test_summarize_file_and_stdin(tmp_path: Path, capsys, monkeypatch) -> None:
    path = tmp_path / "a.txt"
    path.write_text(article(2), encoding="utf-8")
    assert main(["summarize", str(path), "--sentences", "2"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(line in article(2) for line in lines)
    assert main(["summarize", str(path), "--json", "--words", "30"]) == EXIT_OK
    obj = json.loads(capsys.readouterr().out)
    assert obj["title"] == "Court orders company to pay former workers" and obj["sentences"] >= 4
    assert sum(len(s.split()) for s in obj["summary"]) <= 30
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(article(2).encode())))
    assert main(["summarize", "--sentences", "2"]) == EXIT_OK
    assert capsys.readouterr().out.splitlines() == lines


def test_summarize_bad_file_exits_1(tmp_path: Path, capsys) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["summarize", str(tmp_path / "empty.txt")]) == EXIT_FAILED
    assert "empty" in capsys.readouterr().err


def test_tag(tmp_path: Path, model_path: Path, capsys) -> None:
    path = tmp_path / "a.txt"
    path.write_text(article(1), encoding="utf-8")
    assert main(["tag", str(path), "--model", str(model_path)]) == EXIT_OK
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert rows and all(0 <= float(p) <= 1 for _, p in rows)
    assert main(["tag", str(path), "--model", str(model_path), "--json"]) == EXIT_OK
    obj = json.loads(capsys.readouterr().out)
    assert [t["topic"] for t in obj["topics"]] == [topic for topic, _ in rows]


def test_tag_without_a_model_exits_3(tmp_path: Path, capsys) -> None:
    path = tmp_path / "a.txt"
    path.write_text(article(1), encoding="utf-8")
    assert main(["tag", str(path), "--model", str(tmp_path / "none.npz")]) == EXIT_ERROR
    assert "train" in capsys.readouterr().err  # says how to create one


# --------------------------------------------------------------------- score
def test_score_to_stdout_exit_0(good_folder: Path, model_path: Path, capsysbinary) -> None:
    argv = ["score", str(good_folder), "--model", str(model_path), "--jobs", "1"]
    assert main(argv) == EXIT_OK
    captured = capsysbinary.readouterr()
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert len(records) == 12 and all(r["error"] is None for r in records)
    assert b"12 files" in captured.err and b"12 scored, 0 failed" in captured.err


def test_score_partial_failure_exits_1_and_names_bad_files(
    mixed_folder: Path, model_path: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "out.csv"
    argv = ["score", str(mixed_folder), "--model", str(model_path), "--jobs", "1", "--out", str(out)]
    assert main([*argv, "--max-bytes", str(MAX_BYTES)]) == EXIT_FAILED
    err = capsys.readouterr().err
    for path in BAD_FILES:
        assert path in err
    assert f"{len(BAD_FILES)} failed" in err
    assert out.read_text(encoding="utf-8").startswith("path,sha256,")  # .csv chooses the CSV format
    assert main([*argv, "--max-bytes", str(MAX_BYTES), "--quiet"]) == EXIT_FAILED
    assert capsys.readouterr().err == ""


def test_score_glob_and_length_options(good_folder: Path, model_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    base = ["score", str(good_folder), "--model", str(model_path), "--jobs", "1", "--out", str(out), "-q"]
    assert main([*base, "--glob", "part1/*.txt", "--glob", "article00000.txt", "--ratio", "0.2"]) == EXIT_OK
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["path"] for r in records] == ["part0/article00000.txt"] + [
        f"part1/article{i:05d}.txt" for i in (1, 4, 7, 10)
    ]
    assert all(len(r["summary"]) == 1 for r in records)


def test_train_command(tmp_path: Path, capsys) -> None:
    assert main(["train", "--out-dir", str(tmp_path), "--cv-folds", "0", "--quiet"]) == EXIT_OK
    assert (tmp_path / "topics.npz").is_file() and (tmp_path / "topics.json").is_file()
    assert "model:" in capsys.readouterr().out


# ------------------------------------------------------------------ progress
class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_and_counts_otherwise(monkeypatch) -> None:
    from newsml.batch import BatchStats

    monkeypatch.setattr(Progress, "BAR_INTERVAL", 0.0)
    monkeypatch.setattr(Progress, "LINE_INTERVAL", 0.0)
    terminal = _Terminal()
    bar = Progress(terminal)
    bar.total = 10
    for i in range(1, 11):
        bar.update(BatchStats(files=i, scored=i, seconds=0.1 * i))
        time.sleep(0.001)
    bar.clear()
    assert "\r" in terminal.getvalue() and "10/10" in terminal.getvalue() and "[" in terminal.getvalue()
    log = io.StringIO()
    lines = Progress(log)
    for i in range(1, 4):
        lines.update(BatchStats(files=i, scored=i, seconds=0.1 * i))
        time.sleep(0.001)
    assert "\r" not in log.getvalue() and "files done" in log.getvalue()
    quiet = io.StringIO()
    Progress(quiet, quiet=True).update(BatchStats(files=1))
    assert quiet.getvalue() == ""


# ---------------------------------------------------------------- subprocess
def test_subprocess_score_equals_in_process(mixed_folder: Path, model_path: Path, tmp_path: Path) -> None:
    common = ["score", str(mixed_folder), "--model", str(model_path), "--max-bytes", str(MAX_BYTES)]
    assert main([*common, "--jobs", "1", "--out", str(tmp_path / "in.jsonl"), "-q"]) == EXIT_FAILED
    script = Path(sys.executable).parent / "newsml"
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "newsml"]
    done = subprocess.run([*command, *common, "--jobs", "2"], capture_output=True, env=_env(), timeout=120)
    assert done.returncode == EXIT_FAILED, done.stderr
    assert done.stdout == (tmp_path / "in.jsonl").read_bytes()
    assert b"bad/binary.txt" in done.stderr
    usage = _newsml("score", str(tmp_path / "missing"))
    assert usage.returncode == EXIT_USAGE and b"no such folder" in usage.stderr


def _start_and_wait_for_records(folder: Path, out: Path, model_path: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "newsml", "score", str(folder), "--out", str(out), "--model", str(model_path),
         "--jobs", "1", "--chunk-size", "4", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=_env(),
        # A shell that started these tests in the background ignores SIGINT, and
        # children inherit that: give the run the default handling a terminal gives.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        if out.exists() and out.stat().st_size > 2000:
            return process
        time.sleep(0.005)
    process.kill()
    pytest.fail(f"the run ended or stalled before writing records: {process.communicate()[1]!r}")


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> tuple[Path, bytes]:
    """A folder of 400 small articles and its uninterrupted output."""
    folder = tmp_path_factory.mktemp("many")
    write_articles(folder, 400, subfolders=4)
    out = tmp_path_factory.mktemp("many_out") / "full.jsonl"
    assert main(["score", str(folder), "--out", str(out), "--model", str(model_path), "--jobs", "1", "-q"]) == 0
    return folder, out.read_bytes()


def test_killed_run_resumes_to_the_uninterrupted_output(many, model_path: Path, tmp_path: Path) -> None:
    folder, reference = many
    out = tmp_path / "out.jsonl"
    process = _start_and_wait_for_records(folder, out, model_path)
    process.kill()  # SIGKILL: no clean-up at all
    process.wait(timeout=30)
    partial = out.read_bytes()
    assert 0 < len(partial) < len(reference), "the run was not interrupted part way"
    whole = partial[: partial.rfind(b"\n") + 1]
    assert reference.startswith(whole)  # whole records in order (a torn last line at most)
    args = ["score", str(folder), "--out", str(out), "--model", str(model_path), "--jobs", "1", "--resume", "-q"]
    assert main(args) == EXIT_OK
    assert out.read_bytes() == reference


def test_ctrl_c_exits_130_and_resumes(many, model_path: Path, tmp_path: Path) -> None:
    folder, reference = many
    out = tmp_path / "out.jsonl"
    process = _start_and_wait_for_records(folder, out, model_path)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == EXIT_INTERRUPTED, err
    assert b"--resume" in err
    partial = out.read_bytes()
    assert partial.endswith(b"\n") and reference.startswith(partial) and len(partial) < len(reference)
    args = ["score", str(folder), "--out", str(out), "--model", str(model_path), "--jobs", "2", "--resume"]
    assert main(args) == EXIT_OK
    assert out.read_bytes() == reference


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found.update(int(p) for p in text.split())
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc to find worker processes")
def test_workers_end_when_the_parent_is_killed(many, model_path: Path, tmp_path: Path) -> None:
    folder, _ = many
    process = subprocess.Popen(
        [sys.executable, "-m", "newsml", "score", str(folder), "--out", str(tmp_path / "out.jsonl"),
         "--model", str(model_path), "--jobs", "2", "--chunk-size", "2", "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(),
    )
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None and len(workers) < 2:
        workers = {p for p in _children(process.pid) if b"loky" in Path(f"/proc/{p}/cmdline").read_bytes()}
        time.sleep(0.01)
    assert len(workers) >= 2, "the run never started its worker processes"
    process.kill()  # SIGKILL while the workers start up or score
    process.wait(timeout=30)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers), "worker processes outlived their killed parent"


def test_summarize_starts_without_scikit_learn_scipy_or_nltk_whole(tmp_path: Path) -> None:
    # Start-up time: a one-article summary needs numpy, Punkt and the shipped arrays
    # models, not the second of imports that scikit-learn, SciPy, skops or NLTK's
    # package initialiser cost. Two paragraphs, so that the learned join runs too.
    article = tmp_path / "a.txt"
    article.write_text(
        "Port reopens after strike\n\nThe port reopened on Tuesday after a two-week strike by dock workers,"
        " officials said.\n\nShipping lines said the backlog would take a month to clear.\n",
        encoding="utf-8",
    )
    code = (
        "import sys\nfrom newsml.cli import main\n"
        f"status = main(['summarize', {str(article)!r}])\n"
        "heavy = [m for m in ('sklearn', 'scipy', 'skops', 'nltk', 'platformdirs') if m in sys.modules]\n"
        "print('HEAVY', heavy, status)\n"
    )
    env = _env()
    env.pop("NEWSML_MODELS", None)  # else the model folder would be known without platformdirs
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, check=True
    )
    assert "The port reopened on Tuesday" in done.stdout
    assert "HEAVY [] 0" in done.stdout


def test_scoring_with_workers_keeps_the_parent_light(tmp_path: Path, good_folder: Path, model_path: Path) -> None:
    # The worker pool is the loky package itself: importing joblib, whose copy
    # of loky the pool used to come from, cost the parent and every worker
    # about 0.2 s at start-up, much of a run on a small folder. The parent
    # checks the model's card without the scoring code (NumPy, NLTK and the
    # cleaning rules: about 0.3 s more before the workers start).
    out = tmp_path / "out.jsonl"
    code = (
        "import sys\nfrom newsml.cli import main\n"
        f"status = main(['score', {str(good_folder)!r}, '--model', {str(model_path)!r}, '--jobs', '2',"
        f" '--out', {str(out)!r}, '-q'])\n"
        "heavy = [m for m in ('joblib', 'numpy', 'nltk', 'Stemmer', 'newsml.preprocess', 'newsml.pipeline')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy, status)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(), timeout=300, check=True
    )
    assert "HEAVY [] 0" in done.stdout
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(list(good_folder.rglob("*.txt")))


THREADS = """
import sys
from newsml.cli import main
from threadpoolctl import threadpool_info

status = main(["summarize", sys.argv[1]])
print(status, sorted({i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}))
"""


@pytest.mark.parametrize(("chosen", "expected"), [(None, "[1]"), ("2", "[2]")])
def test_scoring_commands_run_one_blas_thread_unless_the_user_chose(
    tmp_path: Path, chosen: str | None, expected: str
) -> None:
    (tmp_path / "a.txt").write_text(article(0), encoding="utf-8")
    thread_settings = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")
    env = {k: v for k, v in os.environ.items() if k not in thread_settings}
    if chosen:
        env["OPENBLAS_NUM_THREADS"] = chosen
    done = subprocess.run(
        [sys.executable, "-c", THREADS, str(tmp_path / "a.txt")], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == f"0 {expected}"
