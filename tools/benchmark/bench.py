"""`make bench`: the program against its floor, for stacks from 1 x 1 to a whole organisation.

For each size (users x roles) it generates a quota-respecting stack (`generated_settings`:
each role trusts up to 32 users, which fits a 2,048-character trust policy; every user is
trusted by 3 or 4 roles), writes it as `Pulumi.bench.yaml` in a scratch copy of the project,
and measures, each in a fresh process (wall clock of the whole command, start-up included,
and the process's peak resident memory from `wait4`'s `ru_maxrss`):

- the program: `python -m tools plan --stack bench --format json` (what `make plan` runs);
- the floor: `python -m tools.benchmark.floor`, the same resources (types, names, inputs, parents,
  providers, references, depends_on) registered by a bare program under the same mocks,
  with the same process-level tuning (`tools.benchmark.floor`);

and, on the largest stack, `make check` (`python -m tools check`) and the reviewer's Markdown of a
one-line change as the pull-request workflow makes it (`plan --format markdown --against BASE.json
--artifact DIR --max-chars 0`, the whole review and plan JSON, then `python -m tools comment DIR`, the comment
within 65,536 characters; timed together), against the plan of the changed stack. It prints resources, wall
time, time per resource, peak memory and the ratio to the floor. Only when asked, `--write
FILE` (`make bench WRITE=docs/performance.md`) also writes the table, with the machine it ran
on and its load, between FILE's bench markers; by default nothing is written.
Nothing is asserted: this measures, the tests decide correctness.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

from crossaccount import NAMESPACE
from tools.paths import PROJECT_DIR

POLICY_FILE = "role_permissions_policy.json"
USERS_PER_ROLE = 32
"""Users named `person-00000` fit 32 to a 2,048-character trust policy (MFA condition included)."""
DEFAULT_SIZES = "1x1,500x50,1000x100,2000x200,4000x400"
STACK = "bench"
TABLE_START = "<!-- bench:start -->"
TABLE_END = "<!-- bench:end -->"


def generated_settings(users: int, roles: int) -> dict[str, Any]:
    """A valid stack: role r trusts the `USERS_PER_ROLE` users after those of role r-1
    (wrapping around), so with ten users per role every user is trusted by 3 or 4 roles."""
    names = [f"person-{i:05d}" for i in range(users)]
    per_role = min(USERS_PER_ROLE, users)
    if roles * per_role < users:
        raise ValueError(f"{roles} roles of {per_role} users cannot trust all {users} users")
    return {
        "source": {"accountId": "111122223333", "region": "eu-north-1", "profile": "utils"},
        "target": {"accountId": "444455556666", "region": "eu-north-1", "profile": "prod"},
        "users": {name: {} for name in names},
        "roles": {
            f"role-{r:04d}": {
                "description": f"Generated role {r} of the benchmark",
                "trustedUsers": [names[(r * per_role + j) % users] for j in range(per_role)],
                "policyFiles": [POLICY_FILE],
            }
            for r in range(roles)
        },
    }


def write_project(directory: Path, raw: dict[str, Any]) -> None:
    """A scratch copy of the program with the generated stack as Pulumi.bench.yaml, in a project
    of its own (a `Pulumi.yaml` with the project's name and no config: the stack sets everything)."""
    shutil.copy2(PROJECT_DIR / "__main__.py", directory / "__main__.py")
    (directory / "Pulumi.yaml").write_text(f"name: {NAMESPACE}\nruntime: python\n", encoding="utf-8")
    shutil.copytree(PROJECT_DIR / "policies", directory / "policies", dirs_exist_ok=True)
    config = {f"{NAMESPACE}:{k}": v for k, v in raw.items()}
    text = yaml.dump({"config": config}, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False)
    (directory / f"Pulumi.{STACK}.yaml").write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Measured:
    seconds: float
    cpu_seconds: float
    """User plus system CPU time: less disturbed than the wall clock when others share the machine."""
    peak_mb: float


def child_environment() -> dict[str, str]:
    """The environment of the measured commands: this one, with Python's cache of compiled
    modules on, as Python runs by default (`__pycache__`, git-ignored). A machine that sets
    PYTHONDONTWRITEBYTECODE (this project's sandboxes do) would otherwise compile the
    program's modules from source at every start (45 ms of the 1 x 1 plan, measured), which
    no user's `make plan` does after its first run. Program and floor run alike, and each
    size's first command (the floor's recording) fills the cache before anything is timed."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run_child(argv: Sequence[str], cwd: Path, stdout: Path | None = None) -> Measured:
    """Wall clock and peak resident memory of one fresh process (its own `ru_maxrss`); its
    output goes to `stdout` if given."""
    start = time.perf_counter()
    with Path(os.devnull if stdout is None else stdout).open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, *argv], cwd=cwd, stdout=sink, stderr=subprocess.PIPE, env=child_environment()
        )
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {process.returncode}: {stderr[-2000:]}")
    return Measured(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)  # ru_maxrss: KiB on Linux


@dataclass(frozen=True)
class Row:
    users: int
    roles: int
    resources: int
    plan_seconds: float
    floor_seconds: float
    plan_peak_mb: float
    floor_peak_mb: float
    plan_cpu_seconds: float = 0.0
    floor_cpu_seconds: float = 0.0

    @property
    def ratio(self) -> float:
        return self.plan_seconds / self.floor_seconds

    @property
    def cpu_ratio(self) -> float:
        return self.plan_cpu_seconds / self.floor_cpu_seconds if self.floor_cpu_seconds else 0.0

    @property
    def ms_per_resource(self) -> float:
        return 1000 * self.plan_seconds / self.resources

    @property
    def floor_ms_per_resource(self) -> float:
        return 1000 * self.floor_seconds / self.resources


def measure_size(users: int, roles: int, repeat: int, workdir: Path) -> Row:
    raw = generated_settings(users, roles)
    project = workdir / f"{users}x{roles}"
    project.mkdir()
    write_project(project, raw)
    spec = project / "floor.json"
    # Recorded in a child too: this process stays small, and a child's ru_maxrss counts the
    # memory it was forked with before exec.
    run_child(["-m", "tools.benchmark.floor", "--record", str(project), STACK, str(spec)], PROJECT_DIR)
    plans, floors = [], []
    for _ in range(repeat):  # alternate, so that a change of load hits both alike
        plans.append(
            run_child(["-m", "tools", "plan", "--stack", STACK, "--format", "json", "--project-dir", str(project)], PROJECT_DIR)
        )
        floors.append(run_child(["-m", "tools.benchmark.floor", str(spec)], PROJECT_DIR))
    resources = len(json.loads(spec.read_text(encoding="utf-8")))
    return Row(
        users=users,
        roles=roles,
        resources=resources,
        plan_seconds=statistics.median(m.seconds for m in plans),
        floor_seconds=statistics.median(m.seconds for m in floors),
        plan_peak_mb=max(m.peak_mb for m in plans),
        floor_peak_mb=max(m.peak_mb for m in floors),
        plan_cpu_seconds=statistics.median(m.cpu_seconds for m in plans),
        floor_cpu_seconds=statistics.median(m.cpu_seconds for m in floors),
    )


def measure_check(users: int, roles: int, repeat: int, workdir: Path) -> Measured:
    """`make check` on a generated stack, as a command."""
    project = workdir / f"check-{users}x{roles}"
    project.mkdir()
    write_project(project, generated_settings(users, roles))
    runs = [
        run_child(["-m", "tools", "check", "--stack", STACK, "--project-dir", str(project)], PROJECT_DIR) for _ in range(repeat)
    ]
    return Measured(
        statistics.median(m.seconds for m in runs), statistics.median(m.cpu_seconds for m in runs), max(m.peak_mb for m in runs)
    )


ONE_LINE_CHANGE = ("role-0000", "maxSessionDuration", 7200)
"""The review's change: one line added to one role of the generated stack (it widens access)."""
CHANGE_SHOWN = "- **role role-0000**: longest session 3600 s -> 7200 s"


@dataclass(frozen=True)
class ReviewMeasured:
    plan: Measured
    """`make plan FORMAT=json` of the changed stack."""
    review: Measured
    """The review as the workflow makes it, of the same stack against the base plan."""
    characters: int
    """The comment's length (what GitHub counts: UTF-16 code units)."""
    change_shown: bool
    whole_mb: float
    """The whole review written to the artifact."""

    @property
    def ratio(self) -> float:
        return self.review.seconds / self.plan.seconds

    @property
    def cpu_ratio(self) -> float:
        return self.review.cpu_seconds / self.plan.cpu_seconds if self.plan.cpu_seconds else 0.0


def measure_review(users: int, roles: int, repeat: int, workdir: Path) -> ReviewMeasured:
    """The review of a one-line change (`ONE_LINE_CHANGE`) against the generated stack's plan."""
    raw = generated_settings(users, roles)
    base, head = workdir / f"review-base-{users}x{roles}", workdir / f"review-head-{users}x{roles}"
    base.mkdir()
    head.mkdir()
    write_project(base, raw)
    role, key, value = ONE_LINE_CHANGE
    raw["roles"][role][key] = value
    write_project(head, raw)
    # As the workflow lays it out: the base plan in review/base/, the plan and whole review written
    # by plan --artifact, then the one comment made by `tools comment` from the folder.
    artifact, comment = workdir / "review", workdir / "review.md"
    (artifact / "base").mkdir(parents=True)
    base_json = artifact / "base" / f"{STACK}.json"
    plan_argv = ["-m", "tools", "plan", "--stack", STACK, "--format", "json"]
    run_child([*plan_argv, "--project-dir", str(base)], PROJECT_DIR, stdout=base_json)
    plans, reviews = [], []
    for _ in range(repeat):  # alternate, so that a change of load hits both alike
        plans.append(run_child([*plan_argv, "--project-dir", str(head)], PROJECT_DIR))
        review_argv = ["-m", "tools", "plan", "--stack", STACK, "--format", "markdown", "--project-dir", str(head)]
        made = run_child(
            [*review_argv, "--against", str(base_json), "--artifact", str(artifact), "--max-chars", "0"], PROJECT_DIR
        )
        commented = run_child(["-m", "tools", "comment", str(artifact)], PROJECT_DIR, stdout=comment)
        reviews.append(
            Measured(
                made.seconds + commented.seconds, made.cpu_seconds + commented.cpu_seconds, max(made.peak_mb, commented.peak_mb)
            )
        )
    text = comment.read_text(encoding="utf-8")
    return ReviewMeasured(
        plan=_median(plans),
        review=_median(reviews),
        characters=len(text.encode("utf-16-le")) // 2,  # as GitHub counts a comment (JavaScript's length)
        change_shown=CHANGE_SHOWN in text.splitlines(),
        whole_mb=(artifact / f"{STACK}.md").stat().st_size / 1e6,
    )


def _median(runs: Sequence[Measured]) -> Measured:
    return Measured(
        statistics.median(m.seconds for m in runs), statistics.median(m.cpu_seconds for m in runs), max(m.peak_mb for m in runs)
    )


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, {platform.system()} {platform.release()}"


def render(
    rows: Sequence[Row],
    check: Measured | None,
    check_size: str,
    repeat: int,
    load: tuple[float, float],
    review: ReviewMeasured | None = None,
) -> str:
    lines = [
        f"Measured by `make bench` on {machine()}; load average {load[0]:.2f} before, {load[1]:.2f} after "
        f"(the machine was shared); median of {repeat} run(s) per size, each a fresh process with Python's "
        "cache of compiled modules on (as by default).",
        "",
        "| users x roles | resources | `make plan` | per resource | floor | floor per resource | ratio "
        "| CPU plan / floor (ratio) | peak memory plan / floor |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r.users:,} x {r.roles:,} | {r.resources:,} | {r.plan_seconds:.2f} s | {r.ms_per_resource:.2f} ms | "
            f"{r.floor_seconds:.2f} s | {r.floor_ms_per_resource:.2f} ms | {r.ratio:.2f} | "
            f"{r.plan_cpu_seconds:.2f} s / {r.floor_cpu_seconds:.2f} s ({r.cpu_ratio:.2f}) | "
            f"{r.plan_peak_mb:.0f} MB / {r.floor_peak_mb:.0f} MB |"
        )
    if check is not None:
        lines += [
            "",
            f"`make check` on the {check_size} stack: {check.seconds:.2f} s ({check.cpu_seconds:.2f} s CPU), "
            f"peak memory {check.peak_mb:.0f} MB.",
        ]
    if review is not None:
        role, key, value = ONE_LINE_CHANGE
        lines += [
            "",
            f"The review of a one-line change on the {check_size} stack (`{key}: {value}` on `{role}`), as the "
            "pull-request workflow makes it (`plan --format markdown --against BASE.json --artifact DIR --max-chars 0`, then "
            "`python -m tools comment DIR`; the review is the two together):",
            "",
            "| comment | the change in it | whole review (artifact) | review | plan of the same stack | ratio "
            "| CPU review / plan (ratio) | peak memory review / plan |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
            f"| {review.characters:,} characters | {'yes' if review.change_shown else 'NO'} | {review.whole_mb:.1f} MB "
            f"| {review.review.seconds:.2f} s | {review.plan.seconds:.2f} s | {review.ratio:.2f} "
            f"| {review.review.cpu_seconds:.2f} s / {review.plan.cpu_seconds:.2f} s ({review.cpu_ratio:.2f}) "
            f"| {review.review.peak_mb:.0f} MB / {review.plan.peak_mb:.0f} MB |",
        ]
    return "\n".join(lines) + "\n"


def write_table(table: str, page: Path) -> None:
    """The table between `page`'s bench markers (docs/performance.md keeps the log)."""
    text = page.read_text(encoding="utf-8")
    head, _, rest = text.partition(TABLE_START)
    _, found, tail = rest.partition(TABLE_END)
    if not found:
        raise ValueError(f"{page}: no {TABLE_START} ... {TABLE_END} section to write the table into")
    page.write_text(f"{head}{TABLE_START}\n{table}{TABLE_END}{tail}", encoding="utf-8")


def parse_sizes(text: str) -> list[tuple[int, int]]:
    sizes = []
    for item in text.split(","):
        users, _, roles = item.strip().partition("x")
        sizes.append((int(users), int(roles)))
    return sizes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"users x roles, comma-separated (default: {DEFAULT_SIZES})")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the median is shown (default: 1)")
    parser.add_argument("--no-check", action="store_true", help="do not time `make check` on the largest stack")
    parser.add_argument(
        "--no-review", action="store_true", help="do not time the review of a one-line change on the largest stack"
    )
    parser.add_argument(
        "--write",
        type=Path,
        metavar="FILE",
        help="also write the table between FILE's bench markers, e.g. docs/performance.md (default: print only)",
    )
    parser.add_argument("--format", default="text", choices=("text", "json"))


def run(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    sizes = parse_sizes(args.sizes)
    load_before = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        for users, roles in sizes:
            rows.append(measure_size(users, roles, args.repeat, Path(scratch)))
            print(f"measured {users} x {roles}", file=sys.stderr)
        largest = max(sizes, key=lambda s: s[0] * s[1])
        check = None if args.no_check else measure_check(*largest, args.repeat, Path(scratch))
        review = None if args.no_review else measure_review(*largest, args.repeat, Path(scratch))
    load = (load_before, os.getloadavg()[0])
    if args.format == "json":
        data = {
            "machine": machine(),
            "load": load,
            "rows": [
                {**asdict(r), "ratio": r.ratio, "cpu_ratio": r.cpu_ratio, "ms_per_resource": r.ms_per_resource} for r in rows
            ],
            "check": asdict(check) if check else None,
            "review": {**asdict(review), "ratio": review.ratio, "cpu_ratio": review.cpu_ratio} if review else None,
        }
        out.write(json.dumps(data, indent=2) + "\n")
    else:
        table = render(rows, check, f"{largest[0]:,} x {largest[1]:,}", args.repeat, load, review)
        out.write(table)
        if args.write is not None:
            write_table(table, args.write)
    return 0
