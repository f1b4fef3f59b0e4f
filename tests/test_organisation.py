"""The whole organisation: one people's stack per source account, roles-only stacks in as many
target accounts as there are, and every stack checked together (`make check-all`).

Invariants: the people's stack grants every role of every roles-only stack of its source
account, packed into as few assume-role policies as 6,144 characters allow; a roles-only stack
creates nothing in the source account; a person owned twice, a role name two stacks create in one
account, a trusted name no people's stack declares, and a person past IAM's 10 managed policies
counted over every stack are refused, in every stack concerned, before anything is registered;
migrating a target stack from re-listed people (`create: false`) to roles only loses no access
at any step of the documented order (people's stack first).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossaccount.errors import SettingsError
from crossaccount.pipeline import Checked, check_organisation, check_stack
from tools.paths import PROJECT_DIR

SOURCE = "111122223333"
PROD, STAGING, DATA = "444455556666", "777788889999", "555566667777"
LIST = {"policyFiles": ["role_permissions_policy.json"]}


def role(*trusted: str, **extra: Any) -> dict[str, Any]:
    return {"trustedUsers": list(trusted), **LIST, **extra}


def target(account: str) -> dict[str, Any]:
    return {"accountId": account, "region": "eu-north-1"}


def people_stack(**roles: dict[str, Any]) -> dict[str, Any]:
    return {
        "target": target(PROD),
        "users": {"alice": {}, "bob": {"path": "/team/"}},
        "roles": roles or {"prod-read": role("alice", "bob")},
    }


def roles_stack(account: str, **roles: dict[str, Any]) -> dict[str, Any]:
    return {"target": target(account), "roles": roles}


@pytest.fixture
def project(program_of_its_own: Path, tmp_path: Path) -> Path:
    shutil.copytree(program_of_its_own, tmp_path, dirs_exist_ok=True)
    return tmp_path


def write(project: Path, **stacks: dict[str, Any]) -> None:
    for old in project.glob("Pulumi.*.yaml"):
        old.unlink()
    for name, values in stacks.items():
        config = {f"cross-account-roles:{k}": v for k, v in values.items()}
        (project / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump({"config": config}), encoding="utf-8")


def checked(project: Path, stack: str) -> Checked:
    return check_stack(project, stack)


def refused(project: Path, stack: str) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        check_stack(project, stack)
    return caught.value.problems


def granted(result: Checked, user: str) -> list[str]:
    """The role ARNs the user's assume-role policies of this stack allow, in document order."""
    (plan,) = [u for u in result.plan.users if u.name == user]
    arns: list[str] = []
    for policy in plan.assume_policies:
        for statement in json.loads(policy.document)["Statement"]:
            resources = statement["Resource"]
            arns += [resources] if isinstance(resources, str) else resources
    return arns


def source_names(result: Checked) -> list[str]:
    """What the stack creates in the source account: its users' policies, by name."""
    return sorted(p.name for u in result.plan.users for p in u.assume_policies)


def cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tools", *args, "--project-dir", str(project)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


# --- people in one place, roles everywhere -----------------------------------------------------


def test_the_people_stack_grants_the_roles_of_every_roles_only_stack(project: Path) -> None:
    write(
        project,
        people=people_stack(),
        staging=roles_stack(STAGING, **{"staging-read": role("alice")}),
        data=roles_stack(DATA, **{"data-read": role("alice", "bob"), "data-admin": role("bob", path="/ops/")}),
    )
    people = checked(project, "people")
    assert people.loaded.kind == "people"
    assert granted(people, "alice") == [
        f"arn:aws:iam::{PROD}:role/prod-read",
        f"arn:aws:iam::{DATA}:role/data-read",
        f"arn:aws:iam::{STAGING}:role/staging-read",
    ]
    assert granted(people, "bob") == [
        f"arn:aws:iam::{PROD}:role/prod-read",
        f"arn:aws:iam::{DATA}:role/data-read",
        f"arn:aws:iam::{DATA}:role/ops/data-admin",
    ]
    assert source_names(people) == ["alice-assume-roles-people", "bob-assume-roles-people"]


def test_a_roles_only_stack_creates_nothing_in_the_source_account(project: Path) -> None:
    write(project, people=people_stack(), staging=roles_stack(STAGING, **{"staging-read": role("alice", "bob")}))
    staging = checked(project, "staging")
    assert staging.loaded.kind == "roles"
    assert [(u.name, u.create, u.assume_policies, u.arn) for u in staging.plan.users] == [
        ("alice", False, (), f"arn:aws:iam::{SOURCE}:user/alice"),
        ("bob", False, (), f"arn:aws:iam::{SOURCE}:user/team/bob"),  # the path the people's stack gives bob
    ]
    (trust,) = [json.loads(r.trust_document) for r in staging.plan.roles]
    assert trust["Statement"][0]["Principal"] == {
        "AWS": [f"arn:aws:iam::{SOURCE}:user/alice", f"arn:aws:iam::{SOURCE}:user/team/bob"]
    }


def test_a_roles_only_stack_without_a_people_stack_is_refused(project: Path) -> None:
    write(project, staging=roles_stack(STAGING, **{"staging-read": role("alice")}))
    (problem,) = refused(project, "staging")
    assert problem.startswith("cross-account-roles:users: missing, so this stack holds only roles")
    assert SOURCE in problem


def test_a_roles_only_stack_may_trust_only_people_the_people_stack_declares(project: Path) -> None:
    write(project, people=people_stack(), staging=roles_stack(STAGING, **{"staging-read": role("alice", "mallory")}))
    problems = refused(project, "staging")
    assert any("cross-account-roles:roles.staging-read.trustedUsers" in p and "mallory" in p for p in problems), problems
    assert any("Pulumi.people.yaml" in p for p in problems), problems


# --- the organisation checked as one ---------------------------------------------------------


def test_a_person_owned_by_two_stacks_is_refused_in_both(project: Path) -> None:
    other = {"target": target(DATA), "users": {"alice": {}}, "roles": {"other-read": role("alice")}}
    write(project, people=people_stack(), other=other)
    assert refused(project, "people") == [
        f"cross-account-roles:users.alice: Pulumi.other.yaml also creates this user in source account {SOURCE}; "
        "exactly one stack owns each person: remove it from one of them"
    ]
    assert refused(project, "other")[0].startswith("cross-account-roles:users.alice: Pulumi.people.yaml also creates")


def test_a_role_name_two_stacks_create_in_one_account_is_refused_ignoring_case(project: Path) -> None:
    write(project, people=people_stack(), more=roles_stack(PROD, **{"Prod-Read": role("alice")}))
    problems = refused(project, "more")
    assert problems == [
        f"cross-account-roles:roles.Prod-Read: Pulumi.people.yaml also creates a role of this name in target account "
        f"{PROD} (IAM names ignore case); expected each role of an account in one stack"
    ]


def legacy(account: str, name: str) -> dict[str, Any]:
    return {"target": target(account), "users": {"alice": {"create": False}}, "roles": {name: role("alice")}}


def test_a_person_past_ten_managed_policies_over_all_stacks_is_refused_before_any_up(project: Path) -> None:
    accounts = [f"{100000000000 + i}" for i in range(9)]
    stacks = {f"legacy{i}": legacy(a, f"role{i}") for i, a in enumerate(accounts)}
    write(project, people=people_stack(), **stacks)
    # alice: the people's stack attaches 2 (assume-role, self-service), nine legacy stacks 1 each
    (problem,) = refused(project, "people")
    assert problem.startswith(
        "cross-account-roles:users.alice: trusted by 1 roles whose exact ARNs need 1 assume-role policies of at most "
        "6,144 characters; this stack attaches 2, Pulumi.legacy0.yaml attaches 1,"
    )
    assert problem.endswith(
        ", Pulumi.legacy8.yaml attaches 1: 11 managed policies on one user, and AWS attaches at most 10 (20 by quota "
        "request); expected at most 10: remove users from the stacks that re-list this person (create: false), so "
        "that the people's stack grants their roles in its packed policies (README: migrating to one people's stack)"
    )
    assert refused(project, "legacy3")[0].startswith("cross-account-roles:users.alice: trusted by 1 roles")
    # The same nine accounts as roles-only stacks: alice holds 2 managed policies in all.
    write(
        project,
        people=people_stack(),
        **{n: roles_stack(a, **{f"role{i}": role("alice")}) for (i, a), n in zip(enumerate(accounts), stacks, strict=True)},
    )
    people = checked(project, "people")
    (alice,) = [u for u in people.plan.users if u.name == "alice"]
    assert (alice.attached_policies, len(granted(people, "alice"))) == (2, 10)


def test_check_all_reports_every_stack_and_the_people_figures(project: Path) -> None:
    write(project, people=people_stack(), staging=roles_stack(STAGING, **{"staging-read": role("alice")}))
    done = cli(project, "check", "--all")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        "Organisation check: 2 stacks, 0 refused by their settings, 0 with guardrail errors",
        "Pulumi.people.yaml (people's stack): 0 errors, 0 warnings, 0 waived",
        "Pulumi.staging.yaml (roles only): 0 errors, 0 warnings, 0 waived",
        f"Pulumi.people.yaml: 2 people of source account {SOURCE}; at most 2 managed policies on one person (bob; AWS "
        "attaches at most 10), the largest assume-role policy 276 of 6,144 characters (alice-assume-roles-people)",
    ]


def test_check_all_refuses_stacks_that_cannot_be_valid_together_and_exits_2(project: Path) -> None:
    write(project, people=people_stack(), more=roles_stack(PROD, **{"prod-read": role("alice")}))
    done = cli(project, "check", "--all")
    assert done.returncode == 2
    assert done.stdout.splitlines()[:3] == [
        "Organisation check: 2 stacks, 2 refused by their settings, 0 with guardrail errors",
        "Pulumi.more.yaml: refused, 1 problem(s) in its settings (listed on stderr)",
        "Pulumi.people.yaml: refused, 1 problem(s) in its settings (listed on stderr)",
    ]
    assert "error: Pulumi.more.yaml: 1 problem(s)\n  - cross-account-roles:roles.prod-read: Pulumi.people.yaml" in done.stderr
    assert "error: Pulumi.people.yaml: 1 problem(s)\n  - cross-account-roles:roles.prod-read: Pulumi.more.yaml" in done.stderr


def test_check_all_agrees_with_each_stack_checked_alone(project: Path) -> None:
    write(
        project,
        people=people_stack(),
        staging=roles_stack(
            STAGING,
            **{"admin": {"trustedUsers": ["alice"], "managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"]}},
        ),
    )
    together = check_organisation(project)
    for stack in ("people", "staging"):
        alone = checked(project, stack)
        assert isinstance(together[stack], Checked)
        assert together[stack].findings == alone.findings  # type: ignore[union-attr]
        assert together[stack].plan == alone.plan  # type: ignore[union-attr]
    assert cli(project, "check", "--all").returncode == 1


# --- migration: no window --------------------------------------------------------------------


def test_migrating_a_target_stack_to_roles_only_loses_no_access_at_any_step(project: Path) -> None:
    """README: the people's stack is deployed first, then the target stack. At each step, the
    union of what the deployed stacks grant alice covers what she had before."""
    staging_role = f"arn:aws:iam::{STAGING}:role/staging-read"
    before = legacy(STAGING, "staging-read")
    write(project, people=people_stack(), staging=before)
    old_people, old_staging = checked(project, "people"), checked(project, "staging")
    assert staging_role not in granted(old_people, "alice")  # a legacy stack grants its own roles
    assert granted(old_staging, "alice") == [staging_role]
    assert source_names(old_staging) == ["alice-assume-roles-staging"]
    after = roles_stack(STAGING, **{"staging-read": role("alice")})
    write(project, people=people_stack(), staging=after)
    new_people, new_staging = checked(project, "people"), checked(project, "staging")
    # step 1, `up` of the people's stack: it now grants the staging role too, beside the old policy
    assert granted(new_people, "alice") == [f"arn:aws:iam::{PROD}:role/prod-read", staging_role]
    assert [p.name for u in new_people.plan.users for p in u.assume_policies] == [
        p.name for u in old_people.plan.users for p in u.assume_policies
    ]  # the same policies, updated in place: no replacement
    # step 2, `up` of the staging stack: its per-user policy goes, the role and its trust stay
    assert source_names(new_staging) == []
    assert [r.trust_document for r in new_staging.plan.roles] == [r.trust_document for r in old_staging.plan.roles]


@pytest.mark.parametrize(
    "garbage",
    [
        {"users": {"carol": {}}},  # no target, no roles
        {"target": None, "roles": {"r": None}},
        {"target": target(DATA), "users": ["carol"], "roles": {"r": "not a mapping"}},
        {"target": target(DATA), "roles": {"r": {"trustedUsers": 7}}},
        {"target": "444455556666", "users": {"carol": None}, "groups": [], "selfService": "yes"},
        {"source": [], "target": target(DATA), "roles": {"r": role("alice")}},
    ],
)
def test_another_stack_that_cannot_be_valid_is_its_own_error_never_a_crash_here(project: Path, garbage: dict[str, Any]) -> None:
    write(project, people=people_stack(), staging=roles_stack(STAGING, **{"staging-read": role("alice")}), zz=garbage)
    assert granted(checked(project, "people"), "alice")[-1] == f"arn:aws:iam::{STAGING}:role/staging-read"
    assert checked(project, "staging").loaded.kind == "roles"
    assert refused(project, "zz")  # its own problems, when it is checked
    assert cli(project, "check", "--all").returncode == 2
