"""The benchmark measures real stacks: the generator's stacks are accepted by the program and
respect IAM's quotas, and the floor registers exactly the program's resources.

No timing is asserted here: speed is the benchmark's business (`make bench`), not a test's.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from crossaccount.access.grants import access_grants
from crossaccount.guardrails import check_plan
from crossaccount.iam import non_whitespace_length
from crossaccount.pipeline import load_values, plan_of
from tools.benchmark.bench import (
    Measured,
    ReviewMeasured,
    Row,
    generated_settings,
    measure_review,
    parse_sizes,
    render,
    write_project,
    write_table,
)
from tools.benchmark.floor import floor_spec, run_floor, run_sdk_floor, same_resources
from tools.commands.plan import plan_stack
from tools.offline.mocks import PROJECT_DIR, run_program


@pytest.mark.parametrize(("users", "roles"), [(1, 1), (3, 1), (50, 5), (320, 32)])
def test_the_generated_stacks_pass_every_guardrail_within_the_quotas(users: int, roles: int) -> None:
    plan = plan_of(load_values("bench", generated_settings(users, roles), PROJECT_DIR / "policies"))
    assert check_plan(plan) == []
    assert max(non_whitespace_length(r.trust_document) for r in plan.roles) <= 2048
    assert all(len(u.assume_policies) == 1 for u in plan.users)
    trusted_by = Counter(u for r in plan.settings.roles.values() for u in r.trusted_users)
    assert len(trusted_by) == users
    if users == 10 * roles:  # the benchmark's shape: 32 users per role, every user trusted by 3 or 4 roles
        assert {len(r.trusted_users) for r in plan.settings.roles.values()} == {32}
        assert set(trusted_by.values()) <= {3, 4}


def test_a_generated_stack_file_is_planned_by_the_program(tmp_path: Path) -> None:
    write_project(tmp_path, generated_settings(50, 5))
    run = plan_stack("bench", tmp_path)
    # component, two providers, the self-service policy; per user: user, assume-role policy, its
    # attachment, the self-service attachment; per role: role, permission policy, its attachment
    assert len(run.registrations) == 4 + 4 * 50 + 3 * 5
    assert run.findings == ()


def test_the_floor_registers_exactly_the_programs_resources() -> None:
    program = run_program("bench", generated_settings(50, 5))
    floor = run_floor(floor_spec(program))
    assert same_resources(program.registrations, floor.registrations)
    assert [r.dependencies for r in program.registrations] == [r.dependencies for r in floor.registrations]
    assert floor.outputs == {}  # the bare program exports nothing


def test_the_table_is_written_between_the_pages_markers(tmp_path: Path) -> None:
    readme = tmp_path / "performance.md"
    readme.write_text("# x\n<!-- bench:start -->\nold\n<!-- bench:end -->\nafter\n", encoding="utf-8")
    table = render([Row(4000, 400, 13203, 20.0, 16.0, 700.0, 600.0, 19.0, 15.2)], None, "", 1, (1.0, 2.0))
    assert (
        "| 4,000 x 400 | 13,203 | 20.00 s | 1.51 ms | 16.00 s | 1.21 ms | 1.25 | 19.00 s / 15.20 s (1.25) | 700 MB / 600 MB |"
        in table
    )
    write_table(table, readme)
    assert readme.read_text(encoding="utf-8") == f"# x\n<!-- bench:start -->\n{table}<!-- bench:end -->\nafter\n"
    assert parse_sizes("1x1, 500x50") == [(1, 1), (500, 50)]


def test_the_measured_commands_run_with_pythons_compiled_module_cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from tools.benchmark.bench import child_environment

    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "kept")
    environment = child_environment()
    assert "PYTHONDONTWRITEBYTECODE" not in environment
    assert environment["PULUMI_CONFIG_PASSPHRASE"] == "kept"


@pytest.mark.parametrize(
    ("variables", "options"),
    [
        ([], "--format text"),
        (["FORMAT=json"], "--format json"),
        (["WRITE=docs/performance.md", "REPEAT=3"], "--repeat 3 --format text --write docs/performance.md"),
    ],
)
def test_make_bench_prints_and_writes_a_page_only_when_asked(variables: list[str], options: str) -> None:
    import os
    import subprocess

    outer_make = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "SIZES", "REPEAT", "FORMAT", "WRITE")
    env = {k: v for k, v in os.environ.items() if k not in outer_make}  # `make test` runs this test
    done = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "bench", *variables],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines()[-1].split() == [".venv/bin/python", "-m", "tools", "bench", *options.split()]


def test_the_review_row_reports_the_comment_and_its_time_against_the_plan() -> None:
    review = ReviewMeasured(Measured(12.5, 12.0, 870.0), Measured(13.75, 13.0, 960.0), 54_840, True, 20.6)
    table = render([], None, "4,000 x 400", 1, (1.0, 2.0), review)
    assert table.splitlines()[-1] == (
        "| 54,840 characters | yes | 20.6 MB | 13.75 s | 12.50 s | 1.10 | 13.00 s / 12.00 s (1.08) | 960 MB / 870 MB |"
    )


def test_the_review_measured_is_the_workflows_comment_with_the_change_in_it(tmp_path: Path) -> None:
    measured = measure_review(50, 5, 1, tmp_path)
    assert measured.change_shown
    assert 1_000 < measured.characters <= 65_536
    whole = (tmp_path / "review" / "bench.md").read_text(encoding="utf-8")
    assert "- **role role-0000**: longest session 3600 s -> 7200 s" in whole
    assert measured.whole_mb == len(whole.encode()) / 1e6
    comment = (tmp_path / "review.md").read_text(encoding="utf-8")  # what `tools comment` made of the folder
    # Who gains access: each person role-0000 trusts gets a longer session (one pair each).
    plan = json.loads((tmp_path / "review" / "bench.json").read_text(encoding="utf-8"))
    people = sum(1 for g in access_grants(plan) if g.role == "role-0000")
    assert people == 32
    assert f"| `bench` | **{people}** :warning: | **1** :warning: | 0 | 0 | 1 |" in comment.splitlines()


def test_the_timed_floor_registers_every_resource_of_the_program_under_the_sdks_own_mocks() -> None:
    """What `make bench` times: the bare program under `pulumi.runtime.set_mocks` (no recording
    mocks of the program's), asked to create exactly as many resources as the program registers."""
    program = run_program("bench", generated_settings(50, 5))
    spec = floor_spec(program)
    assert len(spec) == len(program.registrations) == 219
    assert run_sdk_floor(spec, collect=True) == len(program.registrations)  # the component, providers and IAM resources
