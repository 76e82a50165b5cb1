#!/usr/bin/env bash
# Build the code-grading sandbox image, gradewell-sandbox:latest.
#
# Without a container registry the base image is made locally: debootstrap
# installs a minimal Debian bookworm (python3 is 3.11 there) with the
# libraries exercises may import, and `docker import` turns that directory
# into gradewell-sandbox-base:bookworm. Dockerfile then adds the harness
# and an unprivileged user. The debootstrap step is skipped while the base
# image exists, so running this again only rebuilds the small top layer.
#
# Usage: docker/sandbox/build.sh [--rebuild-base | --pull]
#   --rebuild-base  run debootstrap again even if the base image exists
#   --pull          build from Dockerfile.pull (python:3.11-slim-bookworm)
#                   on machines that can pull from a registry
#
# Environment:
#   DEBIAN_MIRROR   mirror for debootstrap (default http://deb.debian.org/debian)
#   SANDBOX_IMAGE   tag of the result (default gradewell-sandbox:latest)
set -euo pipefail

base_image="gradewell-sandbox-base:bookworm"
image="${SANDBOX_IMAGE:-gradewell-sandbox:latest}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
packages="python3,python3-flask,python3-dnspython,python3-networkx"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
harness_dir="$repo_root/graders/harness"

mode="local"
rebuild_base=0
for arg in "$@"; do
    case "$arg" in
        --rebuild-base) rebuild_base=1 ;;
        --pull) mode="pull" ;;
        *) echo "build.sh: unknown option: $arg" >&2; exit 2 ;;
    esac
done

fail() {
    echo "build.sh: $*" >&2
    exit 1
}

# Temporary directories this script made; only these are removed on exit.
work_dirs=()
cleanup() {
    for dir in "${work_dirs[@]}"; do
        rm -rf --one-file-system "$dir"
    done
}
trap cleanup EXIT

build_base() {
    if ! command -v debootstrap >/dev/null 2>&1; then
        echo "build.sh: debootstrap not found; installing it"
        DEBIAN_FRONTEND=noninteractive apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap
    fi
    local rootfs
    rootfs="$(mktemp -d /tmp/gradewell-rootfs.XXXXXX)"
    work_dirs+=("$rootfs")

    echo "build.sh: debootstrap bookworm into $rootfs from $mirror"
    debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" "$mirror" \
        || fail "debootstrap failed; see $rootfs/debootstrap/debootstrap.log"

    # Package lists and caches only make the image larger.
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
        "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/debootstrap

    echo "build.sh: importing $rootfs as $base_image"
    tar -C "$rootfs" --numeric-owner -c . \
        | docker import --change "LABEL org.gradewell.sandbox-base=1" - "$base_image" \
            >/dev/null \
        || fail "docker import of the bookworm root filesystem failed"
}

docker info >/dev/null 2>&1 \
    || fail "no Docker engine answers; start one with docker/start-dockerd.sh"
[ -f "$harness_dir/supervisor.py" ] \
    || fail "harness not found at $harness_dir/supervisor.py"

started_at=$SECONDS

if [ "$mode" = "local" ]; then
    dockerfile="$script_dir/Dockerfile"
    if [ "$rebuild_base" = 1 ] || ! docker image inspect "$base_image" >/dev/null 2>&1; then
        build_base
    else
        echo "build.sh: $base_image exists; skipping debootstrap"
    fi
else
    dockerfile="$script_dir/Dockerfile.pull"
fi

# A small build context: the Dockerfile and the harness, nothing else of
# the repository (no exercise banks, no settings).
context="$(mktemp -d /tmp/gradewell-context.XXXXXX)"
work_dirs+=("$context")
cp "$dockerfile" "$context/Dockerfile"
mkdir "$context/harness"
cp "$harness_dir"/*.py "$context/harness/"

# The worker compares this label with its own harness files and refuses an
# image built from other ones (graders/sandbox/docker_backend.py).
harness_sha256="$(cd "$harness_dir" && for file in $(LC_ALL=C ls -- *.py); do
    printf '%s\n' "$file"
    cat -- "$file"
done | sha256sum | cut -d' ' -f1)"

echo "build.sh: building $image from $(basename "$dockerfile")"
docker build --tag "$image" --label "org.gradewell.harness-sha256=$harness_sha256" \
    "$context" || fail "docker build failed"

# Earlier builds that lost their tag are only dead weight.
docker image prune --force --filter "label=org.gradewell.harness-sha256" >/dev/null
docker image prune --force --filter "label=org.gradewell.sandbox-base" >/dev/null

echo "build.sh: built $image in $((SECONDS - started_at))s"
