"""Where chunks of batch work run: in-process, loky processes, or Dask.

Every backend takes a chunk (a list of files) with :meth:`Backend.submit` and
returns a future whose ``result()`` is the chunk's output lines. The caller
keeps at most :attr:`Backend.max_in_flight` chunks submitted and collects the
results in submission order, so output order and memory do not depend on
the backend.

* :class:`SerialBackend` (``--jobs 1``) scores in the calling process.
* :class:`LocalBackend` (``--jobs N``) uses the loky process pool behind
  ``joblib.Parallel`` (``loky.get_reusable_executor``; the loky package
  itself, not joblib's copy of it: importing joblib costs the parent and
  every worker about 0.2 s more), driven directly so that the caller, not
  only the dispatcher, bounds the chunks in flight. Workers read the files themselves and keep the model they
  loaded for the life of the process; BLAS threads are limited to one per
  worker, and a worker skips the interpreter's teardown when it ends.
* :class:`DaskBackend` (``--backend dask``) connects to an existing
  ``dask.distributed`` scheduler. The model is sent to the workers once
  (``scatter``) and the client sends file *contents* with each chunk, so the
  workers need ``newsml`` installed but no access to the files.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from newsml.htmltext import MissingExtraError

logger = logging.getLogger(__name__)

#: Environment variable naming the Dask scheduler (``tcp://host:8786``).
SCHEDULER_ENV = "NEWSML_DASK_SCHEDULER"
#: Chunks in flight per worker process or thread.
IN_FLIGHT_PER_WORKER = 2
#: Seconds to wait for a Dask scheduler and its first worker.
DASK_CONNECT_TIMEOUT = 30
#: Environment of local worker processes: one BLAS/OpenMP thread each.
WORKER_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

#: The chunk task: ``task(items, settings, model=None) -> list of output lines``.
Task = Callable[..., list[Any]]


class Backend(Protocol):
    """Runs chunk tasks; see the module docstring."""

    #: Chunks the caller may keep submitted at once.
    max_in_flight: int
    #: Chunks scored at the same time (worker processes or threads).
    workers: int
    #: Whether chunks must carry file contents (the workers cannot read the files).
    sends_contents: bool

    def submit(self, items: Sequence[Any]) -> Any:
        """Start scoring a chunk; return an object whose ``result()`` gives its lines."""

    def close(self) -> None:
        """Release the workers after a completed run."""

    def abort(self) -> None:
        """Stop the workers after an error or an interruption."""


def resolve_jobs(jobs: int | None) -> int:
    """Worker processes for ``jobs``: itself when positive, all cores for ``None``, 0 or -1."""
    if jobs is not None and jobs > 0:
        return jobs
    from loky import cpu_count  # counts the cores this process may use (cgroups, affinity)

    if jobs is None or jobs in (0, -1):
        return max(1, cpu_count())
    return max(1, cpu_count() + 1 + jobs)


class _Done:
    """A finished future."""

    def __init__(self, value: Any) -> None:
        self._value = value

    def result(self) -> Any:
        return self._value


class SerialBackend:
    """Scores each chunk in the calling process when it is submitted."""

    max_in_flight = 1
    workers = 1
    sends_contents = False

    def __init__(self, task: Task, settings: Any, model: Any) -> None:
        self._task, self._settings, self._model = task, settings, model

    def submit(self, items: Sequence[Any]) -> _Done:
        return _Done(self._task(items, self._settings, self._model))

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


class LocalBackend:
    """Scores chunks in ``jobs`` loky worker processes (reused across runs)."""

    sends_contents = False

    def __init__(
        self,
        task: Task,
        settings: Any,
        jobs: int,
        idle_timeout: int = 60,
        warm_up: Callable[[], Any] | None = None,
    ) -> None:
        from loky import get_reusable_executor

        self._task, self._settings = task, settings
        self.workers = jobs
        self.max_in_flight = IN_FLIGHT_PER_WORKER * jobs
        # The watchdog starts with each worker, before it waits for work: a worker
        # still starting up when its parent is killed would otherwise wait forever.
        self._executor = get_reusable_executor(
            max_workers=jobs,
            timeout=idle_timeout,
            env=WORKER_ENV,
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )
        if warm_up is not None:
            # Workers start importing and loading the model now, while the caller
            # lists the folder; a failure shows again with the first chunk.
            for _ in range(jobs):
                self._executor.submit(warm_up)

    def submit(self, items: Sequence[Any]) -> Any:
        return self._executor.submit(self._task, list(items), self._settings)

    def close(self) -> None:
        pass  # idle workers exit after ``idle_timeout`` seconds, or with this process

    def abort(self) -> None:
        self._executor.shutdown(wait=False, kill_workers=True)


def _start_worker(parent_pid: int) -> None:
    """Worker initializer: watch the parent, and skip the interpreter's teardown at exit."""
    _watch_parent(parent_pid)
    _skip_teardown_at_exit()


def _skip_teardown_at_exit() -> None:
    """From now on, a clean exit (``sys.exit(0)``) ends this process without the interpreter's teardown.

    A parent waits for its loky workers to end when it exits itself (loky's
    shutdown), and a worker's teardown (freeing NumPy, the models and the term
    tables object by object) took about 40 ms of a 1.4 s run. By then the
    worker has sent every result: loky's result queue writes synchronously,
    and multiprocessing's finalizers ran when the worker's loop returned.
    The standard streams are flushed first; exit handlers registered before
    this one are skipped (logging's shutdown among them: workers log only to
    standard error, which is flushed). Any other exit, ``sys.exit`` with a
    non-zero status or an uncaught exception, runs the teardown as usual and
    keeps its status.
    """
    statuses: list[object] = []
    real_exit = sys.exit

    def recording_exit(status: object = None) -> None:
        statuses.append(status)
        real_exit(status)

    def exit_now() -> None:
        if not statuses or statuses[-1] not in (None, 0):
            return
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):
                pass
        os._exit(0)

    sys.exit = recording_exit  # loky's worker launcher ends with sys.exit(status)
    atexit.register(exit_now)


def _watch_parent(parent_pid: int, interval: float = 0.5) -> None:
    """Worker initializer: exit this process once ``parent_pid`` is no longer its parent.

    A parent killed with SIGKILL cannot stop its loky workers, and a worker
    waiting for work or blocked on sending a result would otherwise live on.
    """
    if os.getppid() != parent_pid:  # the parent died while this worker started
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="newsml-parent-watchdog", daemon=True).start()


class DaskBackend:
    """Scores chunks on a ``dask.distributed`` cluster; the client sends file contents."""

    sends_contents = True

    def __init__(self, task: Task, settings: Any, model: Any, scheduler: str, timeout: int = DASK_CONNECT_TIMEOUT):
        try:
            from distributed import Client
        except ImportError:
            raise MissingExtraError(
                "--backend dask needs dask.distributed, which is not installed: pip install 'newsml[dask]'"
            ) from None
        self._task, self._settings = task, settings
        try:
            self._client = Client(scheduler, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ConnectionError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        try:
            self._client.wait_for_workers(1, timeout=timeout)
            threads = sum(self._client.nthreads().values())
            self.workers = max(1, threads)
            self.max_in_flight = max(2, IN_FLIGHT_PER_WORKER * threads)
            self._model = self._client.scatter(model, broadcast=True, hash=False)
        except BaseException:
            self._client.close()
            raise
        logger.info("Dask scheduler %s: %d worker threads", scheduler, threads)

    def submit(self, items: Sequence[Any]) -> Any:
        return self._client.submit(self._task, list(items), self._settings, self._model, pure=False)

    def close(self) -> None:
        self._client.close()

    def abort(self) -> None:
        try:
            self._client.close(timeout=5)
        except Exception:  # already broken: nothing more to release
            logger.debug("closing the Dask client failed", exc_info=True)


def make_backend(
    kind: str,
    task: Task,
    settings: Any,
    model: Any,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    warm_up: Callable[[], Any] | None = None,
) -> Backend:
    """The backend ``kind`` (``"local"`` or ``"dask"``) for ``task``.

    ``warm_up`` is run once per local worker process as it starts.
    """
    if kind == "dask":
        if not scheduler:  # BatchOptions resolves it; never let Dask start a local cluster
            raise ValueError("the dask backend needs a scheduler address")
        return DaskBackend(task, settings, model, scheduler)
    if kind != "local":
        raise ValueError(f"backend must be 'local' or 'dask', got {kind!r}")
    n = resolve_jobs(jobs)
    if n == 1:
        return SerialBackend(task, settings, model)
    return LocalBackend(task, settings, n, warm_up=warm_up)
