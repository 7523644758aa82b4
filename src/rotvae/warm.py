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
child runs the same code the job would have run. If the client dies (Snakemake stops a
job), the worker kills the child.

Only third-party libraries are imported ahead; rotvae itself is imported by each child,
so a run always uses the code on disk."""

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


# --- the run's side: started and stopped by the Snakefile -------------------------------

class Worker:
    """A warm worker started for this process's jobs, announced in its environment."""

    def __init__(self, log_path: str | os.PathLike):
        # A short path: a Unix socket's name must fit in about 100 bytes.
        short = None if len(tempfile.gettempdir()) < 60 else "/tmp"
        self.directory = tempfile.mkdtemp(prefix="rotvae-warm-", dir=short)
        self.path = os.path.join(self.directory, "socket")
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
    (a job in its own conda environment), or when the worker cannot be reached (then
    nothing has run)."""
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
        except OSError:
            return None  # the worker forks only once it has the whole request
        reply = _receive_exactly(conn, _LENGTH.size)
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
    process that started it is gone, or after `idle_seconds` without a job. It writes a
    line per job to its standard output (the run's `results/logs/warm_worker.log`)."""
    began, parent = time.monotonic(), os.getppid()
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in PRELOAD:
        __import__(name)
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
    last_job = time.monotonic()
    try:
        while not stopping and os.getppid() == parent:
            if not jobs and time.monotonic() - last_job > idle_seconds:
                break
            for key, _ in selector.select(timeout=0.05):
                if key.fileobj is listener:
                    job = _start_job(listener, jobs)
                    if job is not None:
                        jobs[job.pid] = job
                        selector.register(job.conn, selectors.EVENT_READ, job.pid)
                    last_job = time.monotonic()
                else:  # the job's client went away: its child must not outlive it
                    _say(f"job {key.data}: its client is gone, stopping it")
                    os.kill(key.data, signal.SIGTERM)
                    selector.unregister(key.fileobj)
            _finish_jobs(jobs, selector)
    finally:
        for pid in jobs:
            os.kill(pid, signal.SIGTERM)
        listener.close()
        if os.path.exists(path):
            os.unlink(path)
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


def _start_job(listener: socket.socket, jobs: dict) -> _Job | None:
    conn, _ = listener.accept()
    conn.settimeout(10)
    fds: list[int] = []
    try:
        header, fds, _, _ = socket.recv_fds(conn, _LENGTH.size, 3)
        request = json.loads(_receive_exactly(conn, _LENGTH.unpack(header)[0]))
        if len(fds) != 3 or not isinstance(request, dict) or not (
                {"kind", "argv", "cwd", "env"} <= request.keys()):
            raise ValueError(f"not a job: {str(request)[:200]}")
    except (OSError, ValueError, TypeError, struct.error) as err:
        _say(f"refused a connection: {err}")
        for fd in fds:
            os.close(fd)
        conn.close()
        return None
    pid = os.fork()
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
    job = _Job(pid, conn, request["argv"])
    _say(f"job {pid}: {job.label}")
    return job


def _finish_jobs(jobs: dict, selector) -> None:
    """Reap finished children and send each one's exit status to its client."""
    while jobs:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
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


def _run_child(request: dict, fds: list[int]) -> int:
    """Become the job: its streams, directory, environment and arguments; run it."""
    import runpy
    import tempfile
    import traceback

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ[CHILD_ENV] = "1"
    tempfile.tempdir = None  # read TMPDIR afresh: Snakemake gives each job its own
    sys.argv = list(request["argv"])
    try:
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
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    return int(code or 0)


if __name__ == "__main__":
    serve(sys.argv[1])
