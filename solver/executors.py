"""Where independent jobs run: in this process, on local worker processes, or on a dask cluster.

One small interface for team subproblems (`hemplan.solver.continuity.solve`), method runs (`hemplan compare`) and
benchmark runs: map a picklable *task* over jobs, stream the progress events the tasks
report, and honour a stop request. A task is a module-level function

    task(job, report, should_stop) -> result

that calls `report(event)` with any picklable event (passed on to `on_event` in this process)
and checks `should_stop()` between steps. Use it as

    with make_executor("dask", scheduler="tcp://host:8786", workers=2) as executor:
        results = executor.map(task, jobs, on_event=print)   # results in the order of jobs

- `InlineExecutor` (one slot): runs the jobs one after another here. A Ctrl-C inside a task
  becomes a stop request; that job and the jobs not yet started give `None`. A task that
  catches the Ctrl-C itself and keeps a partial result raises `Interrupted(result)` instead:
  the result is kept and the stop requested.
- `LocalExecutor` (`workers` slots): forked worker processes that ignore SIGINT and SIGTERM (the
  parent turns either into a stop request); events come back through a multiprocessing
  SimpleQueue, written before the task returns.
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
Results never depend on the executor: each job's result depends only on the job.
"""

from __future__ import annotations

import multiprocessing
import pickle
import signal
import time
import uuid
from abc import ABC, abstractmethod
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable, Sequence

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
    def map(self, task: Task, jobs: Sequence[Any], on_event: Callable[[Any], None] = lambda e: None) -> list[Any]:
        """`task` over every job, results in the order of `jobs`."""

    def request_stop(self) -> None:
        """Ask every running and future task to stop at its next step."""
        self._stopped = True

    @property
    def stopped(self) -> bool:
        return self._stopped

    def close(self) -> None:
        """Release processes or the cluster connection."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class InlineExecutor(Executor):
    """Jobs one after another in this process (one worker, or inside a dask task)."""

    def map(self, task: Task, jobs: Sequence[Any], on_event: Callable[[Any], None] = lambda e: None) -> list[Any]:
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

_queue: Any = None
_stop: Any = None


def _init_worker(queue: Any, stop: Any) -> None:
    """Workers ignore Ctrl-C and SIGTERM (the parent turns them into a stop request)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    global _queue, _stop
    _queue, _stop = queue, stop


def _run_local(task: Task, job: Any) -> Any:
    return task(job, _queue.put, _stop.is_set)


class LocalExecutor(Executor):
    """A pool of `workers` forked processes, kept for every `map` until closed."""

    def __init__(self, workers: int):
        super().__init__()
        self.slots = workers
        context = multiprocessing.get_context("fork")
        # a SimpleQueue writes each event to its pipe before `put` returns (a Queue hands it to a
        # feeder thread), so a task's events are readable once its result is: none is lost
        self._queue, self._stop = context.SimpleQueue(), context.Event()
        self._pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                         initargs=(self._queue, self._stop))

    def request_stop(self) -> None:
        super().request_stop()
        self._stop.set()

    def map(self, task: Task, jobs: Sequence[Any], on_event: Callable[[Any], None] = lambda e: None) -> list[Any]:
        futures: list[Future] = [self._pool.submit(_run_local, task, job) for job in jobs]
        _wait(lambda: all(f.done() for f in futures), lambda: _drain(self._queue, on_event), self.request_stop)
        return [f.result() for f in futures]

    def close(self) -> None:
        self._pool.shutdown()


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
    """Jobs as tasks on a dask.distributed cluster: `scheduler` given, or a local one started here."""

    def __init__(self, scheduler: str | None, workers: int):
        super().__init__()
        from distributed import Client, Event, LocalCluster, Queue

        self._cluster = None
        if scheduler is None:
            import dask

            with dask.config.set({"distributed.worker.daemon": False}):  # a task may use a process pool
                self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                             host="127.0.0.1", dashboard_address=":0")
            scheduler = self._cluster.scheduler_address
        self._client = Client(scheduler)
        self.slots = max(1, sum(self._client.nthreads().values()))
        name = uuid.uuid4().hex
        self._queue_name, self._event_name = f"hemplan-events-{name}", f"hemplan-stop-{name}"
        self._queue, self._event = Queue(self._queue_name, client=self._client), Event(self._event_name, self._client)

    def request_stop(self) -> None:
        super().request_stop()
        self._event.set()

    def map(self, task: Task, jobs: Sequence[Any], on_event: Callable[[Any], None] = lambda e: None) -> list[Any]:
        futures = [self._client.submit(_run_dask, task, job, self._queue_name, self._event_name, pure=False)
                   for job in jobs]

        def drain() -> None:
            for raw in self._queue.get(batch=True):
                on_event(pickle.loads(raw))

        _wait(lambda: all(f.done() for f in futures), drain, self.request_stop)
        return self._client.gather(futures)

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(kind: str = "local", scheduler: str | None = None, workers: int = 2) -> Executor:
    """The executor the user chose: a scheduler address means dask; `local` with one worker
    runs in this process."""
    if scheduler is not None or kind == "dask":
        return DaskExecutor(scheduler, workers)
    if kind != "local":
        raise ValueError(f"unknown executor {kind!r}; choose from {', '.join(EXECUTORS)}")
    return InlineExecutor() if workers <= 1 else LocalExecutor(workers)
