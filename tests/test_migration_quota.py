"""Migrating a legacy stack (people re-listed with `create: false`) to roles only, near IAM's
managed-policy quota: at the step where both layouts' policies exist (after `up` of the people's
stack, before `up` of the migrated stack), a person can hold more than 10, and the people's `up`
would stop with LimitExceeded. `check --all` names the person, both stacks, the count and the
way through, before anyone starts (docs/organisation.md)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossaccount.pipeline import check_stack
from tools.paths import PROJECT_DIR

LIST = {"policyFiles": ["role_permissions_policy.json"]}
ACCOUNTS = [f"5000000000{i:02d}" for i in range(10)]


def roles(prefix: str, count: int) -> dict[str, Any]:
    """`count` roles trusting alice, with 64-character names: about 97 characters of ARN each."""
    return {f"{prefix}-{i:02d}-".ljust(64, "x"): {"trustedUsers": ["alice"], **LIST} for i in range(count)}


def write(project: Path, name: str, values: dict[str, Any]) -> None:
    config = {f"cross-account-roles:{k}": v for k, v in values.items()}
    (project / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump({"config": config}), encoding="utf-8")


@pytest.fixture
def project(program_of_its_own: Path, tmp_path: Path) -> Path:
    shutil.copytree(program_of_its_own, tmp_path, dirs_exist_ok=True)
    for old in tmp_path.glob("Pulumi.*.yaml"):
        old.unlink()
    target = {"region": "eu-north-1"}
    # alice: 55 roles in the people's stack (one packed policy) and self-service: 2 policies
    write(tmp_path, "people", {"target": {**target, "accountId": ACCOUNTS[0]}, "users": {"alice": {}}, "roles": roles("p", 55)})
    # 12 roles in the legacy stack "big": 1 policy; with the people's 55, 67 roles need 2 parts
    legacy = {"users": {"alice": {"create": False}}}
    write(tmp_path, "big", {"target": {**target, "accountId": ACCOUNTS[1]}, **legacy, "roles": roles("b", 12)})
    # 7 more legacy stacks of one role: 2 + 1 + 7 = 10 managed policies today, within the quota
    for i in range(7):
        write(tmp_path, f"small{i}", {"target": {**target, "accountId": ACCOUNTS[2 + i]}, **legacy, "roles": roles("s", 1)})
    return tmp_path


def check_all(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tools", "check", "--all", *args, "--project-dir", str(project)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_today_the_person_is_within_the_quota(project: Path) -> None:
    people = check_stack(project, "people")
    (alice,) = people.plan.users
    assert alice.attached_policies == 2


def test_check_all_names_the_migration_that_would_pass_the_quota(project: Path) -> None:
    done = check_all(project)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stdout.splitlines() if line.startswith("warning: migrating")]
    # migrating a one-role stack adds its role to the people's packed policy without a new part: 10
    assert warnings == [
        "warning: migrating Pulumi.big.yaml to roles only (docs/organisation.md): alice would hold 11 managed policies at "
        "the step where both layouts' policies exist, after `pulumi up` of Pulumi.people.yaml and before that of "
        "Pulumi.big.yaml (3 from Pulumi.people.yaml, 1 still from Pulumi.big.yaml, 1 from Pulumi.small0.yaml, 1 from "
        "Pulumi.small1.yaml, 1 from Pulumi.small2.yaml, 1 from Pulumi.small3.yaml, 1 from Pulumi.small4.yaml, 1 from "
        "Pulumi.small5.yaml, 1 from Pulumi.small6.yaml), and AWS attaches at most 10: that `up` of Pulumi.people.yaml "
        "would stop with LimitExceeded. Way through: raise the IAM quota 'Managed policies per user' to 20 (Service "
        "Quotas) before the migration, or migrate the other stacks that re-list alice first, or `pulumi up` "
        "Pulumi.big.yaml first and Pulumi.people.yaml right after (a window in which alice cannot assume its roles)"
    ]
    as_json = json.loads(check_all(project, "--format", "json").stdout)
    assert as_json["migration"] == [
        {
            "stack": "people",
            "person": "alice",
            "migrating": "Pulumi.big.yaml",
            "total": 11,
            "fromPeopleStack": 3,
            "fromMigrating": 1,
            "fromOthers": [{"file": f"Pulumi.small{i}.yaml", "count": 1} for i in range(7)],
            "quota": 10,
        }
    ]


def test_after_migrating_a_small_stack_first_the_big_one_fits(project: Path) -> None:
    """The way through the warning names: one small stack migrated (its `users:` removed), the
    big one's migration peaks at 10."""
    small = yaml.safe_load((project / "Pulumi.small0.yaml").read_text(encoding="utf-8"))
    del small["config"]["cross-account-roles:users"]
    (project / "Pulumi.small0.yaml").write_text(yaml.safe_dump(small), encoding="utf-8")
    done = check_all(project)
    assert done.returncode == 0, done.stderr
    assert not [line for line in done.stdout.splitlines() if line.startswith("warning: migrating")]
