#!/usr/bin/env bash
# A single-node SLURM cluster with job accounting (slurmdbd + MariaDB) on this machine,
# for tests/test_slurm.py. Needs root and Debian's slurmctld, slurmd, slurmdbd,
# slurm-client, munge and mariadb-server (`install` fetches them with apt).
#   cluster.sh install         apt-get install the packages
#   cluster.sh start STATE     write the configs, start every daemon, wait until the node is idle
#   cluster.sh stop STATE      stop the daemons that `start` started and put back the
#                              configs it replaced: a slurm.conf left behind without its
#                              controller makes every later Snakemake start wait ~10 s
#                              (the SLURM executor plugin asks `scontrol` at import)
set -euo pipefail
PACKAGES="slurmctld slurmd slurmdbd slurm-client munge mariadb-server"
CONFIGS="slurm.conf slurmdbd.conf"  # what `start` writes under /etc/slurm

install() {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PACKAGES >/dev/null
}

wait_for() {  # wait_for SECONDS COMMAND...: retry COMMAND until it succeeds
    local limit=$1
    shift
    for _ in $(seq "$limit"); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 1
    done
    echo "timed out waiting for: $*" >&2
    return 1
}

start() {
    local state=$1 host cpus mem
    host=$(hostname -s)
    cpus=$(nproc)
    mem=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 2048))
    mkdir -p "$state"/{spool,ctld,log,etc} /etc/slurm /run/munge
    for conf in $CONFIGS; do  # kept for `stop` to put back
        if [ -e "/etc/slurm/$conf" ]; then cp -p "/etc/slurm/$conf" "$state/etc/"; fi
    done
    touch "$state/etc/.saved"
    # munge: one key, the daemon as its own user
    [ -s /etc/munge/munge.key ] || mungekey --create --keyfile /etc/munge/munge.key
    chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
    chmod 400 /etc/munge/munge.key
    runuser -u munge -- munged --pid-file /run/munge/rotvae.pid
    echo /run/munge/rotvae.pid >>"$state/pids"
    # MariaDB for the accounting database that sacct reads
    mkdir -p /run/mysqld
    chown mysql:mysql /run/mysqld
    mariadbd --user=mysql --pid-file=/run/mysqld/rotvae.pid \
        --log-error=/run/mysqld/rotvae.err >/dev/null 2>&1 &
    wait_for 60 mysqladmin ping
    echo /run/mysqld/rotvae.pid >>"$state/pids"
    mysql -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db;
              CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'slurm';
              GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"
    cat >/etc/slurm/slurmdbd.conf <<CONF
AuthType=auth/munge
DbdHost=localhost
SlurmUser=root
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=slurm
StoragePass=slurm
StorageLoc=slurm_acct_db
LogFile=$state/log/slurmdbd.log
PidFile=$state/slurmdbd.pid
CONF
    chmod 600 /etc/slurm/slurmdbd.conf
    cat >/etc/slurm/slurm.conf <<CONF
ClusterName=rotvae
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MinJobAge=600
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    slurmdbd
    wait_for 60 sacctmgr -n list cluster
    sacctmgr -i add cluster rotvae >/dev/null 2>&1 || true
    # An account for the submitting user, as a site would have (the executor looks it up).
    sacctmgr -i add account rotvae cluster=rotvae >/dev/null 2>&1 || true
    sacctmgr -i add user "$(id -un)" account=rotvae cluster=rotvae >/dev/null 2>&1 || true
    slurmctld
    slurmd
    for daemon in slurmdbd slurmctld slurmd; do echo "$state/$daemon.pid" >>"$state/pids"; done
    wait_for 60 bash -c "sinfo -h -o %t | grep -qx idle"
}

stop() {
    local state=$1
    if [ -f "$state/pids" ]; then
        # Reverse order: slurm daemons before the database and munge they talk to.
        tac "$state/pids" | while read -r pidfile; do
            [ -f "$pidfile" ] || continue
            pid=$(cat "$pidfile" 2>/dev/null) || continue  # gone: so is its daemon
            kill "$pid" 2>/dev/null || continue
            for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
        done
        rm -f "$state/pids"
    fi
    if [ -f "$state/etc/.saved" ]; then
        for conf in $CONFIGS; do
            if [ -e "$state/etc/$conf" ]; then
                cp -p "$state/etc/$conf" /etc/slurm/
            else
                rm -f "/etc/slurm/$conf"
            fi
        done
        rm -f "$state/etc/.saved"
    fi
}

"$@"
