"""`make bench-org`: the whole organisation, measured (issue "The whole organisation").

    python -m tools.benchmark.organisation [--people 1000] [--stacks 50] [--roles 8] [--teams 10] [--repeat 3]

Generates a project of one people's stack (the people, and `--roles` roles in its own target
account) and `--stacks` roles-only stacks of `--roles` roles each, in accounts of their own.
The people are in `--teams` teams, each on an IAM path of its own (`/team-07/`); role r of stack s
trusts team (s * roles + r) mod teams with `trust: path` (a 2,048-character trust policy cannot
list a hundred user ARNs), so with the defaults each person is trusted by about 40 roles spread
over the accounts, and the people's stack holds every person's identity side for all of them.

It measures, each in a fresh process, the minimum wall clock of `--repeat` runs:

- `python -m tools check --all` on all the stacks together (`make check-all`);
- `python -m tools plan --stack people --format json`: the people's stack's plan;

and reads from `check --all --format json` what each person holds: the most managed policies
on one person over all stacks, and the largest assume-role policy. Then the edge: the same
accounts with one person trusted by every role (`trust: users`), checked the same way: it fits
IAM's quota, or it is refused before any `up`, with the reason and the way out.
Nothing is asserted: this measures; tests/test_organisation.py decides correctness.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from crossaccount import NAMESPACE
from tools.benchmark.bench import POLICY_FILE, child_environment
from tools.paths import PROJECT_DIR

TARGET_BASE = 200000000000
PEOPLE_STACK = "people"


def _account(index: int) -> dict[str, str]:
    return {"accountId": str(TARGET_BASE + index), "region": "eu-north-1"}


def _team_role(team: int, team_members: Sequence[str], r: int) -> dict[str, Any]:
    return {
        "description": f"Generated role of team {team:02d}",
        "trust": "path",
        "trustedPath": f"/team-{team:02d}/",
        "trustedUsers": list(team_members),
        "policyFiles": [POLICY_FILE],
    }


def organisation(people: int, stacks: int, roles: int, teams: int) -> dict[str, dict[str, Any]]:
    """stack name -> its `cross-account-roles:*` values: the people's stack, then `stacks` roles-only stacks."""
    names = [f"person-{i:05d}" for i in range(people)]
    members = {t: [n for i, n in enumerate(names) if i % teams == t] for t in range(teams)}

    def roles_of(s: int) -> dict[str, Any]:
        return {f"s{s:02d}-role-{r}": _team_role(t, members[t], r) for r in range(roles) for t in [(s * roles + r) % teams]}

    project = {
        PEOPLE_STACK: {
            "target": _account(0),
            "users": {n: {"path": f"/team-{i % teams:02d}/"} for i, n in enumerate(names)},
            "roles": roles_of(0),
        }
    }
    for s in range(1, stacks + 1):
        project[f"account-{s:02d}"] = {"target": _account(s), "roles": roles_of(s)}
    return project


def everyone_trusts_one(project: dict[str, dict[str, Any]], person: str = "ops-lead") -> dict[str, dict[str, Any]]:
    """The same accounts and role names, each role trusting `person` alone (the edge case)."""
    edge = {}
    for name, values in project.items():
        roles = {r: {"trustedUsers": [person], "policyFiles": [POLICY_FILE]} for r in values["roles"]}
        edge[name] = {**values, "roles": roles}
        if "users" in values:
            edge[name]["users"] = {person: {}}
    return edge


def write_project(directory: Path, project: dict[str, dict[str, Any]]) -> None:
    for old in directory.glob("Pulumi.*.yaml"):
        old.unlink()
    shutil.copy2(PROJECT_DIR / "__main__.py", directory / "__main__.py")
    shutil.copy2(PROJECT_DIR / "Pulumi.yaml", directory / "Pulumi.yaml")
    shutil.copytree(PROJECT_DIR / "policies", directory / "policies", dirs_exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for name, values in project.items():
        config = {f"{NAMESPACE}:{k}": v for k, v in values.items()}
        text = yaml.dump({"config": config}, Dumper=dumper, sort_keys=False)
        (directory / f"Pulumi.{name}.yaml").write_text(text, encoding="utf-8")


def timed(argv: Sequence[str], repeat: int) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """The minimum wall clock and the minimum CPU time (user + system, from `RUSAGE_CHILDREN`) of
    `repeat` runs, and the last run's result. On a loaded machine the CPU time is the figure
    that does not depend on the other processes; on an idle one the two are close."""
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(  # noqa: S603 (our own interpreter and module)
            [sys.executable, *argv], cwd=PROJECT_DIR, env=child_environment(), capture_output=True, text=True, check=False
        )
        best = min(best, time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best_cpu = min(best_cpu, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return best, best_cpu, done


def measure(directory: Path, repeat: int) -> dict[str, Any]:
    project_dir = ("--project-dir", str(directory))
    check_s, check_cpu, check = timed(["-m", "tools", "check", "--all", "--format", "json", *project_dir], repeat)
    plan_s, plan_cpu, plan = timed(["-m", "tools", "plan", "--stack", PEOPLE_STACK, "--format", "json", *project_dir], repeat)
    figures = json.loads(check.stdout)["people"] if check.stdout else []
    resources = len(json.loads(plan.stdout)["resources"]) if plan.returncode == 0 else None
    return {
        "check_all_seconds": round(check_s, 2),
        "check_all_cpu_seconds": round(check_cpu, 2),
        "check_all_exit": check.returncode,
        "check_all_stderr": check.stderr.strip()[:600],
        "people_plan_seconds": round(plan_s, 2),
        "people_plan_cpu_seconds": round(plan_cpu, 2),
        "people_plan_exit": plan.returncode,
        "people_plan_resources": resources,
        "people": figures,
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--stacks", type=int, default=50, help="roles-only stacks, beside the people's stack")
    parser.add_argument("--roles", type=int, default=8, help="roles per stack")
    parser.add_argument("--teams", type=int, default=10, help="teams (IAM paths) the people are in")
    parser.add_argument("--repeat", type=int, default=3)


def project_of(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    """The organisation the arguments describe, and the result's `size` entry for it."""
    project = organisation(args.people, args.stacks, args.roles, args.teams)
    size = {"people": args.people, "stacks": len(project), "roles": sum(len(v["roles"]) for v in project.values())}
    return project, size


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.benchmark.organisation", description=__doc__)
    add_arguments(parser)
    args = parser.parse_args(argv)
    project, size = project_of(args)
    result: dict[str, Any] = {"size": size}
    with tempfile.TemporaryDirectory() as scratch:
        write_project(Path(scratch), project)
        result["organisation"] = measure(Path(scratch), args.repeat)
        write_project(Path(scratch), everyone_trusts_one(project))
        result["one_person_trusted_by_every_role"] = measure(Path(scratch), 1)
    result["load_average"] = os.getloadavg()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
