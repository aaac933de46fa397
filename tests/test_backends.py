"""Where batch work runs: what a worker process does at start and at exit."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)


def test_a_worker_ends_without_teardown_and_keeps_what_it_wrote() -> None:
    # An object freed by the interpreter's teardown says so; with the teardown
    # skipped it never does, while text still in the stream buffers is kept.
    done = _run(
        """
        import sys
        from newsml.backends import _skip_teardown_at_exit

        class Noisy:
            def __del__(self):
                sys.stdout.write("teardown ran\\n")

        noisy = Noisy()
        _skip_teardown_at_exit()
        sys.stdout.write("result sent")  # no newline: still buffered at exit
        sys.stderr.write("progress")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "result sent"
    assert done.stderr == "progress"


def test_without_the_skip_the_teardown_runs() -> None:
    # The control: the same script, the skip left out, frees the object.
    done = _run(
        """
        import sys

        class Noisy:
            def __del__(self):
                sys.stdout.write("teardown ran\\n")

        noisy = Noisy()
        sys.stdout.write("result sent\\n")
        """
    )
    assert done.stdout == "result sent\nteardown ran\n"
