#!/usr/bin/env bash
# Start a Docker engine in the background for the code-grading sandbox.
#
# Installs Debian's docker.io when dockerd is missing, then starts dockerd
# with overlay2 storage and without iptables rules or the default bridge,
# because sandbox containers run with networking disabled and need neither.
# Waits until `docker info` responds. Safe to run again: an engine that
# already answers is left alone.
#
# Environment:
#   DOCKERD_LOG      log file of dockerd (default /var/log/gradewell-dockerd.log)
#   DOCKERD_WAIT_S   seconds to wait for the engine to answer (default 60)
set -euo pipefail

log_file="${DOCKERD_LOG:-/var/log/gradewell-dockerd.log}"
wait_s="${DOCKERD_WAIT_S:-60}"

if docker info >/dev/null 2>&1; then
    echo "start-dockerd: a Docker engine already answers; nothing to do"
    exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
    echo "start-dockerd: dockerd not found; installing docker.io"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y docker.io
fi

echo "start-dockerd: starting dockerd, log in $log_file"
nohup dockerd --storage-driver=overlay2 --iptables=false --bridge=none \
    >"$log_file" 2>&1 </dev/null &
dockerd_pid=$!

for _ in $(seq "$wait_s"); do
    if docker info >/dev/null 2>&1; then
        echo "start-dockerd: engine ready (dockerd pid $dockerd_pid)"
        exit 0
    fi
    if ! kill -0 "$dockerd_pid" 2>/dev/null; then
        echo "start-dockerd: dockerd exited; last lines of $log_file:" >&2
        tail -n 30 "$log_file" >&2
        exit 1
    fi
    sleep 1
done

echo "start-dockerd: the engine did not answer within ${wait_s}s;" \
    "last lines of $log_file:" >&2
tail -n 30 "$log_file" >&2
exit 1
