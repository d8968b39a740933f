#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for trying `make sweep SCHEDULER=slurm`
# on a laptop (and for the test that does): Debian's slurm-wlm and munge, as root.
#
#   scripts/slurm-one-node.sh start DIR   # config, key, state and logs in DIR; starts
#                                         # munged, slurmctld and slurmd; prints the export
#   export SLURM_CONF=DIR/slurm.conf      # then sbatch, squeue and make sweep use it
#   scripts/slurm-one-node.sh stop DIR    # stops the three daemons it started (by pid)
#
# Everything lives in DIR: its own munge key and socket, ports chosen free,
# state and spool directories; nothing in /etc is touched or read but the
# packages' plugins. On a real cluster none of this is needed: the site runs
# Slurm, and make sweep SCHEDULER=slurm only calls sbatch and squeue.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)

stop() {
  for daemon in slurmd slurmctld munged; do
    if [ -f "$dir/$daemon.pid" ]; then
      pid=$(cat "$dir/$daemon.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
      rm -f "$dir/$daemon.pid"
    fi
  done
}

case $action in
stop) stop; exit 0 ;;
start) ;;
*) usage ;;
esac

[ "$(id -u)" = 0 ] || { echo "$0: the one-node cluster runs its daemons as root; run it as root" >&2; exit 1; }
for program in munged slurmctld slurmd sbatch squeue; do
  command -v "$program" >/dev/null || { echo "$0: $program is missing: apt-get install slurm-wlm munge" >&2; exit 1; }
done

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo "$1"
}
host=$(hostname -s)
cpus=$(nproc)
ctld_port=$(free_port 6817)
slurmd_port=$(free_port 6818)
while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(free_port 6818); done
chmod 755 "$dir"
mkdir -p "$dir/state" "$dir/spool"

# munge: a key of our own, if there is none yet, and a socket in DIR.
if [ ! -s "$dir/munge.key" ]; then
  dd if=/dev/urandom of="$dir/munge.key" bs=1 count=1024 2>/dev/null
fi
chmod 600 "$dir/munge.key"

cat > "$dir/slurm.conf" <<EOF
# One-node Slurm for GridGRPO sweeps, written by scripts/slurm-one-node.sh.
ClusterName=gridgrpo
SlurmctldHost=$host
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,default_queue_depth=1000
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
MinJobAge=60
MaxArraySize=4001
MaxJobCount=20000
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

# Daemons start with no signal blocked (a parent such as a test runner's
# thread may block SIGTERM, which children inherit), with their standard
# streams on /dev/null (they log to DIR) and no other descriptor inherited
# (a parent may watch one to learn when its child and all it started are
# gone), so whoever started this script is not kept waiting.
daemon() {
  if command -v python3 >/dev/null; then
    python3 -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_SETMASK, [])
os.closerange(3, os.sysconf("SC_OPEN_MAX"))
os.execvp(sys.argv[1], sys.argv[1:])' "$@"
  else
    "$@"
  fi </dev/null >/dev/null 2>&1
}

stop
daemon munged --force --socket="$dir/munge.socket" --key-file="$dir/munge.key" --log-file="$dir/munged.log" \
  --pid-file="$dir/munged.pid" --seed-file="$dir/munged.seed"
export SLURM_CONF=$dir/slurm.conf
daemon slurmctld -f "$SLURM_CONF"
daemon slurmd -f "$SLURM_CONF" -N "$host"
for _ in $(seq 100); do
  if sinfo -h -o '%t' 2>/dev/null | grep -q '^idle'; then
    echo "export SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 0.2
done
echo "$0: the node did not come up within 20 s; see $dir/slurmctld.log and $dir/slurmd.log" >&2
exit 1
