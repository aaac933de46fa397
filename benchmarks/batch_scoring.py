"""Benchmark ``newsml score``: throughput and memory on folders of articles.

One run measures, on the 2,225 articles of the BBC News Summary corpus
(``News Articles``):

* ``newsml score`` with ``--jobs 1`` and ``--jobs 2``, each as a separate
  process (``python -m newsml``), as a user runs it;
* ``newsml score --jobs 2`` on a folder of 100,000 article files built from
  that corpus in a temporary directory (the corpus repeated, 1,000 files per
  sub-folder), to check that memory stays flat (goal: peak within 1.5x of the
  2,225-file run);
* what a user would write by hand, timed by the reference loop
  ``../shared/tools/handloop.py`` (sumy LexRank, 3 sentences, plus a
  scikit-learn TF-IDF + LinearSVC model fitted beforehand; run on 300 of the
  files, as the batch-scoring issue says; it prints articles/s last; its
  imports and fitting are not timed). newsml's end-to-end rate is compared
  with it;
* start-up: ``newsml --help``, ``newsml summarize FILE`` and ``newsml tag
  FILE``, median of five runs each (goals 0.2 s and 0.5 s for the first two);
  newsml's bytecode is compiled first, as ``pip install`` leaves an installed
  package (see :func:`compile_newsml`);
* with ``--flame``, a py-spy flame graph of the ``--jobs 2`` BBC run
  (``benchmarks/results/batch_scoring_flame.svg``).

For each ``newsml score`` process it reports the wall-clock time from launch
to exit (interpreter start, imports and worker start-up included), the
scoring time newsml reports (first file listed to last record written), the
steady rate (from the first record written to the last), the CPU time of the
process and its workers, and the peak memory: the largest sum of the resident
set sizes of the process and all its descendants, sampled every 20 ms (shared
pages are counted once per process, so this overstates the true footprint of
several processes alike for every run). The machine's load average is
recorded, since other work on the machine slows wall-clock figures; the CPU
seconds per article are not affected by it.

Results go to ``benchmarks/results/batch_scoring.{md,json}``; progress to stderr.

Usage::

    python benchmarks/batch_scoring.py [--data PATH] [--files 100000] [--tmp DIR] [--flame]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _meta import REPO_ROOT, newsml_revision

DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "bbc-news-summary" / "News Articles"
HANDLOOP = REPO_ROOT.parent / "shared" / "tools" / "handloop.py"
HANDLOOP_FILES = 300
RESULTS = REPO_ROOT / "benchmarks" / "results"
#: The runs' working folder: not the checkout, whose ``newsml/`` would shadow the installed package.
NEUTRAL_CWD = Path(tempfile.gettempdir())
SAMPLE_INTERVAL = 0.02
#: Goals of the batch-scoring issue: end-to-end speed-up over the hand-written loop
#: (floor and goal), articles/s on the large folder, memory growth from the BBC run
#: to the large one, and start-up times.
GOAL_SPEEDUP_FLOOR = 6.0
GOAL_SPEEDUP = 10.0
GOAL_RATE = 2000.0
GOAL_MEMORY_RATIO = 1.1
GOAL_HELP_S = 0.2
GOAL_SUMMARIZE_S = 0.5

try:
    import psutil
except ImportError:  # memory then comes from getrusage: the largest single process
    psutil = None


def log(message: str) -> None:
    print(f"[batch_scoring {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------- newsml processes
class MemorySampler(threading.Thread):
    """Peak of the summed RSS of a process and its descendants."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        if psutil is None:
            return
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.stop.is_set():
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self.stop.wait(SAMPLE_INTERVAL)


class OutputWatcher(threading.Thread):
    """When the first record appeared in the output file, and how many lines it had then."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.first: float | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set() and self.first is None:
            try:
                if self.path.stat().st_size > 0:
                    self.first = time.perf_counter()
            except OSError:
                pass
            self.stop.wait(0.005)


def run_newsml(folder: Path, out: Path, jobs: int, model: Path) -> dict[str, Any]:
    """Run ``python -m newsml score`` on ``folder``; its figures."""
    command = [
        sys.executable, "-m", "newsml", "score", str(folder),
        "--jobs", str(jobs), "--out", str(out), "--model", str(model),
    ]
    log(f"running {shlex.join(command[1:])}")
    load_before = os.getloadavg()
    out.unlink(missing_ok=True)
    watcher = OutputWatcher(out)
    watcher.start()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=NEUTRAL_CWD)
    sampler = MemorySampler(process.pid)
    sampler.start()
    stderr_lines: list[bytes] = []
    reader = threading.Thread(target=lambda: stderr_lines.extend(process.stderr), daemon=True)
    reader.start()
    _, status, usage = os.wait4(process.pid, 0)
    end = time.perf_counter()
    process.returncode = os.waitstatus_to_exitcode(status)
    sampler.stop.set()
    watcher.stop.set()
    reader.join()
    sampler.join()
    stderr = b"".join(stderr_lines).decode("utf-8", errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"newsml score exited with {process.returncode}:\n{stderr}")
    match = re.search(r"(\d+) files in ([\d.]+) s", stderr)
    files = int(match.group(1)) if match else sum(1 for _ in out.open("rb"))
    scoring = float(match.group(2)) if match else end - start
    first = watcher.first or start
    lines_at_first = 1  # the first chunk's records appear together; count from the first one
    steady = (files - lines_at_first) / max(end - first, 1e-9)
    peak = sampler.peak or usage.ru_maxrss * 1024
    cpu = usage.ru_utime + usage.ru_stime
    result = {
        "folder": str(folder),
        "files": files,
        "jobs": jobs,
        "wall_s": end - start,
        "scoring_s": scoring,
        "rate_end_to_end": files / (end - start),
        "rate_scoring": files / scoring,
        "rate_steady": steady,
        "cpu_s": cpu,
        "articles_per_cpu_s": files / cpu,
        "peak_rss_mb": peak / 1e6,
        "peak_memory_source": "psutil: summed RSS of the process tree" if sampler.peak else "ru_maxrss",
        "output_mb": out.stat().st_size / 1e6,
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }
    log(
        f"{files} files, jobs={jobs}: {result['wall_s']:.1f} s end to end ({result['rate_end_to_end']:.0f}/s), "
        f"scoring {scoring:.1f} s ({result['rate_scoring']:.0f}/s), steady {steady:.0f}/s, "
        f"{result['articles_per_cpu_s']:.0f} articles per CPU second, peak {result['peak_rss_mb']:.0f} MB"
    )
    return result


def build_large_folder(source: Path, target: Path, n: int) -> int:
    """``n`` article files under ``target`` (1,000 per sub-folder), the corpus repeated."""
    files = sorted(source.rglob("*.txt"))
    contents = [f.read_bytes() for f in files]
    for i in range(n):
        folder = target / f"{i // 1000:03d}"
        if i % 1000 == 0:
            folder.mkdir(parents=True)
        (folder / f"{i:06d}.txt").write_bytes(contents[i % len(contents)])
    return sum(len(contents[i % len(contents)]) for i in range(n))


# --------------------------------------------------------------- hand-written
def hand_written_loop(folder: Path, script: Path = HANDLOOP, limit: int = HANDLOOP_FILES) -> dict[str, Any]:
    """Run the reference hand-written loop; its articles/s (the last line it prints)."""
    command = [sys.executable, str(script), str(folder), str(limit)]
    log(f"running {shlex.join(command[1:])}")
    load_before = os.getloadavg()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{script.name} exited with {done.returncode}:\n{done.stderr}")
    rate = float(done.stdout.strip().splitlines()[-1])
    log(f"hand-written loop: {rate:.1f} articles/s")
    return {
        "script": str(script),
        "files": limit,
        "rate": rate,
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }


# ------------------------------------------------------------------ start-up
def startup_times(article: Path, model: Path, runs: int = 5) -> dict[str, float]:
    """Median wall-clock seconds of ``newsml --help``, ``newsml summarize FILE`` and ``newsml tag FILE``."""
    import statistics

    commands = {
        "help": [sys.executable, "-m", "newsml", "--help"],
        "summarize": [sys.executable, "-m", "newsml", "summarize", str(article)],
        "tag": [sys.executable, "-m", "newsml", "tag", str(article), "--model", str(model)],
    }
    times: dict[str, float] = {}
    for name, command in commands.items():
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=NEUTRAL_CWD)
            samples.append(time.perf_counter() - start)
        times[name] = statistics.median(samples)
        log(f"newsml {name}: {times[name]:.2f} s (median of {runs})")
    return times


def flame_graph(folder: Path, out: Path, model: Path, svg: Path) -> bool:
    """A py-spy flame graph of ``newsml score --jobs 2`` (workers included); False without py-spy."""
    import shutil

    if shutil.which("py-spy") is None:
        log("py-spy is not installed: no flame graph (pip install py-spy)")
        return False
    command = [
        "py-spy", "record", "--subprocesses", "--rate", "200", "--output", str(svg), "--",
        sys.executable, "-m", "newsml", "score", str(folder), "--jobs", "2", "--out", str(out),
        "--model", str(model), "--quiet",
    ]
    log(f"running {shlex.join(command)}")
    return subprocess.run(command, capture_output=True, check=False, cwd=NEUTRAL_CWD).returncode == 0


# ------------------------------------------------------------------ report
def install_info() -> dict[str, Any]:
    """The newsml the runs import: its folder, how it is installed, whether its sources are the checkout's.

    An editable install adds its import finder to every process (about 10 ms
    each); the README's quick start installs with ``pip install .``.
    """
    import importlib.metadata

    import newsml

    folder = Path(newsml.__file__).resolve().parent
    try:
        direct = json.loads(importlib.metadata.distribution("newsml").read_text("direct_url.json") or "{}")
        mode = "editable" if direct.get("dir_info", {}).get("editable") else "regular"
    except importlib.metadata.PackageNotFoundError:
        mode = "not installed"
    checkout = REPO_ROOT / "newsml"
    sources = [p.relative_to(checkout) for p in checkout.rglob("*.py")]
    same = all(
        (folder / rel).is_file() and (folder / rel).read_bytes() == (checkout / rel).read_bytes() for rel in sources
    )
    compiled = sorted(p.name.split(".")[0] for p in folder.glob("_*.so"))
    return {"from": str(folder), "install": mode, "sources_match_checkout": same, "c_modules": compiled}


def provenance() -> dict[str, Any]:
    import joblib
    import nltk
    import sklearn

    import newsml

    revision = newsml_revision()
    return {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "newsml": f"{newsml.__version__} ({revision})",
        "scikit-learn": sklearn.__version__,
        "nltk": nltk.__version__,
        "joblib": joblib.__version__,
        "psutil": getattr(psutil, "__version__", None),
        "newsml_install": install_info(),
        "command": shlex.join([sys.executable, *sys.argv]),
    }


def markdown(results: dict[str, Any]) -> str:
    info = results["provenance"]
    install = info["newsml_install"]
    runs = results["newsml"]
    base = results["hand_written"]
    small1, small2, large = runs["bbc_jobs1"], runs["bbc_jobs2"], runs.get("large_jobs2")
    start = results["startup"]
    lines = [
        "# Batch scoring benchmark",
        "",
        f"{info['date']}; Python {info['python']}, {info['cpus']} CPUs, newsml {info['newsml']}, "
        f"scikit-learn {info['scikit-learn']}, nltk {info['nltk']}, joblib {info['joblib']}.",
        f"newsml imported from {install['from']} ({install['install']} install; sources the checkout's: "
        f"{install['sources_match_checkout']}; C modules: {', '.join(install['c_modules']) or 'none'}).",
        f"Command: `{info['command']}`.",
        "",
        "## `newsml score`",
        "",
        "| run | files | jobs | end to end (s) | articles/s end to end | scoring (s) | articles/s scoring "
        "| articles/s steady | CPU s | articles per CPU s | peak memory (MB) | load before/after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, run in runs.items():
        label = {"bbc_jobs1": "BBC", "bbc_jobs2": "BBC", "large_jobs2": "100k folder"}.get(name, name)
        lines.append(
            f"| {label} | {run['files']:,} | {run['jobs']} | {run['wall_s']:.1f} | {run['rate_end_to_end']:.0f} "
            f"| {run['scoring_s']:.1f} | {run['rate_scoring']:.0f} | {run['rate_steady']:.0f} | {run['cpu_s']:.1f} "
            f"| {run['articles_per_cpu_s']:.0f} | {run['peak_rss_mb']:.0f} "
            f"| {run['load_before'][0]:.1f} / {run['load_after'][0]:.1f} |"
        )
    lines += [
        "",
        "*End to end*: launch to exit of `python -m newsml score` (interpreter start, imports, model load and "
        "worker start-up included). *Scoring*: as reported by newsml, first file listed to last record written "
        "(worker start-up included). *Steady*: first record written to exit. *Peak memory*: summed RSS of the "
        "process and its workers, sampled every 20 ms. *Load*: 1-minute load average of the machine.",
        "",
        "## Hand-written loop (`../shared/tools/handloop.py`: sumy LexRank + TF-IDF/LinearSVC, one file at a time)",
        "",
        f"{base['rate']:.1f} articles/s on {base['files']} of the BBC files, one core, imports and fitting not timed.",
        "",
        "## Start-up (median of five runs)",
        "",
        "| command | seconds | goal |",
        "|---|---:|---:|",
        f"| `newsml --help` | {start['help']:.2f} | {GOAL_HELP_S} |",
        f"| `newsml summarize FILE` | {start['summarize']:.2f} | {GOAL_SUMMARIZE_S} |",
        f"| `newsml tag FILE` | {start['tag']:.2f} | |",
        "",
        "## Against the goals",
        "",
    ]
    speedup = small2["rate_end_to_end"] / base["rate"]
    verdict = "met" if speedup >= GOAL_SPEEDUP else "floor met" if speedup >= GOAL_SPEEDUP_FLOOR else "NOT met"
    lines += [
        f"- BBC, `--jobs 2`, end to end: {small2['rate_end_to_end']:.0f} articles/s, {speedup:.1f}x the "
        f"hand-written loop (floor {GOAL_SPEEDUP_FLOOR:.0f}x, goal {GOAL_SPEEDUP:.0f}x: {verdict}); "
        f"{small2['rate_steady']:.0f} articles/s once the first record is out.",
        f"- CPU cost: {1000 / small1['articles_per_cpu_s']:.2f} ms of CPU per article with `--jobs 1` "
        "(imports included).",
    ]
    if large:
        lines.append(
            f"- {large['files']:,} files, `--jobs 2`: {large['rate_end_to_end']:.0f} articles/s end to end "
            f"(goal {GOAL_RATE:.0f}: {'met' if large['rate_end_to_end'] >= GOAL_RATE else 'NOT met'})."
        )
    if large:
        ratio = large["peak_rss_mb"] / small2["peak_rss_mb"]
        verdict = "within" if ratio <= GOAL_MEMORY_RATIO else "NOT within"
        lines.append(
            f"- Memory: peak {large['peak_rss_mb']:.0f} MB on {large['files']:,} files against "
            f"{small2['peak_rss_mb']:.0f} MB on {small2['files']:,} ({ratio:.2f}x, {verdict} the "
            f"{GOAL_MEMORY_RATIO}x goal)."
        )
    return "\n".join(lines) + "\n"


def compile_newsml() -> None:
    """Write newsml's bytecode (``__pycache__``), as ``pip install`` does for a package it installs.

    An editable install run with PYTHONDONTWRITEBYTECODE=1 (set on the
    project's machine) never writes it, and every command then compiles all
    of newsml's sources again: about 0.1 s of each start-up that an installed
    newsml does not pay.
    """
    import compileall

    import newsml

    log(f"compiling newsml's bytecode (PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r})")
    compileall.compile_dir(str(Path(newsml.__file__).parent), quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the BBC 'News Articles' folder")
    parser.add_argument("--files", type=int, default=100_000, help="files in the large folder (0 skips it)")
    parser.add_argument("--tmp", type=Path, default=None, help="where to build the large folder")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write batch_scoring.{md,json}")
    parser.add_argument("--handloop", type=Path, default=HANDLOOP, help="the reference hand-written loop script")
    parser.add_argument("--flame", action="store_true", help="also record a py-spy flame graph of the --jobs 2 run")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        parser.error(f"{args.data}: no such folder (the BBC News Summary corpus's 'News Articles')")
    if not args.handloop.is_file():
        parser.error(f"{args.handloop}: no such file (the reference loop, ../shared/tools/handloop.py)")

    from newsml.corpus import load_default_corpus
    from newsml.training import train

    results: dict[str, Any] = {"provenance": provenance(), "newsml": {}}
    compile_newsml()
    with tempfile.TemporaryDirectory(prefix="newsml-bench-", dir=args.tmp) as tmp_name:
        tmp = Path(tmp_name)
        log("training the topic model (embedded corpus, as train.py)")
        model = train(load_default_corpus(), out_dir=tmp / "model", cv_folds=0).model_path
        for jobs in (1, 2):
            results["newsml"][f"bbc_jobs{jobs}"] = run_newsml(args.data, tmp / f"bbc_jobs{jobs}.jsonl", jobs, model)
        if (tmp / "bbc_jobs1.jsonl").read_bytes() != (tmp / "bbc_jobs2.jsonl").read_bytes():
            raise RuntimeError("--jobs 1 and --jobs 2 wrote different outputs")
        results["hand_written"] = hand_written_loop(args.data, args.handloop)
        results["startup"] = startup_times(next(iter(sorted(args.data.rglob("*.txt")))), model)
        if args.flame:
            args.results.mkdir(parents=True, exist_ok=True)
            flame_graph(args.data, tmp / "flame.jsonl", model, args.results / "batch_scoring_flame.svg")
        if args.files:
            log(f"building a folder of {args.files:,} files")
            size = build_large_folder(args.data, tmp / "large", args.files)
            log(f"built: {size / 1e6:.0f} MB")
            results["newsml"]["large_jobs2"] = run_newsml(tmp / "large", tmp / "large.jsonl", 2, model)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "batch_scoring.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    report = markdown(results)
    (args.results / "batch_scoring.md").write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
