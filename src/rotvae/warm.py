"""A warm worker for the workflow's jobs on one machine.

Each job of the workflow is a fresh Python process, and at toy size most of its time is
imports: torch alone takes over a second, and a training job also pays for torch's
compiler (which the optimiser imports) and scikit-learn. The warm worker imports those
libraries once and forks a child for each job that asks, so the job starts with them
loaded. It serves one `snakemake` run (the Snakefile starts it in `onstart` and stops it
at the end) and only jobs on the same machine: a job that finds no worker, as on a
cluster node, runs as it always did.

A job hands itself over from its first lines (`rotvae` on the command line, `start` in a
workflow script): it connects to the worker's socket, passes its standard streams,
working directory, environment and arguments, and exits with the child's status. The
child becomes the job as far as the job can tell: its streams, directory, environment,
`sys.argv` and `sys.path[0]`, the thread limits Snakemake gave it (torch, BLAS and
OpenMP, which read them only when they load), fresh NumPy entropy, Ctrl-C as
KeyboardInterrupt, and its own `atexit` handlers. If the client dies (Snakemake stops a
job), the worker stops the child. What a fork cannot change is read once by the
worker's interpreter: PYTHONHASHSEED, PYTHONPATH, PYTHONWARNINGS and the like.

Only third-party libraries are imported ahead (of rotvae, only this module and the
package's version): each child imports rotvae's modules itself, so a run always uses the
code on disk."""

from __future__ import annotations

import json
import os
import re
import selectors
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

SOCKET_ENV = "ROTVAE_WARM_SOCKET"
PREFIX_ENV = "ROTVAE_WARM_PREFIX"  # the worker's Python environment
CHILD_ENV = "ROTVAE_WARM_CHILD"
PRELOAD = ("numpy", "scipy.optimize", "scipy.ndimage", "torch", "torch._dynamo", "pyro",
           "pyro.infer", "pyro.optim", "pandas", "matplotlib.pyplot", "seaborn",
           "sklearn.metrics", "sklearn.ensemble", "sklearn.tree", "xgboost", "tqdm")
_LENGTH = struct.Struct("!I")
_ACCEPTED = b"A"  # the worker has forked the job's child: from here on, the job is the child


# --- the run's side: started and stopped by the Snakefile -------------------------------

class Worker:
    """A warm worker started for this process's jobs, announced in its environment."""

    def __init__(self, log_path: str | os.PathLike):
        # A short path: a Unix socket's name must fit in about 100 bytes.
        short = None if len(tempfile.gettempdir()) < 60 else "/tmp"
        self.directory = tempfile.mkdtemp(prefix="rotvae-warm-", dir=short)
        self.path = os.path.join(self.directory, "socket")
        self.log_path = log_path
        os.makedirs(os.path.dirname(os.path.abspath(log_path)), exist_ok=True)
        with open(log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "rotvae.warm", self.path],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        os.environ[SOCKET_ENV] = self.path
        os.environ[PREFIX_ENV] = sys.prefix

    def stop(self) -> None:
        for name in (SOCKET_ENV, PREFIX_ENV):
            os.environ.pop(name, None)
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


# --- the job's side ---------------------------------------------------------------------

def hand_over(kind: str, argv: list[str]) -> int | None:
    """Run this job in the warm worker; its exit status, or None to run it here.

    None when no worker is announced in the environment, when this process already is
    a worker's child, when the worker runs another Python environment than this job
    (a job in its own conda environment), or when the worker does not take the job
    (gone, stopping, or unable to fork): then nothing has run."""
    path = os.environ.get(SOCKET_ENV)
    if (not path or os.environ.get(CHILD_ENV)
            or os.environ.get(PREFIX_ENV) != sys.prefix):
        return None
    request = json.dumps({"kind": kind, "argv": argv, "cwd": os.getcwd(),
                          "env": dict(os.environ)}).encode()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        try:
            conn.connect(path)
            socket.send_fds(conn, [_LENGTH.pack(len(request))], [0, 1, 2])
            conn.sendall(request)
            if _receive_exactly(conn, len(_ACCEPTED)) != _ACCEPTED:
                return None
        except OSError:
            return None
        try:
            reply = _receive_exactly(conn, _LENGTH.size)
        except OSError:
            reply = None
    if reply is None:
        print("rotvae: the warm worker stopped before this job finished", file=sys.stderr)
        return 1
    return _LENGTH.unpack(reply)[0]


def _receive_exactly(conn: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


# --- the worker's side ------------------------------------------------------------------

def serve(path: str, idle_seconds: float = 600.0) -> None:
    """Import the libraries, then fork a child per request until told to stop.

    The socket appears only once the imports are done, so that jobs started meanwhile
    run on their own instead of waiting. The worker stops on SIGTERM or SIGINT, when the
    process that started it is gone, or after `idle_seconds` with no job running. It
    writes a line per job to its standard output (the run's
    `results/logs/warm_worker.log`)."""
    began, parent = time.monotonic(), os.getppid()
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError as err:  # an optional library: its jobs import it themselves
            _say(f"not preloaded: {name} ({err})")
    stopping = []
    # Ctrl-C reaches the worker too (it shares the run's process group): stop cleanly.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.append(True))
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    tmp = f"{path}.{os.getpid()}"
    listener.bind(tmp)
    listener.listen(64)
    os.replace(tmp, path)  # the socket's name appears only when it accepts jobs
    _say(f"ready after {time.monotonic() - began:.1f} s of imports")
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    jobs: dict[int, _Job] = {}
    idle_since = time.monotonic()
    try:
        while not stopping and os.getppid() == parent:
            if not jobs and time.monotonic() - idle_since > idle_seconds:
                break
            for key, _ in selector.select(timeout=0.05):
                if key.fileobj is listener:
                    job = _start_job(listener, jobs)
                    if job is not None:
                        jobs[job.pid] = job
                        selector.register(job.conn, selectors.EVENT_READ, job.pid)
                else:  # the job's client went away: its child must not outlive it
                    _say(f"job {key.data}: its client is gone, stopping it")
                    os.kill(key.data, signal.SIGTERM)
                    selector.unregister(key.fileobj)
            if _finish_jobs(jobs, selector):
                idle_since = time.monotonic()
    finally:
        # No new jobs: a client still in the queue sees its connection refused before
        # it was accepted, and runs its job itself.
        if os.path.exists(path):
            os.unlink(path)
        listener.close()
        _stop_jobs(jobs)
        try:
            os.rmdir(os.path.dirname(path))  # the Worker's folder, if nothing else is there
        except OSError:
            pass
        _say("stopped")


class _Job:
    def __init__(self, pid: int, conn: socket.socket, argv: list[str]):
        self.pid, self.conn, self.started = pid, conn, time.monotonic()
        # A script job's argv[0] is Snakemake's copy, .snakemake/scripts/tmpXXXX.name.py
        self.label = " ".join(re.sub(r"^tmp\w+\.", "", os.path.basename(arg))
                              for arg in argv[:2])


def _say(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def _read_request(conn: socket.socket) -> tuple[dict, list[int]]:
    """The job's request and its three stream fds; ValueError if it is not one."""
    # Our clients send at once; the timeout only bounds a stuck one's hold on the loop.
    conn.settimeout(2)
    fds: list[int] = []
    try:
        header, fds, _, _ = socket.recv_fds(conn, _LENGTH.size, 3)
        body = _receive_exactly(conn, _LENGTH.unpack(header)[0])
        request = json.loads(body) if body is not None else None
        valid = (len(fds) == 3 and isinstance(request, dict)
                 and request.get("kind") in ("cli", "script")
                 and isinstance(request.get("cwd"), str)
                 and isinstance(request.get("argv"), list) and request["argv"]
                 and all(isinstance(arg, str) for arg in request["argv"])
                 and isinstance(request.get("env"), dict)
                 and all(isinstance(k, str) and isinstance(v, str)
                         for k, v in request["env"].items()))
        if not valid:
            raise ValueError(f"not a job: {str(request)[:200]}")
    except (OSError, ValueError, TypeError, struct.error) as err:
        for fd in fds:
            os.close(fd)
        raise ValueError(str(err)) from None
    return request, fds


def _start_job(listener: socket.socket, jobs: dict) -> _Job | None:
    try:
        conn, _ = listener.accept()
    except OSError as err:  # out of file descriptors, say: the client runs its job itself
        _say(f"could not accept a job: {err}")
        return None
    try:
        request, fds = _read_request(conn)
    except ValueError as err:
        _say(f"refused a connection: {err}")
        conn.close()
        return None
    try:
        pid = os.fork()
    except OSError as err:
        _say(f"could not fork for {request['argv'][:2]}: {err}")
        pid = None
    if pid == 0:
        listener.close()
        for job in jobs.values():
            job.conn.close()
        conn.close()
        code = 1
        try:
            code = _run_child(request, fds)
        finally:
            os._exit(code)  # never return into the worker's loop
    for fd in fds:
        os.close(fd)
    if pid is None:
        conn.close()
        return None
    job = _Job(pid, conn, request["argv"])
    try:
        conn.sendall(_ACCEPTED)
    except OSError:
        pass  # its client is gone: the loop sees that and stops the child
    _say(f"job {pid}: {job.label}")
    return job


def _finish_jobs(jobs: dict, selector) -> bool:
    """Reap finished children and send each one's exit status to its client; whether
    any finished."""
    finished = False
    while jobs:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
        finished = True
        job = jobs.pop(pid)
        code = os.waitstatus_to_exitcode(status)
        code = code if code >= 0 else 128 - code  # killed by signal n: 128 + n, as a shell
        _say(f"job {pid}: {job.label} exited {code} after "
             f"{time.monotonic() - job.started:.1f} s")
        try:
            job.conn.sendall(_LENGTH.pack(code))
        except OSError:
            pass  # the client is gone already
        try:
            selector.unregister(job.conn)
        except (KeyError, ValueError):
            pass  # unregistered when its client went away
        job.conn.close()
    return finished


def _stop_jobs(jobs: dict, grace_seconds: float = 10.0) -> None:
    """SIGTERM the children still running; SIGKILL those that outlast the grace."""
    for pid in jobs:
        os.kill(pid, signal.SIGTERM)  # unreaped, so the pid is still this child's
    deadline = time.monotonic() + grace_seconds
    while jobs and time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)
        else:
            jobs.pop(pid, None)
    for pid in jobs:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _run_child(request: dict, fds: list[int]) -> int:
    """Become the job: its streams, directory, environment, arguments and thread limits;
    run it; then what the interpreter would do at its exit."""
    import atexit
    import runpy
    import threading
    import traceback

    atexit._clear()  # the worker's handlers are the worker's; the job registers its own
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for sig in (signal.SIGTERM, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    code = 1
    try:
        # New stream objects: the worker's are block-buffered for its log file, where a
        # job writing to a terminal expects lines.
        sys.stdout = open(1, "w", buffering=1 if os.isatty(1) else -1, closefd=False)
        sys.stderr = open(2, "w", buffering=1, closefd=False, errors="backslashreplace")
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ[CHILD_ENV] = "1"
        _take_thread_limits()
        tempfile.tempdir = None  # read TMPDIR afresh: Snakemake gives each job its own
        import numpy

        numpy.random.seed()  # a fork copies the worker's state; a fresh process has its own
        sys.argv = list(request["argv"])
        sys.path[0] = os.path.dirname(os.path.abspath(sys.argv[0]))
        if request["kind"] == "cli":
            from .cli import main

            code = main(sys.argv[1:])
        else:
            runpy.run_path(sys.argv[0], run_name="__main__")
            code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if not isinstance(stop.code, (int, type(None))):
            print(stop.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
        code = 1
    for thread in threading.enumerate():  # as the interpreter waits at its exit
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    return int(code or 0)


def _take_thread_limits() -> None:
    """Apply the job's thread count (OMP_NUM_THREADS, set by Snakemake from the rule's
    threads) to the libraries the worker loaded: they read it only when they load."""
    threads = os.environ.get("OMP_NUM_THREADS", "")
    if not threads.isdigit() or int(threads) < 1:
        return
    import threadpoolctl
    import torch

    torch.set_num_threads(int(threads))
    threadpoolctl.threadpool_limits(int(threads))


if __name__ == "__main__":
    serve(sys.argv[1])
