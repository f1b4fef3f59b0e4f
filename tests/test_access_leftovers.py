"""Issue 30's leftovers from the attack on the access model, each settled by AWS's documentation:
which callers SCPs judge, what a role session without MFA carries, what `--stack` keeps of a
person's own access, and a principal ARN of another partition. Projects of the tests' own."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossaccount.access import Caller, Policy, Request, evaluate
from crossaccount.access.model import Question, can
from crossaccount.access.principals import find
from tests.test_access import PROD, SOURCE, STAGING, answer, model_of, run, write

ADMINS = {"members": ["alice"], "managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"]}
BOB = f"arn:aws:iam::{SOURCE}:user/bob"


@pytest.fixture
def project(program_of_its_own: Path, tmp_path: Path) -> Path:
    """alice (in group admins: AdministratorAccess) of the people stack, whose role reader in prod
    she may assume; staging, a roles-only stack whose role lister trusts her too."""
    shutil.copytree(program_of_its_own, tmp_path, dirs_exist_ok=True)
    read = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}
    (tmp_path / "policies" / "list.json").write_text(json.dumps(read), encoding="utf-8")
    write(
        tmp_path,
        people={
            "target": {"accountId": PROD, "region": "eu-north-1"},
            "users": {"alice": {}},
            "groups": {"admins": ADMINS},
            "roles": {"reader": {"trustedUsers": ["alice"], "policyFiles": ["list.json"]}},
        },
        staging={
            "target": {"accountId": STAGING, "region": "eu-north-1"},
            "roles": {"lister": {"trustedUsers": ["alice"], "policyFiles": ["list.json"]}},
        },
    )
    return tmp_path


# --- 3. `--stack S` and a person's own path ---------------------------------------------------


@pytest.mark.parametrize("command", [["can", "alice"], ["who-can"]])
def test_stack_keeps_the_own_path_of_the_people_it_declares(
    project: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """The people stack writes alice's identity policies (her group's AdministratorAccess): her
    own access to iam:CreateAccessKey in her account is that stack's; the roles-only staging
    stack gives her none of it."""
    mine = answer(capsys, project, *command, "iam:CreateAccessKey", BOB, "--stack", "people")
    assert [(p["principal"], p["through"], p["decision"]) for p in mine["paths"]] == [("alice", [], "allowed")]
    assert [(b["source"], b["statement"]) for b in mine["paths"][0]["because"]] == [
        ("arn:aws:iam::aws:policy/AdministratorAccess", 0)
    ]
    theirs = answer(capsys, project, *command, "iam:CreateAccessKey", BOB, "--stack", "staging")
    if command[0] == "who-can":
        assert theirs["paths"] == []
    else:  # only the staging role's path, denied: a role of staging does not reach the source account
        assert (mine["decision"], theirs["decision"]) == ("allowed", "denied")
        assert [(p["through"], p["decision"]) for p in theirs["paths"]] == [([f"arn:aws:iam::{STAGING}:role/lister"], "denied")]


def test_stack_still_keeps_only_its_own_roles(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A role path stays with the stack of its last role; alice's own path (AdministratorAccess
    allows s3:ListAllMyBuckets too) stays with the people stack."""
    staging = answer(capsys, project, "can", "alice", "s3:ListAllMyBuckets", "*", "--stack", "staging")
    assert [p["through"] for p in staging["paths"]] == [[f"arn:aws:iam::{STAGING}:role/lister"]]
    people = answer(capsys, project, "can", "alice", "s3:ListAllMyBuckets", "*", "--stack", "people")
    assert [p["through"] for p in people["paths"]] == [[], [f"arn:aws:iam::{PROD}:role/reader"]]
    code, out, _ = run(capsys, project, "can", "alice", "s3:ListAllMyBuckets", "*", "--stack", "people")
    assert code == 0
    assert "  with its own policies (no role): allowed; denied without MFA\n" in out


# --- 4. a principal ARN of another partition -------------------------------------------------


@pytest.mark.parametrize("given", [f"arn:aws-cn:iam::{SOURCE}:user/alice", f"role:arn:aws-us-gov:iam::{PROD}:role/reader"])
def test_a_principal_arn_of_another_partition_is_one_error_naming_the_partitions(
    project: Path, capsys: pytest.CaptureFixture[str], given: str
) -> None:
    """alice is arn:aws:...; the same name in aws-cn is another account in another partition
    ("Each AWS account is scoped to one partition"), not a user the project lacks."""
    partition = given.split("arn:", 1)[1].split(":", maxsplit=1)[0]
    code, out, err = run(capsys, project, "can", given, "s3:ListAllMyBuckets", "*")
    assert (code, out) == (2, "")
    assert err == (
        "error: 1 problem(s) in the stack settings; nothing was evaluated:\n"
        f'  - principal "{given}": partition "{partition}" is not one the project\'s principals are in (the project uses aws); '
        "expected an ARN of aws, e.g. arn:aws:iam::ACCOUNT:user/NAME\n"
    )


def test_a_principal_arn_of_the_projects_partition_still_says_no_user_of_that_name(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, project, "can", f"arn:aws:iam::{SOURCE}:user/mallory", "s3:ListAllMyBuckets", "*")
    assert code == 2
    assert f'principal "arn:aws:iam::{SOURCE}:user/mallory": no user of that name' in err


# --- 1. SCPs judge IAM callers only; RCPs every caller ---------------------------------------

ROLE = f"arn:aws:iam::{PROD}:role/reader"
SAML = f"arn:aws:iam::{PROD}:saml-provider/corp"
DENY_STS = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "sts:*", "Resource": "*"}]}
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
RCP_FULL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
RCP_DENY_STS = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sts:*", "Resource": "*"}]}


def _trust(principal: dict[str, Any], action: str) -> Policy:
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": action}]}
    return Policy(document, "trust", "resource")


@pytest.mark.parametrize(
    ("caller", "action", "trust"),
    [
        (Caller("Federated", SAML, None, PROD), "sts:AssumeRoleWithSAML", {"Federated": SAML}),
        (Caller("Service", "ec2.amazonaws.com"), "sts:AssumeRole", {"Service": "ec2.amazonaws.com"}),
    ],
)
def test_an_scp_deny_does_not_judge_a_federated_or_service_caller_and_an_rcp_deny_does(
    caller: Caller, action: str, trust: dict[str, Any]
) -> None:
    """AWS Organizations, SCPs: "SCPs affect only IAM users and roles that are managed by accounts
    that are part of the organization"; AssumeRoleWithSAML: "the caller of the API is not an AWS
    identity". RCPs restrict federated AssumeRoleWith* and service principals (docs/access.md)."""
    request = Request(caller, action, ROLE, PROD)
    scps = [[Policy(ALLOW_ALL, "FullAWSAccess", "scp"), Policy(DENY_STS, "scp deny-sts", "scp")]]
    assert evaluate(request, resource=[_trust(trust, action)], scps=scps).allowed
    rcps = [[Policy(RCP_FULL, "RCPFullAWSAccess", "rcp"), Policy(RCP_DENY_STS, "rcp deny-sts", "rcp")]]
    denied = evaluate(request, resource=[_trust(trust, action)], scps=scps, rcps=rcps)
    assert (denied.allowed, denied.reason) == (False, "explicit Deny in rcp deny-sts Statement[0]")
    # the same SCP judges an IAM user of the account
    alice = Request(Caller("AWS", f"arn:aws:iam::{PROD}:user/alice", None, PROD), "sts:AssumeRole", ROLE, PROD)
    identity = [Policy(ALLOW_ALL, "alice's", "identity")]
    user = evaluate(
        alice, identity=identity, resource=[_trust({"AWS": f"arn:aws:iam::{PROD}:user/alice"}, "sts:AssumeRole")], scps=scps
    )
    assert (user.allowed, user.reason) == (False, "explicit Deny in scp deny-sts Statement[0]")


# --- 5. the cap on pairs asked of one role ---------------------------------------------------

EVERYTHING: dict[str, Any] = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def capped_project(project: Path, everything: dict[str, Any] = EVERYTHING) -> None:
    """Role admin allows `everything` within a boundary that allows only s3:ListAllMyBuckets (the
    reader's policy): asked "*" on "*", the catalogue's first 400 actions are all outside the
    boundary, and s3:ListAllMyBuckets lies beyond them."""
    (project / "policies" / "all.json").write_text(json.dumps(everything), encoding="utf-8")
    write(
        project,
        people={
            "target": {"accountId": PROD, "region": "eu-north-1"},
            "users": {"alice": {}},
            "roles": {
                "reader": {"trustedUsers": ["alice"], "policyFiles": ["list.json"]},
                "admin": {
                    "trustedUsers": ["alice"],
                    "policyFiles": ["all.json"],
                    "permissionsBoundary": f"arn:aws:iam::{PROD}:policy/reader-list",
                },
            },
        },
    )


def test_the_cap_is_not_spent_on_actions_the_boundary_denies(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before, the 400 pairs asked of admin were the catalogue's first actions (amplifybackend:...),
    all outside its boundary: "denied", and invariants blind to s3:ListAllMyBuckets. What the
    boundary allows is asked first."""
    capped_project(project)
    admin = f"arn:aws:iam::{PROD}:role/admin"
    result = answer(capsys, project, "can", "role:admin", "*", "*")
    assert (result["decision"], result["through"]) == ("allowed", [admin])
    assert [(s["action"], s["resource"]) for s in result["paths"][0]["steps"]] == [("s3:ListAllMyBuckets", "*")]
    who = answer(capsys, project, "who-can", "*", "*")
    assert [p["through"] for p in who["paths"]] == [[admin], [f"arn:aws:iam::{PROD}:role/reader"]]
    assert who["notes"] == ["SCPs and RCPs were not considered (give --organisation DIR: docs/organisation-policies.md)"]


CAPPED = (
    "admin: only the first 400 (action, resource) pairs its policies allow within * on * were asked, and none was "
    "allowed; a pair beyond them could be (ask an exact action and resource)"
)


def test_a_role_whose_pairs_the_cap_cut_all_denied_is_a_note_and_an_invariant_warning(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """admin allows everything only from 10.0.0.0/8: asked without a source IP, its first 400 pairs
    are denied and more were not asked. `can`, `who-can` and an invariant say so where it is hit;
    with the source IP given, the first pair is allowed and nothing is said."""
    only_inside = {**EVERYTHING["Statement"][0], "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}
    capped_project(project, {"Version": "2012-10-17", "Statement": [only_inside]})
    result = answer(capsys, project, "can", "role:admin", "*", "*")
    assert (result["decision"], result["paths"][0]["notes"], result["notes"][:-1]) == ("denied", [CAPPED], [])
    code, out, _ = run(capsys, project, "can", "alice", "*", "*")
    assert (code, out.splitlines()[-3]) == (0, f"note: {CAPPED}")  # alice is allowed through reader; admin said
    who = answer(capsys, project, "who-can", "*", "*")
    assert who["notes"][:-1] == [CAPPED]
    inside = answer(capsys, project, "who-can", "*", "*", "--context", "aws:SourceIp=10.1.2.3")
    assert inside["notes"][:-1] == []
    assert [p["through"] for p in inside["paths"]] == [[f"arn:aws:iam::{PROD}:role/admin"], [f"arn:aws:iam::{PROD}:role/reader"]]
    stack = project / "Pulumi.people.yaml"
    config = yaml.safe_load(stack.read_text(encoding="utf-8"))
    config["config"]["cross-account-roles:accessInvariants"] = [
        {"name": "only-alice", "action": "*", "resource": "*", "allow": ["alice"]}
    ]
    stack.write_text(yaml.safe_dump(config), encoding="utf-8")
    code, out, err = run(capsys, project, "check", "--stack", "people")
    lines = [line for line in (out + err).splitlines() if "ACCESS_INVARIANT" in line]
    assert lines == [
        f'  warning ACCESS_INVARIANT cross-account-roles:accessInvariants[0]: "only-alice" may not be fully checked: {CAPPED}'
    ]
    # --stack keeps what is said of its own roles and people: admin is the people stack's
    (project / "Pulumi.staging.yaml").write_text(
        yaml.safe_dump({"config": {"cross-account-roles:target": {"accountId": STAGING, "region": "eu-north-1"},
                                   "cross-account-roles:roles": {"lister": {"trustedUsers": ["alice"], "policyFiles": ["list.json"]}}}}),
        encoding="utf-8",
    )  # fmt: skip
    assert answer(capsys, project, "who-can", "*", "*", "--stack", "people")["notes"][:-1] == [CAPPED]
    assert answer(capsys, project, "who-can", "*", "*", "--stack", "staging")["notes"][:-1] == []


# --- 5. a conditional Deny whose gap no candidate hits -----------------------------------------


def test_a_denial_only_by_a_conditional_deny_is_a_note_and_an_invariant_warning(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """deleter's Deny of s3:* outside eu-north-1 (`StringNotEquals aws:RequestedRegion`) meets the
    model's context (the key absent: a negated operator holds, "Condition operators"), so the
    answer is "denied"; a request from eu-north-1 is allowed, and no (action, resource) candidate
    can find that gap. The answer says so, and so does an invariant that passes on it."""
    outside = {
        "Effect": "Deny",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-north-1"}},
    }
    delete = {"Effect": "Allow", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::prod-*"}
    (project / "policies" / "delete.json").write_text(json.dumps({"Version": "2012-10-17", "Statement": [delete, outside]}))
    write(
        project,
        people={
            "target": {"accountId": PROD, "region": "eu-north-1"},
            "users": {"alice": {}},
            "roles": {"deleter": {"trustedUsers": ["alice"], "policyFiles": ["delete.json"]}},
            "accessInvariants": [
                {"name": "no-delete", "action": "s3:DeleteBucket", "resource": "arn:aws:s3:::prod-*", "allow": "none"}
            ],
        },
    )
    note = (
        "role:deleter: s3:DeleteBucket on arn:aws:s3:::prod-logs is denied only by a conditional Deny (Deny policies/delete.json "
        "Statement[1]) that reads aws:RequestedRegion: a request whose context does not meet it is allowed (ask with --context KEY=VALUE)"
    )
    result = answer(capsys, project, "can", "alice", "s3:DeleteBucket", "arn:aws:s3:::prod-logs")
    (path,) = result["paths"]
    assert (result["decision"], path["notes"]) == ("denied", [note])
    inside = answer(
        capsys,
        project,
        "can",
        "alice",
        "s3:DeleteBucket",
        "arn:aws:s3:::prod-logs",
        "--context",
        "aws:RequestedRegion=eu-north-1",
    )
    assert (inside["decision"], inside["paths"][0]["notes"]) == ("allowed", [])
    code, out, err = run(capsys, project, "check", "--stack", "people")
    assert code == 0  # a warning: said on every pull request, not refused
    lines = [line for line in (out + err).splitlines() if "ACCESS_INVARIANT" in line]
    assert lines == [
        '  warning ACCESS_INVARIANT cross-account-roles:accessInvariants[0]: "no-delete" may not be fully checked: '
        + note.replace("prod-logs", "prod-")
    ]


# --- 5. an SCP's gap, and an SCP that allows a few actions ------------------------------------


@dataclass(frozen=True)
class Organisation:
    """The organisation's policies as the model asks for them (model.ControlPolicies): PROD's
    SCP levels, no RCP."""

    levels: tuple[tuple[Policy, ...], ...]
    id: str = "o-exampleorg1"
    accounts: Mapping[str, str] = field(default_factory=lambda: {PROD: "prod", SOURCE: "people"})

    def scps(self, account: str) -> Sequence[Sequence[Policy]]:
        return self.levels if account == PROD else ()

    def rcps(self, account: str) -> Sequence[Sequence[Policy]]:
        return ()


FULL_ACCESS = Policy(EVERYTHING, "scp p-FullAWSAccess", "scp")


def test_a_pattern_question_tries_the_resources_an_scp_deny_leaves_out(project: Path) -> None:
    """An SCP denying s3:DeleteBucket except on prod-open-* buckets: the shortest prod- bucket is
    denied, prod-open- is not; the SCP's NotResource is a gap tried like a role policy's."""
    unbounded_project(project, allow_delete())
    scp = {"Effect": "Deny", "Action": "s3:DeleteBucket", "NotResource": "arn:aws:s3:::prod-open-*"}
    organisation = Organisation(((FULL_ACCESS,), (FULL_ACCESS, Policy(policy_of(scp), "scp p-open-only", "scp"))))
    model = model_of(project)
    answer_ = can(
        model, find(model.principals, "role:admin"), Question("s3:DeleteBucket", "arn:aws:s3:::prod-*", {}, organisation)
    )
    assert answer_.allowed
    (path,) = [p for p in answer_.paths if p.allowed]
    assert (path.steps[-1].action, path.steps[-1].resource) == ("s3:DeleteBucket", "arn:aws:s3:::prod-open-")


def test_the_cap_is_not_spent_on_actions_an_scp_level_does_not_allow(project: Path) -> None:
    """An SCP level that allows only s3:ListAllMyBuckets (an allow list, no FullAWSAccess): admin,
    allowed everything, is asked that action first, not the catalogue's first 400."""
    unbounded_project(project, EVERYTHING["Statement"][0])
    only_list = Policy(policy_of({"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}), "scp p-list", "scp")
    model = model_of(project)
    answer_ = can(
        model, find(model.principals, "role:admin"), Question("*", "*", {}, Organisation(((FULL_ACCESS,), (only_list,))))
    )
    assert answer_.allowed
    (path,) = [p for p in answer_.paths if p.allowed]
    assert (path.steps[-1].action, path.notes) == ("s3:ListAllMyBuckets", ())


def unbounded_project(project: Path, *statements: dict[str, Any]) -> None:
    """alice may assume role admin of prod, whose one policy holds `statements` (no boundary)."""
    (project / "policies" / "admin.json").write_text(json.dumps(policy_of(*statements)), encoding="utf-8")
    write(
        project,
        people={
            "target": {"accountId": PROD, "region": "eu-north-1"},
            "users": {"alice": {}},
            "roles": {"admin": {"trustedUsers": ["alice"], "policyFiles": ["admin.json"]}},
        },
    )


def allow_delete() -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::prod-*"}


def policy_of(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


# --- 2. MFA on a role session: a chain ----------------------------------------------------------


def test_a_role_session_assumed_without_mfa_carries_false_to_the_next_assume_role(
    program_of_its_own: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """bob assumes hopper, whose session assumes deleter (role chaining), neither trust asking for
    MFA. hopper's policy denies sts:AssumeRole when `Bool aws:MultiFactorAuthPresent false`: its
    session, made of temporary credentials, carries the key ("included in the request context
    only when the principal uses temporary credentials"), false when assumed without MFA, so the
    chain holds with MFA only."""
    shutil.copytree(program_of_its_own, tmp_path, dirs_exist_ok=True)
    hop = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{PROD}:role/deleter"}
    no_mfa = {**hop, "Effect": "Deny", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}
    (tmp_path / "policies" / "hop.json").write_text(json.dumps(policy_of(hop, no_mfa)), encoding="utf-8")
    (tmp_path / "policies" / "delete.json").write_text(json.dumps(policy_of(allow_delete())), encoding="utf-8")
    write(
        tmp_path,
        people={
            "target": {"accountId": PROD, "region": "eu-north-1"},
            "users": {"bob": {}},
            "selfService": {"enforceMfa": False},
            "roles": {
                "deleter": {
                    "trustedRoles": [f"arn:aws:iam::{SOURCE}:role/hopper"],
                    "requireMfa": False,
                    "policyFiles": ["delete.json"],
                }
            },
        },
        hub={
            "target": {"accountId": SOURCE, "region": "eu-north-1"},
            "roles": {"hopper": {"trustedUsers": ["bob"], "requireMfa": False, "policyFiles": ["hop.json"]}},
        },
    )
    result = answer(capsys, tmp_path, "can", "bob", "s3:DeleteBucket", "arn:aws:s3:::prod-logs")
    (chain,) = [p for p in result["paths"] if len(p["through"]) == 2]
    assert (chain["decision"], chain["withoutMfa"]) == ("allowed", "denied")
    bare = answer(
        capsys,
        tmp_path,
        "can",
        "bob",
        "s3:DeleteBucket",
        "arn:aws:s3:::prod-logs",
        "--context",
        "aws:MultiFactorAuthPresent=false",
    )
    # hopper's session may not go on to deleter: only hopper's own (denied) path is left
    assert (bare["decision"], [p["through"] for p in bare["paths"]]) == ("denied", [[f"arn:aws:iam::{SOURCE}:role/hopper"]])
