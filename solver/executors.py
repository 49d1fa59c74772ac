"""Where independent jobs run: in this process, on local worker processes, or on a dask cluster.

One small interface for team subproblems (`hemplan.solver.continuity.solve`), method runs
(`hemplan compare`) and benchmark runs: map a picklable *task* over jobs, stream the progress
events the tasks report, and honour a stop request. A task is a module-level function

    task(job, report, should_stop) -> result

that calls `report(event)` with any picklable event (passed on to `on_event` in this process)
and checks `should_stop()` between steps. Use it as

    with make_executor("dask", scheduler="tcp://host:8786", workers=2) as executor:
        results = executor.map(task, jobs, on_event=print)   # results in the order of jobs

- `InlineExecutor` (one slot): runs the jobs one after another here. A Ctrl-C inside a task
  becomes a stop request; that job and the jobs not yet started give `None`. A task that
  catches the Ctrl-C itself and keeps a partial result raises `Interrupted(result)` instead:
  the result is kept and the stop requested.
- `LocalExecutor` (`workers` slots): worker processes that ignore SIGINT and SIGTERM (the
  parent turns either into a stop request); events come back through a multiprocessing
  SimpleQueue, written before the task returns. Forked and kept for every `map` by default;
  two options serve jobs that need more:
  - `fresh=True`: a new process for every job (`max_tasks_per_child=1`), forked by a small fork
    server, so its wall time and peak memory (`ru_maxrss`) are its own (`hemplan bench`);
  - `abandon=True`: a stop request kills the workers and the unfinished jobs give `None`, for
    tasks that cannot poll `should_stop` (an OR-Tools routing search: central-travel's days).
- `DaskExecutor`: a `distributed.Client` on an existing scheduler (`scheduler="tcp://HOST:PORT"`)
  or, without one, a `LocalCluster` of `workers` single-threaded worker processes on loopback.
  Events go through a `distributed.Queue` (pickled to bytes: the cluster is trusted, dask
  pickles the tasks anyway), the stop request is a `distributed.Event` that tasks poll at most
  every `STOP_POLL_S` seconds. Tasks run inside dask worker processes, so the hemplan package
  must be importable there (install it on every worker). A task that itself uses local
  processes (a method run of `hemplan compare`) needs non-daemonic workers: the local cluster
  is started so; start the workers of an existing cluster with
  `DASK_DISTRIBUTED__WORKER__DAEMON=False`.

With every executor a Ctrl-C (KeyboardInterrupt) in this process while `map` waits sets the
stop request and `map` still returns every result; `request_stop()` does the same from code.
Results never depend on the executor: each job's result depends only on the job. No worker
outlives `close()`: SIGINT and SIGTERM are held while workers start, so none runs unlisted.
"""

from __future__ import annotations

import multiprocessing
import pickle
import signal
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

Task = Callable[[Any, Callable[[Any], None], Callable[[], bool]], Any]
EXECUTORS = ("local", "dask")
POLL_S = 0.05  # how often the parent passes events on and checks for finished jobs
STOP_POLL_S = 0.25  # how often a dask task asks the scheduler whether to stop


class Interrupted(Exception):
    """Raised by a task that Ctrl-C stopped in this process, carrying what it had found."""

    def __init__(self, result: Any):
        super().__init__("interrupted")
        self.result = result


class Executor(ABC):
    """Runs tasks over jobs; a context manager that releases its processes or cluster on exit."""

    slots: int = 1  # jobs that run at once

    def __init__(self) -> None:
        self._stopped = False

    @abstractmethod
    def map(
        self, task: Task, jobs: Sequence[Any], on_event: Callable[[Any], None] = lambda e: None
    ) -> list[Any]:
        """`task` over every job, results in the order of `jobs`."""

    def request_stop(self) -> None:
        """Ask every running and future task to stop at its next step."""
        self._stopped = True

    @property
    def stopped(self) -> bool:
        return self._stopped

    def close(self) -> None:  # noqa: B027 - a no-op by default: the inline executor holds nothing
        """Release processes or the cluster connection."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class InlineExecutor(Executor):
    """Jobs one after another in this process (one worker, or inside a dask task)."""

    def map(
        self, task: Task, jobs: Sequence[Any], on_event: Callable[[Any], None] = lambda e: None
    ) -> list[Any]:
        results: list[Any] = []
        for job in jobs:
            if self.stopped:
                results.append(None)
                continue
            try:
                results.append(task(job, on_event, lambda: self.stopped))
            except Interrupted as exc:
                self.request_stop()
                results.append(exc.result)
            except KeyboardInterrupt:
                self.request_stop()
                results.append(None)
        return results


# --- local worker processes --------------------------------------------------------------------

HELD = (signal.SIGINT, signal.SIGTERM)  # the signals a worker leaves to the parent
_queue: Any = None
_stop: Any = None


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while workers start: a Ctrl-C then never leaves a worker running
    that the pool does not list, and a thread started meanwhile (the pool's manager, which
    starts the workers of fresh mode) keeps them held for good, so they reach the main thread."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _init_worker(queue: Any, stop: Any) -> None:
    """Workers ignore Ctrl-C and SIGTERM (the parent turns them into a stop request); a worker
    starts with both held (`_signals_held`) and lets them through once they are ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)
    global _queue, _stop
    _queue, _stop = queue, stop


def _run_local(task: Task, job: Any) -> Any:
    return task(job, _queue.put, _stop.is_set)


class LocalExecutor(Executor):
    """A pool of `workers` local processes: forked and kept for every `map` until closed, or with
    `fresh` a new process per job. With `abandon` a stop request kills the workers."""

    def __init__(self, workers: int, fresh: bool = False, abandon: bool = False):
        super().__init__()
        self.slots = workers
        self._abandon, self._abandoned = abandon, False
        # fork is cheap and shares the loaded code. A fresh job is forked by a small fork server,
        # not spawned from here: an exec'd process inherits this one's peak memory as its own
        # `ru_maxrss` (Linux), and fork cannot replace workers safely from a threaded pool
        context = multiprocessing.get_context("forkserver" if fresh else "fork")
        # a SimpleQueue writes each event to its pipe before `put` returns (a Queue hands it to a
        # feeder thread), so a task's events are readable once its result is: none is lost
        self._queue, self._stop = context.SimpleQueue(), context.Event()
        self._pool = ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(self._queue, self._stop),
            max_tasks_per_child=1 if fresh else None,
        )

    def request_stop(self) -> None:
        super().request_stop()
        self._stop.set()

    def map(
        self, task: Task, jobs: Sequence[Any], on_event: Callable[[Any], None] = lambda e: None
    ) -> list[Any]:
        if self._abandon and self.stopped:
            return [None] * len(jobs)
        futures: list[Future] = []
        try:
            with _signals_held():
                futures = [self._pool.submit(_run_local, task, job) for job in jobs]
        except (
            KeyboardInterrupt
        ):  # held during the submits, it arrives as they end: every job is listed
            self.request_stop()

        def done() -> bool:
            return all(f.done() for f in futures) or (self._abandon and self.stopped)

        _wait(done, lambda: _drain(self._queue, on_event), self.request_stop)
        if not all(f.done() for f in futures):  # only when abandoning
            self._kill_workers()
        if self._abandoned:
            return [_finished(f) for f in futures]
        return [f.result() for f in futures]

    def _kill_workers(self) -> None:
        """Kill every worker (SIGKILL: they ignore SIGTERM) until the pool's manager thread has
        ended; it fails the unfinished jobs, reaps the workers, and in fresh mode may start a
        replacement meanwhile, which the next round kills. The pool is unusable afterwards.
        (Python 3.11 has no public way to kill a pool's workers: this reads the pool's own list.)"""
        self._abandoned = True
        pool: Any = self._pool
        manager, processes = pool._executor_manager_thread, pool._processes
        while manager is not None and manager.is_alive():
            for process in list(processes.values()):
                process.kill()
            manager.join(POLL_S)

    def close(self) -> None:
        self._pool.shutdown()


def _finished(future: Future) -> Any:
    """An abandoned map's result of one job: None unless it finished before the workers were
    killed."""
    if not future.done() or future.cancelled() or isinstance(future.exception(), BrokenProcessPool):
        return None
    return future.result()


def _drain(queue: Any, on_event: Callable[[Any], None]) -> None:
    while not queue.empty():
        on_event(queue.get())


def _wait(done: Callable[[], bool], drain: Callable[[], None], stop: Callable[[], None]) -> None:
    """Pass events on until `done()`; a Ctrl-C meanwhile becomes a stop request."""
    while True:
        try:
            drain()
            if done():
                break
            time.sleep(POLL_S)
        except KeyboardInterrupt:
            stop()
    drain()


# --- dask ----------------------------------------------------------------------------------------


class _PolledStop:
    """`should_stop` for a dask task: asks the scheduler's Event at most every STOP_POLL_S."""

    def __init__(self, event: Any):
        self.event, self.checked, self.value = event, 0.0, False

    def __call__(self) -> bool:
        now = time.monotonic()
        if not self.value and now - self.checked >= STOP_POLL_S:
            self.checked, self.value = now, bool(self.event.is_set())
        return self.value


def _run_dask(task: Task, job: Any, queue_name: str, event_name: str) -> Any:
    from distributed import Event, Queue

    queue = Queue(queue_name)
    return task(job, lambda event: queue.put(pickle.dumps(event)), _PolledStop(Event(event_name)))


class DaskExecutor(Executor):
    """Jobs as tasks on a dask.distributed cluster: `scheduler` given, or a local one started
    here."""

    def __init__(self, scheduler: str | None, workers: int):
        super().__init__()
        from distributed import Client, Event, LocalCluster, Queue

        self._cluster = None
        if scheduler is None:
            import dask

            with dask.config.set(
                {"distributed.worker.daemon": False}
            ):  # a task may use a process pool
                self._cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=":0",
                )
            scheduler = self._cluster.scheduler_address
        self._client = Client(scheduler)
        self.slots = max(1, sum(self._client.nthreads().values()))
        name = uuid.uuid4().hex
        self._queue_name, self._event_name = f"hemplan-events-{name}", f"hemplan-stop-{name}"
        self._queue, self._event = (
            Queue(self._queue_name, client=self._client),
            Event(self._event_name, self._client),
        )

    def request_stop(self) -> None:
        super().request_stop()
        self._event.set()

    def map(
        self, task: Task, jobs: Sequence[Any], on_event: Callable[[Any], None] = lambda e: None
    ) -> list[Any]:
        futures = [
            self._client.submit(
                _run_dask, task, job, self._queue_name, self._event_name, pure=False
            )
            for job in jobs
        ]

        def drain() -> None:
            for raw in self._queue.get(batch=True):
                on_event(pickle.loads(raw))

        _wait(lambda: all(f.done() for f in futures), drain, self.request_stop)
        return self._client.gather(futures)

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(
    kind: str = "local",
    scheduler: str | None = None,
    workers: int = 2,
    *,
    fresh: bool = False,
    abandon: bool = False,
) -> Executor:
    """The executor the user chose: a scheduler address means dask; `local` with one worker
    runs in this process, unless `fresh` asks for a new process per job. `fresh` and `abandon`
    are modes of local processes (see `LocalExecutor`); in this process a Ctrl-C already
    interrupts the running job."""
    if scheduler is not None or kind == "dask":
        if fresh or abandon:
            raise ValueError(
                "fresh processes and abandoning jobs are modes of the local executor, not of dask"
            )
        return DaskExecutor(scheduler, workers)
    if kind != "local":
        raise ValueError(f"unknown executor {kind!r}; choose from {', '.join(EXECUTORS)}")
    if workers <= 1 and not fresh:
        return InlineExecutor()
    return LocalExecutor(max(1, workers), fresh, abandon)
