"""Access invariants (`accessInvariants`, docs/access.md) in stacks of the tests' own: `check` and
`check --all` refuse a change that breaks one, naming the principal, the path and the deciding
statements; a bad invariant is one clear settings error naming its key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.test_access import BOUNDARY, DELETE_PROD, PROD, people, run, write

GLASS = f"arn:aws:iam::{PROD}:role/glass"
DELETER = f"arn:aws:iam::{PROD}:role/deleter"
ONLY_BREAKGLASS = {
    "name": "only-breakglass-deletes",
    "action": "s3:DeleteBucket",
    "resource": "arn:aws:s3:::prod-*",
    "allow": ["group:breakglass"],
}


@pytest.fixture
def project(program_of_its_own: Path, tmp_path: Path) -> Path:
    shutil.copytree(program_of_its_own, tmp_path, dirs_exist_ok=True)
    for name, document in (("delete_prod.json", DELETE_PROD), ("boundary.json", BOUNDARY)):
        (tmp_path / "policies" / name).write_text(json.dumps(document), encoding="utf-8")
    return tmp_path


def with_invariants(*invariants: dict[str, Any], **extra: Any) -> dict[str, Any]:
    stack = people(**extra)
    stack["accessInvariants"] = list(invariants)
    return stack


def only_glass(stack: dict[str, Any]) -> dict[str, Any]:
    """The people's stack with only the break-glass group reaching prod buckets' deletion."""
    del stack["roles"]["deleter"], stack["roles"]["boundary-holder"]
    return stack


def test_a_held_invariant_passes_check_and_check_all(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, people=only_glass(with_invariants(ONLY_BREAKGLASS)))
    assert run(capsys, project, "check", "--stack", "people")[0] == 0
    assert run(capsys, project, "check", "--all")[0] == 0


def test_a_broken_invariant_names_the_principal_the_path_and_the_statements(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, people=with_invariants(ONLY_BREAKGLASS))
    code, out, _ = run(capsys, project, "check", "--stack", "people", "--format", "json")
    assert code == 1
    broken = [f for f in json.loads(out)["findings"] if f["rule_id"] == "ACCESS_INVARIANT"]
    assert [f["location"] for f in broken] == ["cross-account-roles:accessInvariants[0]"] * 2
    assert broken[0]["message"] == (
        f'"only-breakglass-deletes" is broken: alice reaches s3:DeleteBucket on arn:aws:s3:::prod- through alice -> {DELETER} '
        "(conditions: MFA), and allow names group:breakglass; deciding statements: "
        "Allow Pulumi.people.yaml cross-account-roles:users.alice (policy alice-assume-roles-people) Statement[0] (AssumeCrossAccountRoles); "
        "Allow Pulumi.people.yaml cross-account-roles:roles.deleter (trust policy) Statement[0] (TrustSourceUsers); "
        "Allow policies/delete_prod.json Statement[0] (DeleteProdBuckets); Allow policies/boundary.json Statement[0] (UpToBuckets). "
        "Remove the grant or the trust, or change the invariant"
    )
    assert broken[1]["message"].startswith('"only-breakglass-deletes" is broken: bob reaches s3:DeleteBucket')
    code, out, _ = run(capsys, project, "check", "--all")
    assert code == 1
    assert out.count("error ACCESS_INVARIANT cross-account-roles:accessInvariants[0]") == 2


def test_an_invariant_of_a_roles_only_stack_sees_the_people_of_the_people_stack(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No one reaches iam:* in prod: judged from the prod stack, though the grant is the people's stack's."""
    iam = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*"}]}
    (project / "policies" / "iam_read.json").write_text(json.dumps(iam), encoding="utf-8")
    stack = people()
    stack["target"] = {"accountId": "555566667777", "region": "eu-north-1"}
    stack["roles"]["deleter"]["permissionsBoundary"] = "arn:aws:iam::555566667777:policy/boundary-holder-boundary"
    prod = {
        "target": {"accountId": PROD, "region": "eu-north-1"},
        "roles": {"auditor": {"trustedUsers": ["carol"], "policyFiles": ["iam_read.json"]}},
        "accessInvariants": [
            {"name": "no-iam-in-prod", "action": "iam:*", "resource": f"arn:aws:iam::{PROD}:*", "allow": "none"}
        ],
    }
    write(project, people=stack, prod=prod)
    code, out, _ = run(capsys, project, "check", "--stack", "prod")
    assert code == 1
    assert (
        f'error ACCESS_INVARIANT cross-account-roles:accessInvariants[0]: "no-iam-in-prod" is broken: carol reaches iam:GetRole '
        f"on arn:aws:iam::{PROD}: through carol -> arn:aws:iam::{PROD}:role/auditor (conditions: MFA), and allow names no one;"
    ) in out


def test_require_mfa_is_broken_by_a_path_that_holds_without_mfa(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """vendor has requireMfa: false; while bob's self-service policy enforces MFA no path holds
    without it, and once selfService.enforceMfa is false, bob reaches it without MFA."""
    mfa = {"name": "nothing-without-mfa", "action": "*", "resource": "*", "requireMfa": True}
    write(project, people=with_invariants(mfa))
    assert run(capsys, project, "check", "--stack", "people")[0] == 0
    write(project, people=with_invariants(mfa, selfService={"enforceMfa": False}))
    code, out, _ = run(capsys, project, "check", "--stack", "people")
    assert code == 1
    lines = [line for line in out.splitlines() if "ACCESS_INVARIANT" in line]
    assert len(lines) == 1
    assert "bob reaches s3:ListAllMyBuckets on * through bob -> arn:aws:iam::444455556666:role/vendor" in lines[0]
    assert "requireMfa: true, and this path holds without MFA" in lines[0]


@pytest.mark.parametrize(
    ("invariant", "problem"),
    [
        (
            {"name": "x", "action": "iam:*", "resource": "*", "allow": ["mallory"]},
            'Pulumi.people.yaml cross-account-roles:accessInvariants[0].allow[0]: principal "mallory": no user of that name',
        ),
        (
            {"name": "x", "action": "iam:*", "resource": "*", "allow": ["group:*"]},
            'cross-account-roles:accessInvariants[0].allow[0]: got "group:*"; expected one principal without wildcards',
        ),
        (
            {"name": "x", "action": "iam", "resource": "*", "allow": "none"},
            'cross-account-roles:accessInvariants[0].action: got "iam"; expected an action as IAM names it',
        ),
        (
            {"name": "x", "action": "iam:*", "resource": "*"},
            'cross-account-roles:accessInvariants[0]: "x" says nothing; expected allow',
        ),
        (
            {"name": "x", "action": "iam:*", "resource": "*", "allow": "nobody"},
            "cross-account-roles:accessInvariants[0].allow",
        ),
        (
            {"name": "x", "action": "iam:*", "resource": "*", "allow": "none", "requireMFA": True},
            "cross-account-roles:accessInvariants[0].requireMFA: unknown key",
        ),
    ],
)
def test_a_bad_invariant_is_one_error_naming_its_key(
    project: Path, capsys: pytest.CaptureFixture[str], invariant: dict[str, Any], problem: str
) -> None:
    write(project, people=with_invariants(invariant))
    code, out, err = run(capsys, project, "check", "--stack", "people")
    assert (code, out) == (2, "")
    assert problem in err
    assert err.count("\n  - ") == 1


def test_two_invariants_whose_names_differ_only_by_case_are_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = {"name": "No-IAM", "action": "iam:*", "resource": "*", "allow": "none"}
    write(project, people=with_invariants(first, {**first, "name": "no-iam"}))
    code, _, err = run(capsys, project, "check", "--stack", "people")
    assert code == 2
    assert (
        'cross-account-roles:accessInvariants[1].name: "no-iam" is also the name of cross-account-roles:accessInvariants[0]'
        in err
    )


def test_invariants_are_not_judged_while_another_stack_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prod = {
        "target": {"accountId": "555566667777", "region": "eu-north-1"},
        "roles": {"reader": {"trustedUsers": ["alice"], "policyFiles": ["role_permissions_policy.json"]}},
        "accessInvariants": [{"name": "no-iam", "action": "iam:*", "resource": "*", "allow": "none"}],
    }
    broken = {
        "target": {"accountId": "666677778888", "region": "eu-north-1"},
        "roles": {"r": {"trustedUsers": ["alice"], "maxSessionDuration": 5}},
    }
    write(project, people=people(), prod=prod, broken=broken)
    code, out, _ = run(capsys, project, "check", "--stack", "prod")
    assert code == 1
    assert (
        "error ACCESS_INVARIANT cross-account-roles:accessInvariants: not checked: Pulumi.broken.yaml, Pulumi.people.yaml "
        "are refused by their settings, and the access model needs every stack"
    ) in out
