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
    tasks that cannot poll `should_stop` (a PyVRP search: central-travel's days).
- `DaskExecutor`: a `distributed.Client` on an existing scheduler (`scheduler="tcp://HOST:PORT"`)
  or, without one, a `LocalCluster` of `workers` single-threaded worker processes on loopback.
  Events go through a `distributed.Queue` (pickled to bytes: the cluster is trusted, dask
  pickles the tasks anyway), the stop request is a `distributed.Event` that tasks poll at most
  every `STOP_POLL_S` seconds (a task that cannot poll, a method run of `hemplan compare`, gets
  it as a KeyboardInterrupt in its thread: `interrupt_on_stop`). The workers of a local cluster
  ignore SIGINT and SIGTERM, as local workers do (`dask_setup`, preloaded into each). Tasks
  run inside dask worker processes, so the hemplan package must be importable there (install
  it on every worker). A task that itself uses local processes (a method run of `hemplan
  compare`) needs non-daemonic workers: the local cluster is started so; start the workers of
  an existing cluster with `DASK_DISTRIBUTED__WORKER__DAEMON=False`.

With every executor a Ctrl-C (KeyboardInterrupt) in this process while `map` waits sets the
stop request and `map` still returns every result; `request_stop()` does the same from code.
Results never depend on the executor: each job's result depends only on the job. No worker
outlives `close()`: SIGINT and SIGTERM are held while workers start, so none runs unlisted.

No local worker outlives the process that made its pool either, whatever ends that process
(SIGKILL, the OOM killer): on Linux each worker asks the kernel for SIGKILL when its parent
ends (`prctl(PR_SET_PDEATHSIG)`, in the worker's initializer, `_die_with_parent`) and then
checks that the pool's owner is still there, which closes the race of an owner killed while
the worker started. A fresh worker's parent is the fork server, which ends once no process
holds its liveness pipe: each worker closes its inherited copy, so the server ends with the
owner and takes its workers with it. The kernel's parent-death signal was chosen over a
process group the owner kills on its way out: a SIGKILLed owner takes no way out. Other
systems have no such signal: there a killed owner may leave its workers running. A dask local
cluster needs none of this: its worker processes end with their nanny, which runs in this
process (distributed watches the parent through a pipe), and the local workers of a task end
with the dask worker as above.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import threading
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


def _init_worker(queue: Any, stop: Any, owner: int) -> None:
    """Workers ignore Ctrl-C and SIGTERM (the parent turns them into a stop request); a worker
    starts with both held (`_signals_held`) and lets them through once they are ignored. A
    worker dies with `owner`, the process whose pool it serves (`_die_with_parent`)."""
    _die_with_parent(owner)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)
    global _queue, _stop
    _queue, _stop = queue, stop


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent(owner: int) -> None:
    """Linux: SIGKILL this worker when its parent ends (the owner, or for a fresh worker the
    fork server, which ends with the owner once no worker holds its liveness pipe), and end it
    now if the owner has ended already. Elsewhere: nothing."""
    _release_fork_server()
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(
            ctypes.c_int(PR_SET_PDEATHSIG),
            ctypes.c_ulong(signal.SIGKILL),
            ctypes.c_ulong(0),
            ctypes.c_ulong(0),
            ctypes.c_ulong(0),
        )
    except (OSError, AttributeError):  # no libc to ask: the worker ends after its job
        return
    # the parent may have ended before the request above: then nobody would send the signal
    parent = os.getppid()
    if parent != owner and _parent_of(parent) != owner:
        os._exit(1)


def _parent_of(pid: int) -> int | None:
    """The parent process id of `pid` (Linux /proc), None if unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return int(fields[1])
    except (OSError, IndexError, ValueError):
        return None


def _release_fork_server() -> None:
    """Close this process's copy of the fork server's liveness pipe. The server runs while any
    process holds the pipe's write end, and every process it forks is given one: held by the
    workers, it would keep the server, and so (by their parent-death signal) the workers, alive
    after the owner was killed. A worker never starts processes through the owner's server."""
    from multiprocessing import forkserver

    server: Any = forkserver._forkserver
    fd = getattr(server, "_forkserver_alive_fd", None)
    if fd is not None:
        try:
            os.close(fd)
        except OSError:
            pass
        server._forkserver_alive_fd = None


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
            initargs=(self._queue, self._stop, os.getpid()),
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
                for job in jobs:
                    futures.append(self._pool.submit(_run_local, task, job))
        except KeyboardInterrupt:  # a signal is held during the submits and arrives as they end;
            self.request_stop()  # a stop raised in this thread (`interrupt_on_stop`) may not be
        unsubmitted = [None] * (len(jobs) - len(futures))  # those jobs give None

        def done() -> bool:
            return all(f.done() for f in futures) or (self._abandon and self.stopped)

        _wait(done, lambda: _drain(self._queue, on_event), self.request_stop)
        if not all(f.done() for f in futures):  # only when abandoning
            self._kill_workers()
        if self._abandoned:
            return [_finished(f) for f in futures] + unsubmitted
        return [f.result() for f in futures] + unsubmitted

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


@contextmanager
def interrupt_on_stop(should_stop: Callable[[], bool]) -> Iterator[None]:
    """While active, a stop request raises KeyboardInterrupt in this thread, as a Ctrl-C does in
    the main thread: for a task that cannot poll `should_stop` but takes a Ctrl-C as a stop (a
    whole method run, in a dask worker's thread). A watcher thread asks every STOP_POLL_S and
    raises it once (`PyThreadState_SetAsyncExc`: it arrives at the task's next Python step);
    one not yet arrived when the block ends is withdrawn, so none escapes the block later."""
    target = threading.get_ident()
    lock, done = threading.Lock(), threading.Event()

    def raise_in_target(exc: Any) -> None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), exc)

    def watch() -> None:
        while not done.wait(STOP_POLL_S):
            if should_stop():
                with lock:
                    if not done.is_set():
                        raise_in_target(ctypes.py_object(KeyboardInterrupt))
                return

    watcher = threading.Thread(target=watch, name="hemplan-stop-watch", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        with lock:
            done.set()
            raise_in_target(None)
        watcher.join()


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

            settings = {
                "distributed.worker.daemon": False,  # a task may use a process pool
                # the workers ignore SIGINT and SIGTERM (`dask_setup`): a Ctrl-C at the
                # terminal reaches the whole process group, and must stop the work through this
                # process's stop request, not kill the workers mid-task
                "distributed.worker.preload": [
                    *dask.config.get("distributed.worker.preload", []),
                    __name__,
                ],
            }
            with dask.config.set(settings):
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


def dask_setup(worker: Any) -> None:
    """Preload of the workers of a local cluster started here (dask calls it in each worker
    process as it starts): like local workers, they ignore SIGINT and SIGTERM and leave them to
    this process, which turns them into a stop request; the nanny closes them by a message, or
    SIGKILL."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


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
