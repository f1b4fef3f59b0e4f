"""Hostile input, round two (issue 21): access through groups is access.

A group's policies are each member's (IAM evaluates the managed and inline policies of every
group of a user as that user's identity-based policies: IAM User Guide, "IAM user groups" and
"Policy evaluation logic"), and a role's `trustedGroups` reach AWS as the members' ARNs in its
trust policy. So attaching a policy to a group, adding a person to a group that carries one, and
a role that starts trusting a group all widen access, and the reviewer's comment must say so:
before this, each read "No access changes".

Each case is a base stack and a head stack (settings of the tests' walk-through, with people
and groups), the exact lines of *what changed* and the reason. Every case runs through the
entry point that reads a base plan, `plan --format markdown --against base.json`, as a separate
process on a project holding the head's stack file; the base plan is the program's own plan of
the base settings (what `make plan FORMAT=json` writes on the base branch).
"""

from __future__ import annotations

import copy
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import copy_program, walkthrough_settings
from tests.test_plan import run_cli
from tools.offline.mocks import run_program
from tools.render import plan as plan_render
from tools.render.plan_diff import AccessChange, diff_plans
from tools.render.review import access_grants

SRC, TGT = "111122223333", "444455556666"
S3 = f"arn:aws:iam::{TGT}:role/s3-list-role"
AUDIT = f"arn:aws:iam::{TGT}:role/audit-role"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
VIEW_ONLY = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
CUSTOMER = f"arn:aws:iam::{SRC}:policy/team/AssumeDeployRoles"
DEVS_ASSUME = f"arn:aws:iam::{SRC}:policy/devs-group-assume-roles-utils"
WIDENED = "##### :warning: Widened access ({})"
ONLY_NARROWS = "**This change only narrows access.**"
NO_CHANGE = "No change: the same resources and documents as the base plan (reordering is not a change)."
NO_ACCESS_CHANGE = "No access changes: no document, attachment, session length or boundary differs."

Settings = dict[str, Any]


def people() -> Settings:
    """The walk-through (random_user may assume s3-list-role) and bob, who may assume audit-role."""
    raw = walkthrough_settings()
    raw["users"]["bob"] = {}
    raw["roles"]["audit-role"] = {
        "description": "Reads the audit trail",
        "trustedUsers": ["bob"],
        "policyFiles": ["role_permissions_policy.json"],
    }
    return raw


def group(raw: Settings, name: str, members: list[str], arns: list[str] | None = None) -> Settings:
    out = copy.deepcopy(raw)
    out.setdefault("groups", {})[name] = {"members": members, **({"managedPolicyArns": arns} if arns else {})}
    return out


def edit(raw: Settings, role: str, **keys: Any) -> Settings:
    out = copy.deepcopy(raw)
    out["roles"][role].update(keys)
    return out


def trusting(raw: Settings, role: str, *groups: str) -> Settings:
    out = copy.deepcopy(raw)
    out["roles"][role]["trustedGroups"] = list(groups)
    return out


@dataclass(frozen=True)
class Case:
    name: str
    base: Settings
    head: Settings
    headline: str
    """The first line of *what changed* after its heading: widened (with the count), only narrows, or
    none; empty where `plan` refuses the head."""
    lines: list[str]
    """Every access line of *what changed*, in the comment's order (widened, narrowed, other)."""
    why: str
    rows: dict[tuple[str, str], str] = field(default_factory=dict)
    """(user, role) -> the start of that row of the access table (the user cell)."""
    warnings: tuple[str, ...] = ()
    """The rules of the guardrail warnings `plan` prints on stderr, in order."""
    refused: str | None = None
    """A line of the one error when `plan` refuses the head (exit 1, nothing on stdout)."""


DEVS = group(people(), "devs", ["random_user"])
DEVS_RO = group(people(), "devs", ["random_user"], [READ_ONLY])
DEVS_TRUSTED = trusting(DEVS, "s3-list-role", "devs")
DEVS_TRUSTED_RO = trusting(DEVS_RO, "s3-list-role", "devs")
BOTH_RO = group(people(), "devs", ["random_user", "bob"], [READ_ONLY])
ASSUME_LINE = f"policy {DEVS_ASSUME} (allows sts:AssumeRole on {S3}: cross-account access to account {TGT})"

CASES = [
    Case(
        "managed-policy-attached-to-a-trusted-group",
        DEVS_TRUSTED,
        DEVS_TRUSTED_RO,
        WIDENED.format(1),
        [f"- **group devs**: policy {READ_ONLY} attached: reaches member random_user"],
        "The issue's first example. AWS evaluates a group's managed policies as each member's, so "
        "random_user now holds ReadOnlyAccess in the source account: widened, naming the group, the "
        "member and the policy.",
        {
            ("random_user", "s3-list-role"): "`random_user` (through group devs) "
            "(group devs gives managed `ReadOnlyAccess` in the source account)"
        },
    ),
    Case(
        "managed-policy-attached-to-a-group-no-role-trusts",
        DEVS,
        DEVS_RO,
        WIDENED.format(1),
        [f"- **group devs**: policy {READ_ONLY} attached: reaches member random_user"],
        "Trust is not needed for a group's policy to apply: the members hold it as soon as the attachment exists.",
        {("random_user", "s3-list-role"): "`random_user` (group devs gives managed `ReadOnlyAccess` in the source account)"},
    ),
    Case(
        "a-person-joins-a-group-that-carries-a-managed-policy",
        DEVS_RO,
        group(people(), "devs", ["random_user", "bob"], [READ_ONLY]),
        WIDENED.format(1),
        [f"- **group devs**: user bob joins: gains policy {READ_ONLY}"],
        "The issue's second example: the membership alone (a UserGroupMembership) gives bob the "
        "group's policy; no document changed, and the diff must still say so.",
        {("bob", "audit-role"): "`bob` (group devs gives managed `ReadOnlyAccess` in the source account)"},
    ),
    Case(
        "a-person-joins-a-trusted-group-cross-account",
        DEVS_TRUSTED,
        trusting(group(people(), "devs", ["random_user", "bob"]), "s3-list-role", "devs"),
        WIDENED.format(2),
        [
            f"- **group devs**: user bob joins: gains {ASSUME_LINE}",
            f"- **trust policy of role s3-list-role**: statement TrustSourceUsers gains principal arn:aws:iam::{SRC}:user/bob (through group devs)",
        ],
        "The most important case: the group's own policy allows sts:AssumeRole on a role of the "
        "target account, so joining the group is cross-account access. Both sides change (the "
        "identity side through the group, the trust policy naming bob) and both are listed.",
        {("bob", "s3-list-role"): "`bob` (through group devs) |", ("bob", "audit-role"): "`bob` |"},
    ),
    Case(
        "a-role-newly-trusts-a-group",
        group(people(), "devs", ["bob"]),
        trusting(group(people(), "devs", ["bob"]), "s3-list-role", "devs"),
        WIDENED.format(4),
        [
            f"- **assume-role policy devs-group-assume-roles-utils, attached to group devs (member bob)**: new statement: "
            f"Allow sts:AssumeRole on {S3} if Bool aws:MultiFactorAuthPresent true",
            f"- **group devs**: {ASSUME_LINE} attached: reaches member bob",
            "- **group devs**: now trusted by role s3-list-role (trustedGroups): member bob may assume it",
            f"- **trust policy of role s3-list-role**: statement TrustSourceUsers gains principal arn:aws:iam::{SRC}:user/bob (through group devs)",
        ],
        "trustedGroups: [devs] writes the members into the trust policy and attaches a policy to "
        "the group that lets them assume the role. The group is named, with its member.",
        {("bob", "s3-list-role"): "`bob` (through group devs) |"},
    ),
    Case(
        "a-trusted-group-gains-a-role",
        DEVS_TRUSTED,
        trusting(DEVS_TRUSTED, "audit-role", "devs"),
        WIDENED.format(3),
        [
            "- **assume-role policy devs-group-assume-roles-utils, attached to group devs (member random_user)**: "
            f"statement AssumeCrossAccountRoles gains resource {AUDIT}",
            "- **group devs**: now trusted by role audit-role (trustedGroups): member random_user may assume it",
            f"- **trust policy of role audit-role**: statement TrustSourceUsers gains principal arn:aws:iam::{SRC}:user/random_user (through group devs)",
        ],
        "A second role trusting the same group adds its ARN to the group's policy: the statement "
        "change is shown under the policy's name and the group's members.",
    ),
    Case(
        "a-role-stops-trusting-a-group",
        trusting(group(people(), "devs", ["bob"]), "s3-list-role", "devs"),
        group(people(), "devs", ["bob"]),
        ONLY_NARROWS,
        [
            f"- **assume-role policy devs-group-assume-roles-utils, attached to group devs (member bob)**: removed statement: "
            f"Allow sts:AssumeRole on {S3} if Bool aws:MultiFactorAuthPresent true",
            f"- **group devs**: {ASSUME_LINE} detached: no longer reaches member bob",
            "- **group devs**: no longer trusted by role s3-list-role (trustedGroups)",
            f"- **trust policy of role s3-list-role**: statement TrustSourceUsers loses principal arn:aws:iam::{SRC}:user/bob (through group devs)",
        ],
        "The reverse of a-role-newly-trusts-a-group: every line narrows, and the comment says so.",
    ),
    Case(
        "a-person-leaves-a-group-with-a-managed-policy",
        BOTH_RO,
        DEVS_RO,
        ONLY_NARROWS,
        [f"- **group devs**: user bob leaves: loses policy {READ_ONLY}"],
        "Leaving a group takes its policies away: narrowed.",
        {("bob", "audit-role"): "`bob` |"},
    ),
    Case(
        "a-managed-policy-detached-from-a-group",
        DEVS_RO,
        DEVS,
        ONLY_NARROWS,
        [f"- **group devs**: policy {READ_ONLY} detached: no longer reaches member random_user"],
        "Detaching narrows for every member.",
    ),
    Case(
        "a-groups-managed-policy-swapped-for-another",
        DEVS_RO,
        group(people(), "devs", ["random_user"], [VIEW_ONLY]),
        WIDENED.format(1),
        [
            f"- **group devs**: policy {VIEW_ONLY} attached: reaches member random_user",
            f"- **group devs**: policy {READ_ONLY} detached: no longer reaches member random_user",
        ],
        "Another ARN is another document the plan cannot read: the new one is widened access "
        "(the reviewer judges it), the old one narrowed; never a silent swap.",
    ),
    Case(
        "a-customer-managed-policy-of-the-source-account-on-a-group",
        DEVS,
        group(people(), "devs", ["random_user"], [CUSTOMER]),
        WIDENED.format(1),
        [f"- **group devs**: policy {CUSTOMER} attached: reaches member random_user"],
        "A policy the stack does not create may allow anything, sts:AssumeRole on any role "
        "included; its ARN is all the plan has, and it is listed as widened.",
        {
            ("random_user", "s3-list-role"): "`random_user` "
            "(group devs gives managed `team/AssumeDeployRoles` in the source account)"
        },
    ),
    Case(
        "a-new-group-with-a-policy-and-members",
        people(),
        BOTH_RO,
        WIDENED.format(1),
        [f"- **group devs**: new group: policy {READ_ONLY} reaches members bob, random_user"],
        "A new group is one line: what it carries and whom it reaches.",
    ),
    Case(
        "a-group-with-a-policy-removed",
        BOTH_RO,
        people(),
        ONLY_NARROWS,
        [f"- **group devs**: group removed: policy {READ_ONLY} no longer reaches members bob, random_user"],
        "The reverse of a-new-group-with-a-policy-and-members.",
    ),
    Case(
        "a-group-renamed",
        DEVS_RO,
        group(people(), "developers", ["random_user"], [READ_ONLY]),
        WIDENED.format(1),
        [
            f"- **group developers**: new group: policy {READ_ONLY} reaches member random_user",
            f"- **group devs**: group removed: policy {READ_ONLY} no longer reaches member random_user",
        ],
        "IAM cannot rename a group in place under Pulumi's name for it here (a new resource), and "
        "the diff compares groups by name: one comes, one goes, each with its members and policy, "
        "so the reviewer sees that the two lines cancel rather than being told nothing.",
    ),
    Case(
        "a-person-joins-a-group-without-policies",
        group(people(), "readers", ["random_user"]),
        group(people(), "readers", ["random_user", "bob"]),
        NO_ACCESS_CHANGE,
        [],
        "A group that carries no policy gives its members nothing, and a trust policy cannot name a "
        "group: the membership is a resource change only (it is listed under Resources).",
    ),
    Case(
        "members-and-groups-reordered",
        group(group(people(), "devs", ["random_user", "bob"], [READ_ONLY]), "ops", ["bob", "random_user"], [VIEW_ONLY]),
        group(group(people(), "ops", ["random_user", "bob"], [VIEW_ONLY]), "devs", ["bob", "random_user"], [READ_ONLY]),
        NO_CHANGE,
        [],
        "The order of groups, members or policies in the settings is no change at all: the plan "
        "writes each membership's groups in one order, and the diff compares memberships and "
        "attachments as sets.",
    ),
    Case(
        "mfa-dropped-for-a-role-a-group-may-assume",
        trusting(group(people(), "devs", ["bob"]), "s3-list-role", "devs"),
        edit(trusting(group(people(), "devs", ["bob"]), "s3-list-role", "devs"), "s3-list-role", requireMfa=False),
        WIDENED.format(3),
        [
            "- **assume-role policy devs-group-assume-roles-utils, attached to group devs (member bob)**: statement "
            "AssumeCrossAccountRoles drops condition Bool aws:MultiFactorAuthPresent true: MFA is no longer required",
            "- **assume-role policy random_user-assume-roles-utils**: statement AssumeCrossAccountRoles drops condition "
            "Bool aws:MultiFactorAuthPresent true: MFA is no longer required",
            "- **trust policy of role s3-list-role**: statement TrustSourceUsers drops condition Bool "
            "aws:MultiFactorAuthPresent true: MFA is no longer required",
        ],
        "The identity side of a group-trusted role is the group's policy: a dropped MFA condition "
        "there is named with the group and its members, next to the same change in the trust policy.",
        warnings=("TRUST_WITHOUT_MFA", "MFA_REQUIRED_BY_SELF_SERVICE"),
    ),
    Case(
        "administrator-access-on-a-group-is-refused",
        DEVS,
        group(people(), "devs", ["random_user"], ["arn:aws:iam::aws:policy/AdministratorAccess"]),
        "",
        [],
        "Every member would hold every action on every resource: the guardrail ADMINISTRATOR_ACCESS "
        "refuses the head before any comment is written (exit 1), whatever the base.",
        refused="  - error ADMINISTRATOR_ACCESS cross-account-roles:groups.devs.managedPolicyArns[0]: "
        "arn:aws:iam::aws:policy/AdministratorAccess grants every action on every resource (it allows every "
        "action of every service on every resource, per crossaccount/data/aws-managed-policies.json); attach "
        "a policy with the actions the group needs (policies/*.json), or waive ADMINISTRATOR_ACCESS for this "
        "group with the reason (e.g. break-glass)",
    ),
]


def _stack_file(raw: Settings) -> str:
    """The head's stack file (the source account is the project's, in Pulumi.yaml)."""
    config = {f"cross-account-roles:{k}": v for k, v in raw.items() if k != "source"}
    return yaml.safe_dump({"config": config}, sort_keys=False)


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_program(tmp_path_factory.mktemp("groups-program"))


def _run(case: Case, program: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = plan_render.as_data(run_program("utils", case.base, program_path=program / "__main__.py"))
    saved = tmp_path / "base.json"
    saved.write_text(json.dumps(base), encoding="utf-8")
    project = copy_program(tmp_path / "project")
    (project / "Pulumi.utils.yaml").write_text(_stack_file(case.head), encoding="utf-8")
    return run_cli("plan", "--stack", "utils", "--format", "markdown", "--against", str(saved), "--project-dir", str(project))


def _what_changed(comment: str) -> list[str]:
    section = comment.split("#### What changed against the base plan (stack `utils`)\n\n", 1)[1]
    return section.split("\n#### ", 1)[0].split("\n")


def test_the_corpus_has_the_cases_the_issue_names() -> None:
    assert len(CASES) >= 15
    assert len({c.name for c in CASES}) == len(CASES)
    assert all(c.why for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_access_through_groups_is_reported_as_access(case: Case, program: Path, tmp_path: Path) -> None:
    result = _run(case, program, tmp_path)
    if case.refused is not None:
        assert (result.returncode, result.stdout) == (1, ""), case.why
        assert case.refused in result.stderr.splitlines(), (case.why, result.stderr)
        return
    assert result.returncode == 0, result.stderr
    assert [line.split(" ")[2] for line in result.stderr.splitlines()] == list(case.warnings), result.stderr
    assert all(line.startswith("guardrails: warning ") for line in result.stderr.splitlines()), result.stderr
    comment = result.stdout
    section = _what_changed(comment)
    assert section[0] == case.headline, case.why
    assert [line for line in section if line.startswith("- **")] == case.lines, case.why
    table = comment.split("#### Who may assume what\n\n", 1)[1].split("\n\n", 1)[0].split("\n")
    for (user, role), cell in case.rows.items():
        row = next(line for line in table if line.startswith(f"| `{user}`") and f" | `{role}` | " in line)
        assert row.startswith(f"| {cell}"), (case.why, row)


def test_a_hand_edited_base_plan_with_a_membership_that_is_not_a_list_is_refused(program: Path, tmp_path: Path) -> None:
    base = plan_render.as_data(run_program("utils", BOTH_RO, program_path=program / "__main__.py"))
    at = next(i for i, r in enumerate(base["resources"]) if r["type"] == MEMBERSHIP)
    base["resources"][at]["inputs"]["groups"] = "devs"
    saved = tmp_path / "base.json"
    saved.write_text(json.dumps(base), encoding="utf-8")
    project = copy_program(tmp_path / "project")
    (project / "Pulumi.utils.yaml").write_text(_stack_file(BOTH_RO), encoding="utf-8")
    result = run_cli("plan", "--stack", "utils", "--format", "markdown", "--against", str(saved), "--project-dir", str(project))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f'error: --against {saved}: resources[{at}].inputs.groups: got "devs" (a string); expected a list of names '
        "(strings), as in the output of make plan FORMAT=json\n"
    )


# --- diff_plans on hand-written plans: what the program never writes, but a plan may hold ----

MEMBERSHIP = "aws:iam/userGroupMembership:UserGroupMembership"
ATTACH = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"


def res(type_: str, name: str, account: str | None = "source", /, **inputs: Any) -> dict[str, Any]:
    return {
        "urn": f"urn:pulumi:utils::cross-account-roles::{type_}::{name}",
        "type": type_,
        "name": name,
        "provider": f"access-{account}" if account else None,
        "account": account,
        "inputs": inputs,
    }


def plan(*resources: dict[str, Any], outputs: dict[str, Any] | None = None) -> dict[str, Any]:
    providers = [
        res("pulumi:providers:aws", f"access-{side}", None, allowedAccountIds=[account])
        for side, account in (("source", SRC), ("target", TGT))
    ]
    return {"stack": "utils", "resources": [*providers, *resources], "outputs": outputs or {}}


def assume(*roles: str) -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": list(roles)}]}
    )


def test_a_policy_the_plan_creates_that_assumes_any_role_through_a_group_is_a_flagged_wildcard() -> None:
    members = res(MEMBERSHIP, "access-groups-bob", user="bob", groups=["devs"])
    base = plan(members)
    head = plan(
        members,
        res(
            "aws:iam/policy:Policy",
            "access-anything",
            name="anything",
            path="/team/",
            policy=assume(f"arn:aws:iam::{TGT}:role/*"),
        ),
        res(ATTACH, "access-attach-anything", group="devs", policyArn=f"arn:aws:iam::{SRC}:policy/team/anything"),
    )
    where = "policy anything, attached to group devs (member bob)"  # (account source: "assume-role policy")
    assert [c for c in diff_plans(base, head).access if c.where == "group devs"] == [
        AccessChange(
            "widens",
            "group devs",
            f"policy arn:aws:iam::{SRC}:policy/team/anything (allows sts:AssumeRole on arn:aws:iam::{TGT}:role/*: "
            f"cross-account access to account {TGT}) (a wildcard) attached: reaches member bob",
            wildcard=True,
        )
    ]
    assert [c.where for c in diff_plans(base, head).access] == [f"assume-role {where}", "group devs"]


def test_an_inline_group_policy_is_named_with_the_group_and_its_members() -> None:
    members = res(MEMBERSHIP, "access-groups-bob", user="bob", groups=["devs"])
    inline = res("aws:iam/groupPolicy:GroupPolicy", "access-devs-inline", name="assume", group="devs", policy=assume(S3))
    wider = res("aws:iam/groupPolicy:GroupPolicy", "access-devs-inline", name="assume", group="devs", policy=assume(S3, AUDIT))
    assert diff_plans(plan(members), plan(members, inline)).access == (
        AccessChange(
            "widens",
            "group devs",
            "inline policy assume added: reaches member bob",
        ),
        AccessChange(
            "widens",
            "inline policy assume of group devs (member bob)",
            f"new statement: Allow sts:AssumeRole on {S3}",
        ),
    )
    assert diff_plans(plan(members, inline), plan(members, wider)).access == (
        AccessChange("widens", "inline policy assume of group devs (member bob)", f"Allow statement gains resource {AUDIT}"),
    )
    joined = res(MEMBERSHIP, "access-groups-eve", user="eve", groups=["devs"])
    assert diff_plans(plan(members, inline), plan(members, joined, inline)).access == (
        AccessChange("widens", "group devs", "user eve joins: gains inline policy assume"),
    )


def test_an_exclusive_group_membership_counts_like_user_group_memberships() -> None:
    attach = res(ATTACH, "access-attach-ro", group="devs", policyArn=READ_ONLY)
    before = res("aws:iam/groupMembership:GroupMembership", "access-devs-members", group="devs", users=["bob"])
    after = res("aws:iam/groupMembership:GroupMembership", "access-devs-members", group="devs", users=["bob", "eve"])
    assert diff_plans(plan(attach, before), plan(attach, after)).access == (
        AccessChange("widens", "group devs", f"user eve joins: gains policy {READ_ONLY}"),
    )


def test_the_same_attachment_and_membership_under_new_pulumi_names_is_no_access_change() -> None:
    base = plan(
        res(ATTACH, "access-attach-ro", group="devs", policyArn=READ_ONLY),
        res(MEMBERSHIP, "access-groups-bob", user="bob", groups=["devs", "ops"]),
    )
    head = plan(
        res(ATTACH, "access-attach-group-devs-aws-ReadOnlyAccess", group="devs", policyArn=READ_ONLY),
        res(MEMBERSHIP, "access-memberships-bob", user="bob", groups=["ops", "devs"]),
    )
    diff = diff_plans(base, head)
    assert diff.access == ()
    assert [(r.action, r.name) for r in diff.resources] == [
        ("add", "access-attach-group-devs-aws-ReadOnlyAccess"),
        ("add", "access-memberships-bob"),
        ("remove", "access-attach-ro"),
        ("remove", "access-groups-bob"),
    ]


def test_a_changed_policy_arn_on_one_attachment_replaces_it_and_is_widened_and_narrowed() -> None:
    members = res(MEMBERSHIP, "access-groups-bob", user="bob", groups=["devs"])
    base = plan(members, res(ATTACH, "access-attach", group="devs", policyArn=READ_ONLY))
    head = plan(members, res(ATTACH, "access-attach", group="devs", policyArn=VIEW_ONLY))
    diff = diff_plans(base, head)
    assert diff.access == (
        AccessChange("widens", "group devs", f"policy {VIEW_ONLY} attached: reaches member bob"),
        AccessChange("narrows", "group devs", f"policy {READ_ONLY} detached: no longer reaches member bob"),
    )
    assert [(r.action, r.replaced_by) for r in diff.resources] == [("replace", ("policyArn",))]


def test_a_group_in_the_outputs_that_a_role_trusts_is_named_without_any_other_change() -> None:
    members = res(MEMBERSHIP, "access-groups-bob", user="bob", groups=["devs"])
    base = plan(members, outputs={"groups": {"devs": {"members": ["bob"], "roles": []}}})
    head = plan(members, outputs={"groups": {"devs": {"members": ["bob"], "roles": ["s3-list-role"]}}})
    assert diff_plans(base, head).access == (
        AccessChange("widens", "group devs", "now trusted by role s3-list-role (trustedGroups): member bob may assume it"),
    )
    # outputs a hand-edited plan got wrong are read as no trust, never a traceback
    assert diff_plans(plan(members, outputs={"groups": {"devs": ["bob"]}}), base).access == ()


def test_the_access_table_names_the_group_whose_policy_lets_a_user_assume_the_role() -> None:
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{SRC}:user/bob"}, "Action": "sts:AssumeRole"}],
        }
    )
    head = plan(
        res("aws:iam/role:Role", "access-role", "target", name="s3-list-role", path="/", assumeRolePolicy=trust),
        res("aws:iam/user:User", "access-user-bob", name="bob", path="/"),
        res(MEMBERSHIP, "access-groups-bob", user="bob", groups=["devs", "ops"]),
        res("aws:iam/policy:Policy", "access-p", name="p", path="/", policy=assume(f"arn:aws:iam::{TGT}:role/s3-*")),
        res(ATTACH, "access-attach-p", group="ops", policyArn=f"arn:aws:iam::{SRC}:policy/p"),
        res(ATTACH, "access-attach-ro", group="devs", policyArn=READ_ONLY),
    )
    (grant,) = access_grants(head)
    assert (grant.principal, grant.via, grant.group_policies) == ("bob", ("ops",), (("devs", (READ_ONLY,)),))


def test_an_allow_with_not_action_offers_assume_role_unless_it_lists_it() -> None:
    members = res(MEMBERSHIP, "access-groups-bob", user="bob", groups=["devs"])
    everything_but_iam = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}
    )
    but_sts = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "STS:Assume*", "Resource": "*"}]}
    )
    arn = f"arn:aws:iam::{SRC}:policy/broad"
    attach = res(ATTACH, "access-attach-broad", group="devs", policyArn=arn)
    texts = [
        [
            c.text
            for c in diff_plans(
                plan(members), plan(members, attach, res("aws:iam/policy:Policy", "p", name="broad", policy=d))
            ).access
            if c.where == "group devs"
        ]
        for d in (everything_but_iam, but_sts)
    ]
    assert texts == [
        [f"policy {arn} (allows sts:AssumeRole on *) (a wildcard) attached: reaches member bob"],
        [f"policy {arn} attached: reaches member bob"],
    ]
