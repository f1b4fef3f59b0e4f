"""Attacks on the access model before a team trusts it (issue 30): access invariants a change
could slip past, and `can`/`who-can` answers that could say "denied" where AWS allows, each in
a project of the test's own (never the repository's stack files).

The expected answers follow AWS's documented evaluation: IAM User Guide, "Policy evaluation
logic" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html),
"IAM JSON policy elements: Action" (action names are case-insensitive), "IAM policy elements:
Variables and tags", "Condition operators" (...IfExists, a missing key).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.test_access import PROD, SOURCE, answer, run, write

DELETER = f"arn:aws:iam::{PROD}:role/deleter"


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


@pytest.fixture
def project(program_of_its_own: Path, tmp_path: Path) -> Path:
    shutil.copytree(program_of_its_own, tmp_path, dirs_exist_ok=True)
    return tmp_path


def grant(project: Path, document: dict[str, Any], *, name: str = "grant.json", **role: Any) -> None:
    """One person, alice, and one role, deleter, in prod, trusting her, with `document` as its policy."""
    (project / "policies" / name).write_text(json.dumps(document), encoding="utf-8")
    stack = {
        "target": {"accountId": PROD, "region": "eu-north-1"},
        "users": {"alice": {}},
        "roles": {"deleter": {"trustedUsers": ["alice"], "policyFiles": [name], **role}},
    }
    write(project, people=stack)


def invariant_lines(
    capsys: pytest.CaptureFixture[str], project: Path, stack: str, *invariants: dict[str, Any]
) -> tuple[int, list[str]]:
    path = project / f"Pulumi.{stack}.yaml"
    import yaml

    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["config"]["cross-account-roles:accessInvariants"] = list(invariants)
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    code, out, err = run(capsys, project, "check", "--stack", stack)
    return code, [line for line in (out + err).splitlines() if "ACCESS_INVARIANT" in line or "accessInvariants" in line]


NO_IAM = {"name": "no-iam", "action": "iam:*", "resource": "*", "allow": "none"}


@pytest.mark.parametrize(
    ("document", "reached"),
    [
        (policy(allow("IAM:PassRole")), "iam:PassRole"),
        (policy(allow("iam:Pass*")), "iam:PassRole"),
        (policy(allow("*:*")), None),
        (policy(allow("*")), None),
        (policy({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}), None),
        (policy(allow("iam:passrole", "arn:aws:iam::*:role/*")), "iam:PassRole"),
    ],
)
def test_an_iam_star_invariant_sees_every_spelling_of_an_iam_grant(
    project: Path, capsys: pytest.CaptureFixture[str], document: dict[str, Any], reached: str | None
) -> None:
    grant(project, document)
    code, lines = invariant_lines(capsys, project, "people", NO_IAM)
    assert code == 1, lines
    assert len(lines) == 1, lines
    assert '"no-iam" is broken: alice reaches iam:' in lines[0]
    if reached:
        assert f"alice reaches {reached} on" in lines[0]


def test_a_resource_named_with_a_policy_variable_is_reached(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`${aws:PrincipalAccount}` in a role's Resource is the role's account: deleter deletes
    arn:aws:s3:::logs-444455556666, so "no one deletes any bucket" is broken."""
    grant(project, policy(allow("s3:DeleteBucket", "arn:aws:s3:::logs-${aws:PrincipalAccount}")))
    result = answer(capsys, project, "can", "alice", "s3:DeleteBucket", f"arn:aws:s3:::logs-{PROD}")
    assert (result["decision"], result["through"]) == ("allowed", [DELETER])
    pattern = answer(capsys, project, "can", "alice", "s3:DeleteBucket", "arn:aws:s3:::*")
    assert (pattern["decision"], pattern["through"]) == ("allowed", [DELETER])
    no_delete = {"name": "no-delete", "action": "s3:DeleteBucket", "resource": "arn:aws:s3:::*", "allow": "none"}
    code, lines = invariant_lines(capsys, project, "people", no_delete)
    assert code == 1
    assert len(lines) == 1
    assert (
        f'"no-delete" is broken: alice reaches s3:DeleteBucket on arn:aws:s3:::logs-{PROD} through alice -> {DELETER}' in lines[0]
    )


def test_a_condition_on_the_roles_own_tag_holds(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A role session's aws:PrincipalTag/KEY is the role's tag (IAM User Guide, "AWS global
    condition context keys", aws:PrincipalTag): a grant gated on it is in force."""
    gated = allow("s3:DeleteBucket", "arn:aws:s3:::prod-*", Condition={"StringEquals": {"aws:PrincipalTag/team": "admins"}})
    grant(project, policy(gated), tags={"team": "admins"})
    result = answer(capsys, project, "can", "alice", "s3:DeleteBucket", "arn:aws:s3:::prod-logs")
    assert (result["decision"], result["through"]) == ("allowed", [DELETER])
    grant(project, policy(gated), tags={"team": "devs"})
    assert answer(capsys, project, "can", "alice", "s3:DeleteBucket", "arn:aws:s3:::prod-logs")["decision"] == "denied"


def test_administrator_access_by_arn_breaks_no_iam(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    grant(project, policy(allow("s3:ListAllMyBuckets")), managedPolicyArns=["arn:aws:iam::aws:policy/AdministratorAccess"])
    code, lines = invariant_lines(capsys, project, "people", NO_IAM)
    assert code == 1
    (line,) = lines
    assert "Allow arn:aws:iam::aws:policy/AdministratorAccess Statement[0]" in line


OTHER = "555566667777"
GLASS = f"arn:aws:iam::{OTHER}:role/glass"


def test_a_group_joined_in_another_stack_with_the_name_in_another_case(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """alice is created by the people's stack; the teams stack names her "Alice" (create: false:
    IAM's one user, names being case-insensitive) in its group admins, which its role glass
    trusts. `can group:admins` answers for her, and `allow: [group:admins]` holds."""
    document = policy(allow("s3:DeleteBucket", "arn:aws:s3:::prod-*"))
    (project / "policies" / "grant.json").write_text(json.dumps(document), encoding="utf-8")
    people = {
        "target": {"accountId": PROD, "region": "eu-north-1"},
        "users": {"alice": {}},
        "roles": {"reader": {"trustedUsers": ["alice"], "policyFiles": ["role_permissions_policy.json"]}},
    }
    only_admins = {"name": "only-admins", "action": "s3:DeleteBucket", "resource": "*", "allow": ["group:Admins"]}
    teams = {
        "target": {"accountId": OTHER, "region": "eu-north-1"},
        "users": {"Alice": {"create": False}},
        "groups": {"admins": {"members": ["Alice"]}},
        "roles": {"glass": {"trustedGroups": ["admins"], "policyFiles": ["grant.json"]}},
        "accessInvariants": [only_admins],
    }
    write(project, people=people, teams=teams)
    group = answer(capsys, project, "can", "group:admins", "s3:DeleteBucket", "arn:aws:s3:::prod-logs")
    assert (group["decision"], group["through"]) == ("allowed", [GLASS])
    assert [p["principal"] for p in group["paths"]] == ["alice"]
    code, out, _ = run(capsys, project, "check", "--stack", "teams")
    assert code == 0, out
    assert "ACCESS_INVARIANT" not in out


def test_an_invariant_naming_no_principal_of_the_project_is_an_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    grant(project, policy(allow("s3:DeleteBucket")))
    invariant = {
        "name": "ghosts",
        "action": "s3:DeleteBucket",
        "resource": "*",
        "allow": ["group:ghosts", "role:ghost", f"saml:arn:aws:iam::{PROD}:saml-provider/Ghost"],
    }
    code, lines = invariant_lines(capsys, project, "people", invariant)
    assert code != 0
    joined = "\n".join(lines)
    assert 'cross-account-roles:accessInvariants[0].allow[0]: principal "group:ghosts": no group of that name' in joined
    assert 'cross-account-roles:accessInvariants[0].allow[1]: principal "role:ghost": no role of that name' in joined
    assert "cross-account-roles:accessInvariants[0].allow[2]: principal " in joined


MFA_EVERYWHERE = {"name": "nothing-without-mfa", "action": "*", "resource": "*", "requireMfa": True}


def test_a_bool_false_deny_on_the_role_keeps_require_mfa_as_a_role_session_carries_false(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A role session is made of temporary credentials, so its requests carry
    aws:MultiFactorAuthPresent, "false" when MFA did not validate them (IAM User Guide, "AWS
    global condition context keys", aws:MultiFactorAuthPresent: "This key is included in the
    request context only when the principal uses temporary credentials"; the `Deny`/`Bool`/`false`
    combination "denies requests that can be authenticated using MFA, but were not"): the role's
    `Bool ... false` Deny denies every request of a session assumed without MFA, and
    `requireMfa` holds. (A person's long-term keys carry no MFA key at all: there only
    `BoolIfExists` catches them, as the self-service policy's Deny does.)"""
    fake = {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}
    document = policy(allow("s3:DeleteBucket", "arn:aws:s3:::prod-*"), fake)
    grant(project, document, requireMfa=False)
    stack = project / "Pulumi.people.yaml"
    stack.write_text(
        stack.read_text(encoding="utf-8") + "  cross-account-roles:selfService:\n    enforceMfa: false\n", encoding="utf-8"
    )
    assert invariant_lines(capsys, project, "people", MFA_EVERYWHERE)[1] == []
    result = answer(capsys, project, "can", "alice", "s3:DeleteBucket", "arn:aws:s3:::prod-logs")
    (path,) = result["paths"]
    assert (result["decision"], path["through"], path["withoutMfa"]) == ("allowed", [DELETER], "denied")
    bare = answer(
        capsys,
        project,
        "can",
        "alice",
        "s3:DeleteBucket",
        "arn:aws:s3:::prod-logs",
        "--context",
        "aws:MultiFactorAuthPresent=false",
    )
    (path,) = bare["paths"]
    assert (bare["decision"], path["reason"]) == ("denied", "explicit Deny in policies/grant.json Statement[1]")


def test_a_trust_that_names_the_account_root_is_seen_by_invariants(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`trust: path` writes the source account's root with an ArnLike on aws:PrincipalArn: alice,
    on that path, reaches the role; without MFA too, once neither side asks for it."""
    (project / "policies" / "grant.json").write_text(
        json.dumps(policy(allow("s3:DeleteBucket", "arn:aws:s3:::prod-*"))), encoding="utf-8"
    )
    stack = {
        "target": {"accountId": PROD, "region": "eu-north-1"},
        "users": {"alice": {"path": "/team/"}},
        "selfService": {"enforceMfa": False},
        "roles": {
            "deleter": {
                "trust": "path",
                "trustedPath": "/team/",
                "trustedUsers": ["alice"],
                "requireMfa": False,
                "policyFiles": ["grant.json"],
            }
        },
        "accessInvariants": [
            MFA_EVERYWHERE,
            {"name": "no-delete", "action": "s3:DeleteBucket", "resource": "arn:aws:s3:::prod-*", "allow": "none"},
        ],
    }
    # bob, of another stack, is on the same path, and his group gives him AdministratorAccess:
    # the trust (root, ArnLike on the path) and his identity policy both allow him in.
    others = {
        "target": {"accountId": OTHER, "region": "eu-north-1"},
        "users": {"bob": {"path": "/team/"}},
        "groups": {"admins": {"members": ["bob"], "managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"]}},
        "roles": {"reader": {"trustedUsers": ["bob"], "policyFiles": ["role_permissions_policy.json"]}},
    }
    write(project, people=stack, others=others)
    code, out, _ = run(capsys, project, "check", "--stack", "people")
    assert code == 1, out
    lines = [line for line in out.splitlines() if "ACCESS_INVARIANT" in line]
    assert len(lines) == 5, out
    assert lines[0].startswith(
        '  error ACCESS_INVARIANT cross-account-roles:accessInvariants[0]: "nothing-without-mfa" is broken: alice reaches'
    )
    assert "requireMfa: true, and this path holds without MFA" in lines[0]
    # bob's self-service policy enforces MFA on his roles, but AdministratorAccess lets him read
    # the password policy (which that policy leaves open for enrolment) with his keys alone
    assert lines[1].startswith(
        '  error ACCESS_INVARIANT cross-account-roles:accessInvariants[0]: "nothing-without-mfa" is broken: bob reaches '
        "iam:GetAccountPasswordPolicy on * with its own policies (no role), and requireMfa: true, and this path holds without MFA"
    )
    assert f'"no-delete" is broken: alice reaches s3:DeleteBucket on arn:aws:s3:::prod- through alice -> {DELETER}' in lines[2]
    assert f'"no-delete" is broken: bob reaches s3:DeleteBucket on arn:aws:s3:::prod- through bob -> {DELETER}' in lines[3]
    assert "Allow arn:aws:iam::aws:policy/AdministratorAccess Statement[0]" in lines[3]
    assert lines[4].endswith(
        '"no-delete" is broken: bob reaches s3:DeleteBucket on arn:aws:s3:::prod- with its own policies (no role) '
        "(conditions: MFA), and allow names no one; deciding statements: Allow arn:aws:iam::aws:policy/AdministratorAccess "
        "Statement[0]. Remove the grant or the trust, or change the invariant"
    )


# --- can / who-can: hostile arguments ---------------------------------------------------------


@pytest.mark.parametrize("hostile", ["prod-\x1b[31mlogs", "prod-\u202elogs", "prod-\x07\r\nlogs"])
def test_a_hostile_resource_or_action_is_escaped_in_text_and_exact_in_json(
    project: Path, capsys: pytest.CaptureFixture[str], hostile: str
) -> None:
    grant(project, policy(allow("s3:DeleteBucket", "arn:aws:s3:::prod-*")))
    resource = f"arn:aws:s3:::{hostile}"
    for command in (["can", "alice"], ["who-can"]):
        code, out, err = run(capsys, project, *command, "s3:DeleteBucket", resource)
        assert code == 0, err
        assert all(c not in out for c in "\x1b\u202e\x07\r"), out
        assert json.dumps(resource)[1:-1] in out or json.dumps(resource) in out
        exact = answer(capsys, project, *command, "s3:DeleteBucket", resource)
        assert exact["resource"] == resource
        action = answer(capsys, project, *command, "s3:Delete\u202eBucket", resource)
        assert action["action"] == "s3:Delete\u202eBucket"
    allowed = answer(capsys, project, "can", "alice", "s3:DeleteBucket", resource)
    assert (allowed["decision"], allowed["through"]) == ("allowed", [DELETER])  # IAM's * matches any character


@pytest.mark.parametrize("name", ["AWS:MULTIFACTORAUTHPRESENT", "aws:multifactorauthpresent", "Aws:MultiFactorAuthPresent"])
def test_a_context_key_in_any_case_is_the_same_key(project: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    """Condition key names are case-insensitive (IAM User Guide, "IAM JSON policy elements: Condition"):
    pinning MFA off in any case denies through the self-service policy's Deny, once."""
    grant(project, policy(allow("s3:DeleteBucket", "arn:aws:s3:::prod-*")))
    result = answer(capsys, project, "can", "alice", "s3:DeleteBucket", "arn:aws:s3:::prod-logs", "--context", f"{name}=false")
    assert result["decision"] == "denied"
    assert [b["sid"] for b in result["because"]] == ["DenyAllExceptListedIfNoMFA"]
    assert [k for k in result["context"] if k.lower() == "aws:multifactorauthpresent"] == [name]
    assert [k for k in result["context"] if k.lower() == "aws:multifactorauthage"] == []


def test_an_arn_in_another_partition_is_not_reached(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A role of the aws partition never reaches a resource of aws-cn or aws-us-gov (partitions are
    separate: "AWS General Reference", ARN format), even with Resource "*"."""
    grant(project, policy(allow("s3:ListAllMyBuckets")))
    for arn in ("arn:aws-cn:s3:::prod-logs", "arn:aws-us-gov:s3:::prod-logs"):
        result = answer(capsys, project, "can", "alice", "s3:ListAllMyBuckets", arn)
        assert result["decision"] == "denied", arn
        partition = arn.split(":")[1]
        assert [p["reason"] for p in result["paths"]] == [
            f"the resource is in partition {partition} and the role in aws: a partition's credentials are not valid in another"
        ]
    principal = run(capsys, project, "can", f"arn:aws-cn:iam::{PROD}:user/alice", "s3:ListAllMyBuckets", "*")
    assert principal[0] == 2


def test_an_unsupported_condition_operator_is_an_error_naming_the_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = allow("s3:DeleteBucket", "arn:aws:s3:::prod-*", Condition={"StringEqualsWhatever": {"aws:username": "alice"}})
    grant(project, policy(odd))
    for command in (["can", "alice"], ["who-can"]):
        code, out, err = run(capsys, project, *command, "s3:DeleteBucket", "arn:aws:s3:::prod-logs")
        assert (code, out) == (2, ""), (command, out)
        assert err.endswith(
            "a policy the evaluator cannot read: policies/grant.json Statement[0]: "
            "condition operator 'StringEqualsWhatever' is not supported\n"
        )
    # check: an invariant a policy could hide a path from is an error, never a silent pass
    code, lines = invariant_lines(capsys, project, "people", {**NO_IAM, "action": "s3:*"})
    assert code == 1
    assert lines == [
        '  error ACCESS_INVARIANT cross-account-roles:accessInvariants[0]: "no-iam" was not checked: a policy the '
        "evaluator cannot read: policies/grant.json Statement[0]: condition operator 'StringEqualsWhatever' is not "
        "supported; use only the elements and condition operators docs/access.md (## The evaluation) lists"
    ]


def test_a_chain_longer_than_the_walk_still_breaks_the_invariant(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """alice -> hop1 -> ... -> hop5 (roles of the source account, each trusting the one before)
    -> deleter in prod: AWS sets no limit on how many roles a chain goes through (IAM User
    Guide, "Roles terms and concepts", role chaining: only the session lasts at most an hour),
    so the sixth role still reaches the action, and `allow: none` is broken."""
    names = [*(f"hop{i}" for i in range(1, 6)), "deleter"]
    arns = [f"arn:aws:iam::{SOURCE if n != 'deleter' else PROD}:role/{n}" for n in names]
    roles: dict[str, Any] = {}
    for i, name in enumerate(names):
        last = name == "deleter"
        document = policy(allow("s3:DeleteBucket", "arn:aws:s3:::prod-*") if last else allow("sts:AssumeRole", arns[i + 1]))
        (project / "policies" / f"{name}.json").write_text(json.dumps(document), encoding="utf-8")
        trust = {"trustedUsers": ["alice"]} if i == 0 else {"trustedRoles": [arns[i - 1]]}
        roles[name] = {**trust, "policyFiles": [f"{name}.json"]}
    no_delete = {"name": "no-delete", "action": "s3:DeleteBucket", "resource": "arn:aws:s3:::prod-*", "allow": "none"}
    people = {
        "target": {"accountId": PROD, "region": "eu-north-1"},
        "users": {"alice": {}},
        "roles": {"deleter": roles.pop("deleter")},
        "accessInvariants": [no_delete],
    }
    write(project, people=people, hub={"target": {"accountId": SOURCE, "region": "eu-north-1"}, "roles": roles})
    result = answer(capsys, project, "can", "alice", "s3:DeleteBucket", "arn:aws:s3:::prod-logs")
    assert (result["decision"], result["through"]) == ("allowed", arns)
    who = answer(capsys, project, "who-can", "s3:DeleteBucket", "arn:aws:s3:::prod-logs")
    assert [(p["principal"], p["through"]) for p in who["paths"]] == [("alice", arns)]
    code, out, _ = run(capsys, project, "check", "--stack", "people")
    assert code == 1
    lines = [line for line in out.splitlines() if "ACCESS_INVARIANT" in line]
    assert len(lines) == 1, out
    assert f"through alice -> {' -> '.join(arns)}" in lines[0]


@pytest.mark.parametrize(
    ("deny", "resource", "reached"),
    [
        # deny everything but s3: s3 actions stay allowed
        ({"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}, "*", "s3:"),
        # deny deleting any bucket but the keep-* ones: those stay deletable
        (
            {"Effect": "Deny", "Action": "s3:DeleteBucket", "NotResource": "arn:aws:s3:::keep-*"},
            "*",
            "s3:DeleteBucket on arn:aws:s3:::keep-",
        ),
        # deny the shortest name the pattern matches: every longer one stays deletable
        (
            {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::"},
            "arn:aws:s3:::*",
            "s3:DeleteBucket on arn:aws:s3:::x",
        ),
    ],
)
def test_a_deny_that_leaves_a_gap_does_not_hide_the_gap_from_an_invariant(
    project: Path, capsys: pytest.CaptureFixture[str], deny: dict[str, Any], resource: str, reached: str
) -> None:
    """A pattern invariant ("no one deletes any bucket", "no one does anything") must find the
    action and resource a Deny leaves out: the first candidates the model tries may all be denied."""
    grant(project, policy(allow("*"), deny))
    action = "*" if "NotAction" in deny else "s3:DeleteBucket"
    nothing = {"name": "nothing", "action": action, "resource": resource, "allow": "none"}
    code, lines = invariant_lines(capsys, project, "people", nothing)
    assert code == 1
    (line,) = lines
    assert f'"nothing" is broken: alice reaches {reached}' in line


def test_a_groups_managed_policy_reaches_the_source_account_without_any_role(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """AdministratorAccess on a group gives its members iam:* in the source account with their own
    credentials, no role in between (an identity policy alone allows a request in its own
    account: "Policy evaluation logic", same account): "no one reaches iam:* in the source
    account" is broken, and `can` says so."""
    grant(project, policy(allow("s3:DeleteBucket", "arn:aws:s3:::prod-*")))
    no_iam = {"name": "no-iam-in-source", "action": "iam:*", "resource": f"arn:aws:iam::{SOURCE}:*", "allow": "none"}
    # what the self-service policy alone allows (her own password, keys, MFA device) is every person's: not counted
    assert invariant_lines(capsys, project, "people", no_iam) == (0, [])
    stack = project / "Pulumi.people.yaml"
    import yaml

    config = yaml.safe_load(stack.read_text(encoding="utf-8"))
    config["config"]["cross-account-roles:groups"] = {
        "admins": {"members": ["alice"], "managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"]}
    }
    stack.write_text(yaml.safe_dump(config), encoding="utf-8")
    user = f"arn:aws:iam::{SOURCE}:user/bob"
    result = answer(capsys, project, "can", "alice", "iam:CreateAccessKey", user)
    assert result["decision"] == "allowed"
    (path,) = result["paths"]
    assert (path["through"], path["withoutMfa"]) == ([], "denied")  # the self-service policy's Deny without MFA
    assert [(b["source"], b["statement"]) for b in result["because"]] == [("arn:aws:iam::aws:policy/AdministratorAccess", 0)]
    code, out, _ = run(capsys, project, "can", "alice", "iam:CreateAccessKey", user)
    assert "  with its own policies (no role): allowed; denied without MFA\n" in out
    code, lines = invariant_lines(capsys, project, "people", no_iam)
    assert code == 1
    (line,) = lines
    assert line.endswith(
        f"alice reaches iam:GetAccountPasswordPolicy on arn:aws:iam::{SOURCE}: with its own policies (no role), and allow "
        "names no one; deciding statements: Allow Pulumi.people.yaml cross-account-roles:selfService (policy "
        "self-service-credentials-people) Statement[0] (AllowViewAccountInfo); Allow arn:aws:iam::aws:policy/AdministratorAccess "
        "Statement[0]. Remove the grant or the trust, or change the invariant"
    )
    who = answer(capsys, project, "who-can", "iam:CreateAccessKey", user)
    assert [(p["principal"], p["through"]) for p in who["paths"]] == [("alice", [])]


@pytest.mark.parametrize("action", ["IAM:*", "iam:PASS*", "*:passrole", "i?m:*"])
def test_an_invariant_action_in_any_spelling_sees_the_grant(
    project: Path, capsys: pytest.CaptureFixture[str], action: str
) -> None:
    """Action names compare without case and with * and ? (IAM User Guide, "IAM JSON policy
    elements: Action"), in the invariant as in the policy."""
    grant(project, policy(allow("iam:PassRole", "arn:aws:iam::*:role/*")))
    invariant = {"name": "no-passrole", "action": action, "resource": f"arn:aws:iam::{PROD}:*", "allow": "none"}
    code, lines = invariant_lines(capsys, project, "people", invariant)
    assert code == 1
    (line,) = lines
    assert f'"no-passrole" is broken: alice reaches iam:PassRole on arn:aws:iam::{PROD}:role/ through alice -> {DELETER}' in line


def test_a_grant_that_holds_only_without_mfa_is_not_hidden(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A role whose policy allows only when MFA is absent (`BoolIfExists aws:MultiFactorAuthPresent
    false`) is reached with long-term keys alone, once neither the trust nor the self-service
    policy asks for MFA: `allow: none` and `requireMfa` are both broken, and `can` says allowed
    (without MFA) rather than "denied"."""
    only_without = allow(
        "s3:DeleteBucket", "arn:aws:s3:::prod-*", Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    )
    grant(project, policy(only_without), requireMfa=False)
    stack = project / "Pulumi.people.yaml"
    stack.write_text(
        stack.read_text(encoding="utf-8") + "  cross-account-roles:selfService:\n    enforceMfa: false\n", encoding="utf-8"
    )
    no_delete = {"name": "no-delete", "action": "s3:DeleteBucket", "resource": "arn:aws:s3:::prod-*", "allow": "none"}
    code, lines = invariant_lines(capsys, project, "people", no_delete, MFA_EVERYWHERE)
    assert code == 1
    assert len(lines) == 2, lines
    assert lines[0].startswith(
        '  error ACCESS_INVARIANT cross-account-roles:accessInvariants[0]: "no-delete" is broken: alice reaches s3:DeleteBucket '
        f"on arn:aws:s3:::prod- through alice -> {DELETER} (conditions: without MFA only), and allow names no one; "
    )
    assert lines[1].startswith(
        '  error ACCESS_INVARIANT cross-account-roles:accessInvariants[1]: "nothing-without-mfa" is broken: alice reaches '
        f"s3:DeleteBucket on arn:aws:s3:::prod- through alice -> {DELETER} (conditions: without MFA only), and requireMfa: true"
    )
    result = answer(capsys, project, "can", "alice", "s3:DeleteBucket", "arn:aws:s3:::prod-logs")
    assert (result["decision"], result["through"]) == ("allowed", [DELETER])
    (path,) = result["paths"]
    assert (path["withoutMfa"], path["conditions"]) == ("allowed", ["without MFA only"])
    assert answer(capsys, project, "who-can", "s3:DeleteBucket", "arn:aws:s3:::prod-logs")["principals"] == ["alice"]


@pytest.mark.parametrize("command", [["can", "alice"], ["who-can"]])
def test_a_stack_option_naming_no_stack_is_an_error_not_a_denial(
    project: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """`--stack prdo --expect deny` must not pass CI because the typo leaves no role to answer."""
    grant(project, policy(allow("s3:DeleteBucket", "arn:aws:s3:::prod-*")))
    code, out, err = run(capsys, project, *command, "s3:DeleteBucket", "arn:aws:s3:::prod-logs", "--stack", "peop\x1ble")
    assert (code, out) == (2, "")
    assert err.endswith(
        '--stack "peop\\u001ble": no stack of that name in the project (a Pulumi.<stack>.yaml); expected one of people\n'
    )
    assert "\x1b" not in err


def test_a_permission_set_and_a_saml_provider_trusted_by_a_role_break_allow_none(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Principals that are not people (a permission set's role, a SAML provider's sign-in) reach
    the role too; `allow` naming them keeps the invariant."""
    saml = f"arn:aws:iam::{PROD}:saml-provider/Okta"
    grant(
        project,
        policy(allow("s3:DeleteBucket", "arn:aws:s3:::prod-*")),
        trustedPermissionSets=["Admins"],
        ssoRegion="eu-west-1",
        ssoStartUrl="https://acme.awsapps.com/start",
        trustedSamlProviders=[saml],
    )
    no_delete = {"name": "no-delete", "action": "s3:DeleteBucket", "resource": "arn:aws:s3:::prod-*", "allow": "none"}
    code, lines = invariant_lines(capsys, project, "people", no_delete)
    assert code == 1
    assert [line.split(" reaches ")[0].rsplit(" is broken: ", 1)[1] for line in lines] == [
        "alice",
        "permission-set:Admins",
        f"saml:{saml}",
    ]
    permitted = {**no_delete, "allow": ["ALICE", "permission-set:admins", f"saml:{saml}"]}
    assert invariant_lines(capsys, project, "people", permitted) == (0, [])
