"""The smoke workflow on a real single-node SLURM cluster, through Snakemake's SLURM
executor and the workflow's SLURM profile: every job must go through SLURM (its job id
in the log, its state COMPLETED in the accounting database) and every output must equal
that of a local run. The figures are left out (`--omit-from` every plot rule): each SLURM
job starts a Snakemake of its own, so the 22 figure jobs would add most of the time again
to the other 35, and they go through SLURM exactly as the table jobs do. Starting the
cluster needs root and Debian's SLURM packages (`tests/slurm/cluster.sh install`);
without them the test is skipped with the reason."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, run_outputs, snakemake

pytestmark = pytest.mark.workflow
CLUSTER = REPO / "tests" / "slurm" / "cluster.sh"
DAEMONS = ("munged", "mariadbd", "slurmdbd", "slurmctld", "slurmd", "sbatch", "sacct")


def why_no_cluster() -> str | None:
    if os.geteuid() != 0:
        return "starting SLURM's daemons needs root"
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    missing = [d for d in DAEMONS if shutil.which(d, path=path) is None]
    if missing:
        return f"SLURM packages are missing ({', '.join(missing)}): run tests/slurm/cluster.sh install"
    if shutil.which("sinfo") and subprocess.run(["sinfo"], capture_output=True).returncode == 0:
        return "a SLURM cluster already runs on this machine; the test starts its own"
    return None


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    reason = why_no_cluster()
    if reason:
        print(f"SLURM test skipped: {reason}")  # shown with -rs and in CI's log
        pytest.skip(reason)
    state = tmp_path_factory.mktemp("slurm")
    configs = [Path("/etc/slurm") / name for name in ("slurm.conf", "slurmdbd.conf")]
    before = [path.read_bytes() if path.exists() else None for path in configs]
    try:
        subprocess.run([str(CLUSTER), "start", str(state)], check=True, capture_output=True,
                       text=True, timeout=300)
        yield state
    finally:
        subprocess.run([str(CLUSTER), "stop", str(state)], capture_output=True, timeout=120)
    # a slurm.conf left without its controller would cost every later Snakemake start
    # ~10 s (the SLURM executor plugin asks `scontrol` at import, with a 10 s timeout)
    after = [path.read_bytes() if path.exists() else None for path in configs]
    assert after == before, "cluster.sh stop must put back the SLURM configs it replaced"


def test_smoke_workflow_through_slurm_equals_a_local_run(cluster, smoke_runs, tmp_path, tool_env):
    import torch

    plots = re.findall(r"^rule (plot_\w+):", "".join(
        path.read_text() for path in (REPO / "workflow" / "rules").glob("*.smk")), flags=re.M)
    result = snakemake(
        tmp_path, tool_env, "all", "models", "--executor", "slurm", "--workflow-profile",
        str(REPO / "workflow" / "profiles" / "slurm"),
        "--slurm-init-seconds-before-status-checks", "2",  # the profile's 20 s, shortened
        "--omit-from", *plots,
    )
    log = result.stdout + result.stderr
    submitted = re.findall(r"has been submitted with SLURM jobid (\d+)", log)
    jobs = re.findall(r"^(local)?rule (\w+):", log, flags=re.M)
    local = {name for is_local, name in jobs if is_local}
    assert local <= {"all", "models"}, f"only the target rules run outside SLURM: {local}"
    assert submitted and len(submitted) == len(jobs) - len(local)
    states = subprocess.run(["sacct", "-X", "-n", "-P", "-o", "JobID,State", "-j", ",".join(submitted)],
                            capture_output=True, text=True, check=True).stdout.split()
    assert sorted(states) == sorted(f"{i}|COMPLETED" for i in submitted)

    def outputs(root, suffixes=(".npz", ".csv", ".pt")):  # data sets, tables, trained models
        return [p.relative_to(root) for p in run_outputs(root, suffixes)]

    reference = smoke_runs[0]
    produced = outputs(tmp_path)
    data_and_models = set(outputs(reference, (".npz", ".pt")))
    assert data_and_models <= set(produced) <= set(outputs(reference))
    tables = [p for p in produced if p.parts[:2] == ("results", "tables")]
    assert len(tables) >= 12  # those of the table rules (the figures' own are left out)
    for path in produced:
        if path.suffix == ".pt":
            ours, theirs = torch.load(tmp_path / path), torch.load(reference / path)
            assert all(torch.equal(ours[k], theirs[k]) for k in theirs), path
        else:
            assert (tmp_path / path).read_bytes() == (reference / path).read_bytes(), path
