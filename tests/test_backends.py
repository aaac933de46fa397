"""Where batch work runs: what a loky worker process does when it ends."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# An object that says so when the interpreter's teardown frees it.
NOISY = """
import sys

class Noisy:
    def __del__(self):
        sys.stdout.write("teardown ran\\n")

noisy = Noisy()
"""


def _run(code: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as a worker's streams
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60, env=env
    )


def test_a_clean_exit_skips_the_teardown_and_keeps_what_was_written() -> None:
    done = _run(
        NOISY
        + """
from newsml.backends import _skip_teardown_at_exit
_skip_teardown_at_exit()
sys.stdout.write("result sent")  # no newline: still buffered at exit
sys.stderr.write("progress")
sys.exit(0)
"""
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "result sent", "progress")


@pytest.mark.parametrize(
    ("ending", "status"),
    [
        ("sys.exit(3)", 3),
        ("raise RuntimeError('worker failed')", 1),
        ("pass", 0),  # the end of the script: no sys.exit, as a control
    ],
)
def test_any_other_exit_keeps_its_status_and_the_teardown(ending: str, status: int) -> None:
    done = _run(
        NOISY
        + f"""
from newsml.backends import _skip_teardown_at_exit
_skip_teardown_at_exit()
sys.stdout.write("result sent\\n")
{ending}
"""
    )
    assert done.returncode == status
    assert done.stdout == "result sent\nteardown ran\n"


# Run in a worker: keep an object that writes a marker file when freed.
KEEP = """
import sys

class Marker:
    def __init__(self, path):
        self.path = path

    def __del__(self):
        with open(self.path, "w") as fh:
            fh.write("teardown ran")

sys.modules["loky"]._kept_for_test = Marker(PATH)
"""


@pytest.mark.parametrize("newsml_workers", [True, False])
def test_local_workers_end_without_teardown(tmp_path: Path, newsml_workers: bool) -> None:
    from loky import get_reusable_executor

    from newsml.backends import WORKER_ENV, _start_worker

    marker = tmp_path / "marker"
    options = {"initializer": _start_worker, "initargs": (os.getpid(),)} if newsml_workers else {}
    # A pool of its own (reuse=False): not the pool that other tests' runs keep.
    executor = get_reusable_executor(max_workers=1, env=WORKER_ENV, reuse=False, **options)
    executor.submit(exec, KEEP.replace("PATH", repr(str(marker))), {"__name__": "kept"}).result()
    executor.shutdown(wait=True)
    # The control, a plain loky worker, frees the object as its interpreter ends.
    assert marker.exists() is not newsml_workers
