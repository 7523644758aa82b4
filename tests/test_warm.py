"""The warm worker (rotvae.warm): a job handed over runs as it would have on its own,
passes its exit status and streams through, dies with its client, and a job that finds
no worker runs by itself."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rotvae import warm


def wait_for(condition, seconds=60.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return False


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
    except (FileNotFoundError, ProcessLookupError):  # gone before or while reading
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    """One worker for this module's tests (its imports take seconds)."""
    saved = {name: os.environ.get(name) for name in (warm.SOCKET_ENV, warm.PREFIX_ENV)}
    started = warm.Worker(tmp_path_factory.mktemp("warm") / "worker.log")
    assert wait_for(lambda: os.path.exists(started.path)), "the worker never got ready"
    yield started
    started.stop()
    for name, value in saved.items():
        if value is not None:
            os.environ[name] = value


def job_env(tool_env, served: bool) -> dict:
    env = dict(tool_env)
    for name in (warm.SOCKET_ENV, warm.PREFIX_ENV):
        env.pop(name, None)
        if served:
            env[name] = os.environ[name]
    return env


def test_a_job_without_a_reachable_worker_runs_by_itself(monkeypatch, tmp_path):
    for name in (warm.SOCKET_ENV, warm.PREFIX_ENV, warm.CHILD_ENV):
        monkeypatch.delenv(name, raising=False)
    assert warm.hand_over("cli", ["rotvae"]) is None
    monkeypatch.setenv(warm.SOCKET_ENV, str(tmp_path / "no-such-socket"))
    monkeypatch.setenv(warm.PREFIX_ENV, sys.prefix)
    assert warm.hand_over("cli", ["rotvae"]) is None


def test_a_job_in_another_environment_or_in_a_child_is_not_handed_over(worker, monkeypatch):
    monkeypatch.setenv(warm.PREFIX_ENV, "/some/conda/env")
    assert warm.hand_over("cli", ["rotvae", "--help"]) is None
    monkeypatch.setenv(warm.PREFIX_ENV, sys.prefix)
    monkeypatch.setenv(warm.CHILD_ENV, "1")
    assert warm.hand_over("cli", ["rotvae", "--help"]) is None


def test_a_served_cli_job_writes_what_it_writes_alone(worker, tool_env, tmp_path):
    args = ["rotvae", "make-cards", "--per-class", "6", "--angle", "60", "--seed", "3"]
    for served in (True, False):
        out = tmp_path / f"{served}.npz"
        result = subprocess.run([*args, "--out", str(out)], env=job_env(tool_env, served),
                                capture_output=True, text=True, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert f"wrote {out}" in result.stderr  # its log went to the client's stderr
    assert (tmp_path / "True.npz").read_bytes() == (tmp_path / "False.npz").read_bytes()
    assert "rotvae make-cards exited 0" in Path(worker.log_path).read_text()
    bad = subprocess.run(["rotvae", "make-cards", "--per-class", "0", "--out",
                          str(tmp_path / "bad.npz")], env=job_env(tool_env, True),
                         capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 2 and "per_class" in bad.stderr
    assert not (tmp_path / "bad.npz").exists()
    assert "rotvae make-cards exited 2" in Path(worker.log_path).read_text()


HAND_OVER = ("import sys; from rotvae.warm import hand_over; "
             "sys.exit(hand_over('script', sys.argv[1:]))")


def run_script(source: str, tmp_path, env, *args) -> subprocess.CompletedProcess:
    script = tmp_path / "job.py"
    script.write_text(source)
    return subprocess.run([sys.executable, "-c", HAND_OVER, str(script), *args], env=env,
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)


def test_a_served_script_gets_its_arguments_directory_and_environment(worker, tool_env,
                                                                      tmp_path):
    source = ("import os, sys\n"
              "print(sys.argv[1:], os.getcwd(), os.environ['JOB_VALUE'],\n"
              "      'torch' in sys.modules)\n"
              "sys.exit(int(sys.argv[1]))\n")
    result = run_script(source, tmp_path, job_env(tool_env, True) | {"JOB_VALUE": "seen"},
                        "7")
    assert result.returncode == 7, result.stderr
    # torch came imported: the job ran in the worker, not in the client
    assert result.stdout.strip() == f"['7'] {tmp_path} seen True"


def test_a_served_job_gets_the_thread_limits_snakemake_set(worker, tool_env, tmp_path):
    """BLAS, OpenMP and torch read their thread counts when they load, which in the
    worker was before the job's limits were known."""
    source = ("import threadpoolctl, torch, numpy\n"
              "print(torch.get_num_threads(), sorted({info['num_threads'] for info in\n"
              "      threadpoolctl.threadpool_info()}))\n")
    limits = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                     "MKL_NUM_THREADS")}
    served = run_script(source, tmp_path, job_env(tool_env, True) | limits)
    assert served.returncode == 0, served.stderr
    assert served.stdout.split(None, 1) == ["1", "[1]\n"], served.stdout


def test_ctrl_c_and_exit_handlers_reach_a_served_job(worker, tool_env, tmp_path):
    """A job cleans up (atomic writes remove their part files) on KeyboardInterrupt and
    runs its atexit handlers, as it would by itself."""
    pid_file, cleaned, at_exit = tmp_path / "pid", tmp_path / "cleaned", tmp_path / "exit"
    source = (f"import atexit, os, time\n"
              f"atexit.register(lambda: open({str(at_exit)!r}, 'w').close())\n"
              f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
              f"try:\n    time.sleep(60)\n"
              f"finally:\n    open({str(cleaned)!r}, 'w').close()\n")
    script = tmp_path / "job.py"
    script.write_text(source)
    client = subprocess.Popen([sys.executable, "-c", HAND_OVER, str(script)],
                              env=job_env(tool_env, True), stderr=subprocess.PIPE, text=True)
    assert wait_for(lambda: pid_file.exists() and pid_file.read_text())
    os.kill(int(pid_file.read_text()), signal.SIGINT)
    _, stderr = client.communicate(timeout=30)
    assert client.returncode == 1 and "KeyboardInterrupt" in stderr
    assert cleaned.exists() and at_exit.exists()


def test_a_job_the_worker_does_not_take_runs_by_itself(tmp_path, monkeypatch):
    """A worker that closes the connection before taking the job (it is stopping, or
    cannot fork) leaves the job to run by itself, not to fail."""
    import socket
    import threading

    path = str(tmp_path / "s")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)

    def refuse():
        conn, _ = listener.accept()
        socket.recv_fds(conn, 4, 3)
        conn.close()

    refuser = threading.Thread(target=refuse)
    refuser.start()
    monkeypatch.setenv(warm.SOCKET_ENV, path)
    monkeypatch.setenv(warm.PREFIX_ENV, sys.prefix)
    monkeypatch.delenv(warm.CHILD_ENV, raising=False)
    assert warm.hand_over("cli", ["rotvae", "--help"]) is None
    refuser.join(10)
    listener.close()


def test_a_malformed_request_does_not_stop_the_worker(worker, tool_env, tmp_path):
    import json
    import socket

    for body in (b"not json", json.dumps({"kind": "cli", "argv": [1], "cwd": "/",
                                          "env": {}}).encode()):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(worker.path)
            socket.send_fds(conn, [len(body).to_bytes(4, "big")], [0, 1, 2])
            conn.sendall(body)
            assert conn.recv(1) == b""  # refused, nothing ran
    assert worker.process.poll() is None
    result = run_script("import sys; sys.exit(3)\n", tmp_path, job_env(tool_env, True))
    assert result.returncode == 3


def test_a_job_whose_client_is_killed_is_stopped(worker, tool_env, tmp_path):
    script = tmp_path / "sleeper.py"
    pid_file = tmp_path / "pid"
    script.write_text(f"import os, time\n"
                      f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
                      "time.sleep(120)\n")
    client = subprocess.Popen([sys.executable, "-c", HAND_OVER, str(script)],
                              env=job_env(tool_env, True))
    assert wait_for(lambda: pid_file.exists() and pid_file.read_text())
    child = int(pid_file.read_text())
    assert child != client.pid and alive(child)
    client.send_signal(signal.SIGTERM)
    client.wait(timeout=10)
    assert wait_for(lambda: not alive(child), seconds=10), "the job outlived its client"


def test_a_stopped_worker_leaves_nothing_behind(tmp_path, monkeypatch):
    for name in (warm.SOCKET_ENV, warm.PREFIX_ENV):
        monkeypatch.delenv(name, raising=False)
    started = warm.Worker(tmp_path / "logs" / "worker.log")
    assert os.environ[warm.SOCKET_ENV] == started.path
    assert wait_for(lambda: os.path.exists(started.path))
    started.stop()
    assert started.process.returncode is not None
    assert not os.path.exists(started.directory)
    assert warm.SOCKET_ENV not in os.environ
    assert "stopped" in (tmp_path / "logs" / "worker.log").read_text()


def test_a_worker_whose_run_died_stops_by_itself(tmp_path, tool_env):
    """Snakemake killed outright never runs its `onerror`: the worker must notice."""
    code = ("import os, sys, time; from rotvae.warm import Worker\n"
            f"w = Worker({str(tmp_path / 'worker.log')!r})\n"
            "print(w.process.pid, flush=True)\n"
            "while not os.path.exists(w.path): time.sleep(0.05)\n"
            "os._exit(0)\n")
    run = subprocess.run([sys.executable, "-c", code], env=tool_env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert wait_for(lambda: not alive(int(run.stdout)), seconds=10)
