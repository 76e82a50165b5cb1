"""Benchmark sandboxed code grading end to end, through the REST API.

Starts a web server and Celery sandbox workers on a throw-away SQLite
database and broker, sends a batch of CPU-bound code submissions through
the API, and reports, for 1 and then 2 worker processes:

- latency from submit to graded (p50 and p95), from the API's timestamps;
- throughput in gradings per second, and the batch's wall time;
- the speedup T(1 worker) / T(2 workers);

and, measured in the same run, the sandbox's own cost for a trivial
program next to a bare ``docker run --rm IMAGE true``.

Usage: .venv/bin/python bench/grading_bench.py [--submissions N] [--work N]
Needs a running Docker engine and the sandbox image (make sandbox-image).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]

# The student's answer: a function that burns CPU for a while, so that the
# batch measures parallel grading rather than container start-up alone.
CPU_BOUND_SOURCE = """
def busy(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--submissions", type=int, default=16, help="submissions per batch"
    )
    parser.add_argument(
        "--work",
        type=int,
        default=3_000_000,
        help="loop iterations in each submission's code (about 1 s per 5e6)",
    )
    parser.add_argument(
        "--docker-samples", type=int, default=10, help="runs of each start-up probe"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="gradewell-bench-"))
    env = bench_environment(workdir)
    os.environ.update(env)
    try:
        run_benchmark(args, env, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def bench_environment(workdir: Path) -> dict[str, str]:
    return {
        "DEBUG": "1",
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "console",
        "GRADEWELL_VAR_DIR": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "CELERY_BROKER_URL": f"sqla+sqlite:///{workdir / 'broker.sqlite3'}",
        "GRADEWELL_SANDBOX_BACKEND": "docker",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)]),
    }


def run_benchmark(args: argparse.Namespace, env: dict[str, str], workdir: Path) -> None:
    manage(env, "migrate", "--no-input", "-v0")
    token, assignment_id, slug = prepare_data(args.work)

    port = free_port()
    server = start_process(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env,
        workdir / "web.log",
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz")
        results = {}
        for concurrency in (1, 2):
            results[concurrency] = run_batch(
                port,
                token,
                slug,
                assignment_id,
                args.submissions,
                concurrency,
                env,
                workdir,
            )
    finally:
        stop_process(server)

    docker_true = time_docker_true(args.docker_samples)
    sandbox_trivial = time_trivial_sandbox_run(args.docker_samples)
    report(args, results, docker_true, sandbox_trivial)


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True
    )


def prepare_data(work: int) -> tuple[str, int, str]:
    """Create a code exercise, a course, an open assignment and a student."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradewell.settings")
    django.setup()
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from exercises.definition import ExerciseDefinition
    from gradewell.accounts.models import User
    from gradewell.courses.models import (
        Assignment,
        AssignmentExercise,
        Course,
        Enrollment,
    )
    from gradewell.exercises.models import Exercise
    from gradewell.exercises.services import do_sync_bank

    definition = ExerciseDefinition(
        slug="bench-busy-loop",
        title="Busy loop",
        topic="parallel-computing",
        kind="python_function",
        points=1,
        statement="Return the checksum of a busy loop.",
        grading={
            "function": "busy",
            "cases": [
                {"args": [work], "expected": sum(i * i % 7 for i in range(work))}
            ],
            "limits": {"case_time_s": 30, "wall_time_s": 60},
        },
    )
    do_sync_bank([definition], deactivate_missing=False)
    now = timezone.now()
    course = Course.objects.create(title="Bench", code="bench")
    assignment = Assignment.objects.create(
        course=course,
        title="Bench",
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(days=1),
    )
    AssignmentExercise.objects.create(
        assignment=assignment, exercise=Exercise.objects.get(slug=definition.slug)
    )
    student = User.objects.create_user(username="bench-student", password="x")
    Enrollment.objects.create(user=student, course=course)
    return str(AccessToken.for_user(student)), assignment.pk, definition.slug


def run_batch(
    port: int,
    token: str,
    slug: str,
    assignment_id: int,
    count: int,
    concurrency: int,
    env: dict[str, str],
    workdir: Path,
) -> dict[str, float]:
    worker = start_process(
        [
            sys.executable,
            "-m",
            "celery",
            "--app",
            "gradewell",
            "worker",
            "--queues",
            "sandbox",
            "--concurrency",
            str(concurrency),
            "--hostname",
            f"bench{concurrency}@%h",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        env,
        workdir / f"worker-{concurrency}.log",
    )
    try:
        time.sleep(5)  # Let the worker connect before the batch starts.
        base = f"http://127.0.0.1:{port}/api/v1"
        ids = [
            api(
                base + "/submissions",
                token,
                {
                    "exercise": slug,
                    "answer": CPU_BOUND_SOURCE,
                    "assignment": assignment_id,
                },
            )["id"]
            for _ in range(count)
        ]
        finished = wait_for_grading(base, token, ids)
    finally:
        stop_process(worker)

    created = [parse_time(item["created_at"]) for item in finished]
    graded = [parse_time(item["graded_at"]) for item in finished]
    latencies = sorted(g - c for g, c in zip(graded, created, strict=True))
    wall = max(graded) - min(created)
    verdicts = {item["verdict"] for item in finished}
    return {
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "wall": wall,
        "throughput": count / wall,
        "all_passed": float(verdicts == {"passed"}),
    }


def wait_for_grading(base: str, token: str, ids: list[str]) -> list[dict]:
    deadline = time.monotonic() + 1800
    pending = set(ids)
    done: dict[str, dict] = {}
    while pending and time.monotonic() < deadline:
        for submission_id in list(pending):
            body = api(f"{base}/submissions/{submission_id}", token)
            if body["status"] in ("graded", "error"):
                done[submission_id] = body
                pending.discard(submission_id)
        time.sleep(0.5)
    if pending:
        raise SystemExit(f"{len(pending)} submissions were not graded in time")
    return [done[submission_id] for submission_id in ids]


def time_docker_true(samples: int) -> list[float]:
    from graders.sandbox.factory import image_name

    timings = []
    for _ in range(samples):
        started = time.monotonic()
        subprocess.run(
            ["docker", "run", "--rm", "--network", "none", image_name(), "true"],
            check=True,
            capture_output=True,
        )
        timings.append(time.monotonic() - started)
    return timings


def time_trivial_sandbox_run(samples: int) -> list[float]:
    """Time a whole grading of a trivial function in the Docker sandbox."""
    from graders.base import GradingContext
    from graders.registry import get_grader

    grader = get_grader("python_function")
    context = GradingContext(
        slug="bench-trivial",
        kind="python_function",
        version=1,
        points=1,
        spec={"function": "f", "cases": [{"args": [], "expected": 1}]},
        params={},
        submission_id="bench",
    )
    timings = []
    for _ in range(samples):
        started = time.monotonic()
        result = grader.grade(context, "def f():\n    return 1\n")
        timings.append(time.monotonic() - started)
        assert result.verdict == "passed", result
    return timings


def report(
    args: argparse.Namespace,
    results: dict[int, dict[str, float]],
    docker_true: list[float],
    sandbox_trivial: list[float],
) -> None:
    print(f"Batch: {args.submissions} submissions, {args.work} loop iterations each")
    print(f"Machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print()
    print("| workers | p50 latency s | p95 latency s | batch wall s | gradings/s |")
    print("|---|---|---|---|---|")
    for concurrency, figures in results.items():
        print(
            f"| {concurrency} | {figures['p50']:.2f} | {figures['p95']:.2f} | "
            f"{figures['wall']:.2f} | {figures['throughput']:.2f} |"
        )
    speedup = results[1]["wall"] / results[2]["wall"]
    print()
    print(f"Speedup T(1 worker) / T(2 workers): {speedup:.2f}")
    print(
        "All submissions passed: "
        f"{all(figures['all_passed'] for figures in results.values())}"
    )
    docker_median = statistics.median(docker_true)
    sandbox_median = statistics.median(sandbox_trivial)
    print()
    print(
        f"docker run --rm IMAGE true, median of {len(docker_true)}: "
        f"{docker_median:.3f} s"
    )
    print(
        f"Sandbox grading of a trivial function, median of "
        f"{len(sandbox_trivial)}: {sandbox_median:.3f} s "
        f"({sandbox_median - docker_median:+.3f} s over the bare run)"
    )


def api(url: str, token: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if body else "GET")
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def parse_time(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(percent / 100 * len(ordered)) - 1))
    return ordered[index]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_process(command: list[str], env: dict[str, str], log: Path):
    with log.open("wb") as handle:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)


def wait_for_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout} s")


if __name__ == "__main__":
    main()
