"""Every recipe of examples/ is a project a user can copy: its stack files, beside the real
program and the source account of a `Pulumi.yaml` (the tests' own, 111122223333), plan through
the real pipeline and pass `check`, and each does what its recipe says.

Each example folder holds `Pulumi.<stack>.yaml` files (a people's stack, and a roles-only
stack where the recipe is a new account) and, where it needs one, `policies/*.json`.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from crossaccount.pipeline import check_stack
from tests.conftest import SOURCE, copy_program
from tools.commands import ci_matrix
from tools.commands.plan import plan_stack
from tools.paths import PROJECT_DIR
from tools.render.plan import as_data

EXAMPLES = PROJECT_DIR / "examples"
RECIPES = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())


def example_project(name: str, home: Path) -> Path:
    """The program, the tests' Pulumi.yaml, and the example's stack files and policies."""
    project = copy_program(home)
    for path in (EXAMPLES / name).glob("Pulumi.*.yaml"):
        shutil.copy2(path, project / path.name)
    if (EXAMPLES / name / "policies").is_dir():
        shutil.copytree(EXAMPLES / name / "policies", project / "policies", dirs_exist_ok=True)
    return project


def planned(name: str, home: Path) -> dict[str, dict[str, Any]]:
    """Each stack of the example: its plan (JSON data, findings included) after a clean check."""
    project = example_project(name, home)
    plans = {}
    for stack in ci_matrix.stacks(project):
        checked = check_stack(project, stack)
        assert [f.line() for f in checked.findings if f.blocking] == [], (name, stack)
        plans[stack] = as_data(plan_stack(stack, project), checked.findings)
    return plans


def resources(plan: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [r for r in plan["resources"] if r["type"] == type_]


def test_the_index_lists_every_recipe() -> None:
    index = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    assert RECIPES == [
        "groups",
        "new-account",
        "person-with-console-access",
        "terraform-walkthrough",
        "trust-modes",
        "trusted-ci-role",
        "waiver",
    ]
    for name in RECIPES:
        assert f"]({name})" in index, name


@pytest.mark.parametrize("name", RECIPES)
def test_each_recipe_plans_and_passes_check(name: str, tmp_path: Path) -> None:
    plans = planned(name, tmp_path)
    assert plans, name
    for stack, plan in plans.items():
        assert plan["stack"] == stack
        assert plan["outputs"]["sourceAccountId"] == SOURCE


def test_a_person_with_console_access_gets_a_login_profile(tmp_path: Path) -> None:
    (plan,) = planned("person-with-console-access", tmp_path).values()
    profiles = resources(plan, "aws:iam/userLoginProfile:UserLoginProfile")
    assert sorted(r["inputs"]["user"] for r in profiles) == ["alice", "random_user"]
    assert all(r["inputs"]["passwordResetRequired"] is True for r in profiles)
    assert plan["outputs"]["users"]["alice"]["roles"] == ["s3-list-role"]


def test_a_new_account_is_a_roles_only_stack_granted_by_the_peoples_stack(tmp_path: Path) -> None:
    plans = planned("new-account", tmp_path)
    assert [r for r in plans["qa"]["resources"] if r["account"] == "source"] == []
    assert plans["qa"]["outputs"]["targetAccountId"] == "555566667777"
    (policy,) = [
        r for r in resources(plans["utils"], "aws:iam/policy:Policy") if r["inputs"]["name"] == "random_user-assume-roles-utils"
    ]
    assert "arn:aws:iam::555566667777:role/qa-artifacts-read" in policy["inputs"]["policy"]
    assert "arn:aws:iam::444455556666:role/s3-list-role" in policy["inputs"]["policy"]


def test_groups_get_the_assume_role_policy_and_every_member_is_trusted(tmp_path: Path) -> None:
    (plan,) = planned("groups", tmp_path).values()
    (group,) = resources(plan, "aws:iam/group:Group")
    assert group["inputs"]["name"] == "platform"
    (role,) = resources(plan, "aws:iam/role:Role")
    for member in ("random_user", "alice", "bob"):
        assert f"arn:aws:iam::{SOURCE}:user/{member}" in role["inputs"]["assumeRolePolicy"]
    assert [r["inputs"]["name"] for r in resources(plan, "aws:iam/policy:Policy") if "group-assume" in r["inputs"]["name"]] == [
        "platform-group-assume-roles-utils"
    ]


def test_a_trusted_ci_role_has_a_statement_of_its_own_and_its_waived_warning(tmp_path: Path) -> None:
    (plan,) = planned("trusted-ci-role", tmp_path).values()
    (role,) = resources(plan, "aws:iam/role:Role")
    assert '"Sid":"TrustSourceRoles"' in role["inputs"]["assumeRolePolicy"].replace(" ", "")
    assert f"arn:aws:iam::{SOURCE}:role/ci-deployer" in role["inputs"]["assumeRolePolicy"]
    assert [(f["rule_id"], f["waived"] is not None) for f in plan["findings"]] == [("TRUST_WITHOUT_MFA", True)]


def test_the_trust_modes_are_one_role_each_and_the_account_wide_ones_are_warnings(tmp_path: Path) -> None:
    (plan,) = planned("trust-modes", tmp_path).values()
    trust = {r["inputs"]["name"]: r["inputs"]["assumeRolePolicy"] for r in resources(plan, "aws:iam/role:Role")}
    assert f"arn:aws:iam::{SOURCE}:user/random_user" in trust["s3-list-role"]
    assert f"arn:aws:iam::{SOURCE}:user/team-data/*" in trust["data-readers"]
    assert "aws:PrincipalTag/access" in trust["everyone-lists-buckets"]
    assert sorted((f["rule_id"], f["severity"]) for f in plan["findings"]) == [("TRUST_ACCOUNT_WIDE", "warning")] * 2


def test_a_waiver_keeps_the_finding_visible_but_not_blocking(tmp_path: Path) -> None:
    (plan,) = planned("waiver", tmp_path).values()
    (finding, listing) = plan["findings"]
    assert (listing["rule_id"], listing["severity"]) == ("RESOURCE_STAR_SCOPABLE", "warning")  # s3:ListBucket: a read
    assert (finding["rule_id"], finding["severity"]) == ("RESOURCE_STAR", "error")
    assert finding["waived"] == "the retention job deletes expired objects in every bucket; reviewed by security (SEC-142)"


def test_the_terraform_walkthrough_is_adopted_not_created(tmp_path: Path) -> None:
    (plan,) = planned("terraform-walkthrough", tmp_path).values()
    (user,) = resources(plan, "aws:iam/user:User")
    (role,) = resources(plan, "aws:iam/role:Role")
    assert user["options"]["import"] == "random_user"
    assert role["options"]["import"] == "s3-list-role"
    (policy,) = [r for r in resources(plan, "aws:iam/policy:Policy") if r["account"] == "target"]
    assert policy["options"]["import"] == "arn:aws:iam::444455556666:policy/s3-list-role-role_permissions_policy"
