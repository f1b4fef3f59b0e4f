"""The repository's own stack files, whatever a user has made of them.

`Pulumi.yaml`'s source account and every `Pulumi.<stack>.yaml` of the repository are the user's:
the README tells them to edit, copy and replace them. So this file checks only what must hold
for any project (the workflows plan and check every stack on each pull request): each stack
plans and passes `check`, exactly one stack creates each person of a source account, and
nothing two stacks create in one account collides. It never checks what the stacks hold or how
many there are; the tests' own stacks (tests/fixtures/project/) are for exact documents.

It also makes the README's own edits (tests/readme_edits.py) in a copy of the repository and
holds the copy to the same rules: following the documentation never breaks `make test`.
"""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from crossaccount.pipeline import check_stack, plan_of
from tests import readme_edits
from tools.commands import ci_matrix
from tools.commands import plan as plan_module
from tools.paths import PROJECT_DIR
from tools.render import plan as plan_render

STACKS = ci_matrix.stacks(PROJECT_DIR)
NAMED_TYPES = ("aws:iam/user:User", "aws:iam/role:Role", "aws:iam/policy:Policy", "aws:iam/group:Group")


def plans_of(project: Path) -> dict[str, dict[str, Any]]:
    return {s: plan_render.as_data(plan_module.plan_stack(s, project)) for s in ci_matrix.stacks(project)}


def blocking_findings(project: Path, stack: str) -> list[str]:
    return [f.line() for f in check_stack(project, stack).findings if f.blocking]


def people_with_other_than_one_owner(project: Path) -> dict[tuple[str, str], list[str]]:
    owners: dict[tuple[str, str], list[str]] = defaultdict(list)
    for stack in ci_matrix.stacks(project):
        plan = plan_of(check_stack(project, stack).loaded)
        for user in plan.users:
            person = (plan.settings.source.account_id, user.name.lower())
            if user.create:
                owners[person].append(stack)
            else:
                owners.setdefault(person, [])
    return {person: found for person, found in owners.items() if len(found) != 1}


def collisions(plans: dict[str, dict[str, Any]]) -> list[Any]:
    names: Counter[tuple[str, str, str]] = Counter()
    urns: Counter[str] = Counter()
    for plan in plans.values():
        for r in plan["resources"]:
            urns[r["urn"]] += 1
            if r["type"] in NAMED_TYPES and r["account"]:
                account = str(plan["outputs"][f"{r['account']}AccountId"])
                names[(account, r["type"], r["inputs"]["name"].lower())] += 1  # IAM ignores case
    return [k for k, n in names.items() if n > 1] + [k for k, n in urns.items() if n > 1]


@pytest.fixture(scope="module")
def plans() -> dict[str, dict[str, Any]]:
    return plans_of(PROJECT_DIR)


@pytest.mark.parametrize("stack", STACKS)
def test_each_stack_plans_and_passes_check(stack: str, plans: dict[str, dict[str, Any]]) -> None:
    assert blocking_findings(PROJECT_DIR, stack) == []
    assert plans[stack]["stack"] == stack
    assert plans[stack]["resources"], stack


def test_exactly_one_stack_creates_each_person() -> None:
    assert people_with_other_than_one_owner(PROJECT_DIR) == {}


def test_nothing_two_stacks_create_in_one_account_collides(plans: dict[str, dict[str, Any]]) -> None:
    assert collisions(plans) == []


def test_the_ci_matrix_lists_every_stack_once() -> None:
    assert sorted(e["stack"] for e in ci_matrix.matrix(PROJECT_DIR)["include"]) == STACKS


def copy_of_the_repository(home: Path) -> Path:
    """What a clone holds that the program reads: the program, the project, its stacks, policies/."""
    shutil.copy2(PROJECT_DIR / "__main__.py", home / "__main__.py")
    for path in PROJECT_DIR.glob("Pulumi*.yaml"):
        shutil.copy2(path, home / path.name)
    shutil.copytree(PROJECT_DIR / "policies", home / "policies")
    return home


def test_the_readmes_own_edits_leave_every_stack_planning_and_checked(tmp_path: Path) -> None:
    project = copy_of_the_repository(tmp_path)
    person, new_stack, account = readme_edits.apply(project)

    stacks = ci_matrix.stacks(project)
    assert {*STACKS, new_stack} == set(stacks)
    assert {s: blocking_findings(project, s) for s in stacks} == {s: [] for s in stacks}
    assert people_with_other_than_one_owner(project) == {}
    plans = plans_of(project)
    assert collisions(plans) == []
    people = readme_edits.people_stack(project).name.removeprefix("Pulumi.").removesuffix(".yaml")
    login = [r["inputs"]["user"] for r in plans[people]["resources"] if r["type"] == "aws:iam/userLoginProfile:UserLoginProfile"]
    assert person in login  # console access
    users = plans[people]["outputs"]["users"]
    assert person in users, users
    assert users[person]["arn"] == f"arn:aws:iam::{readme_edits.SOURCE_ACCOUNT}:user/{person}"
    assert plans[new_stack]["outputs"]["targetAccountId"] == account
