"""Hostile input, round two (issue 21): access through groups is access.

A group's policies are each member's (IAM evaluates the managed and inline policies of every
group of a user as that user's identity-based policies: IAM User Guide, "IAM user groups" and
"Policy evaluation logic"), and a role's `trustedGroups` reach AWS as the members' ARNs in its
trust policy. So attaching a policy to a group, adding a person to a group that carries one, and
a role that starts trusting a group all widen access, and the reviewer's comment must say so:
before this, each read "No access changes".

Each case is a base stack and a head stack (settings of the tests' walk-through, with people
and groups), the exact lines of *what changed* and the reason. Every case runs through the
entry point that reads a base plan, `plan --format markdown --against base.json`, on a project
holding the head's stack file; the base plan is the program's own plan of the base settings
(what `make plan FORMAT=json` writes on the base branch).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import walkthrough_settings
from tests.hostile.harness import Case, Content, Maker, Reported
from tools.offline.mocks import run_program
from tools.render import plan as plan_render

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


def stack_file(raw: Settings) -> str:
    """The head's stack file (the source account is the project's, in Pulumi.yaml)."""
    config = {f"cross-account-roles:{k}": v for k, v in raw.items() if k != "source"}
    return yaml.safe_dump({"config": config}, sort_keys=False)


def plan_of(raw: Settings) -> Maker:
    """`make plan FORMAT=json` of the settings `raw`, as the base branch would write it, by the case's own program."""

    def write(path: Path) -> None:
        run = run_program("utils", raw, program_path=path.parent / "__main__.py")
        path.write_text(json.dumps(plan_render.as_data(run)), encoding="utf-8")

    return write


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


def case(
    name: str,
    base: Settings,
    head: Settings,
    headline: str,
    lines: list[str],
    why: str,
    rows: dict[tuple[str, str], str] | None = None,
    warnings: tuple[str, ...] = (),
    refused: str | None = None,
    who: tuple[str, ...] = (),
) -> Case:
    """The head's stack file and the base's plan; *what changed* must list exactly `lines` under `headline`,
    after exactly `who` under *Who gains or loses access* (the access rows compared)."""
    files: dict[str, Content] = {"base.json": plan_of(base), "Pulumi.utils.yaml": stack_file(head)}
    expect = Reported(headline, tuple(lines), rows or {}, warnings, refused, who)
    return Case(name, files, expect, why, stack="utils", origin="groups")


def gains(user: str, role: str, how: str = "MFA required; through group devs") -> str:
    """A line of *Who gains or loses access*: `user` may now assume `role` of the target account."""
    return f"- :warning: widens: **user {user}**, role `{role}` in account {TGT}: may now assume it ({how})"


DEVS = group(people(), "devs", ["random_user"])
DEVS_RO = group(people(), "devs", ["random_user"], [READ_ONLY])
DEVS_TRUSTED = trusting(DEVS, "s3-list-role", "devs")
DEVS_TRUSTED_RO = trusting(DEVS_RO, "s3-list-role", "devs")
BOTH_RO = group(people(), "devs", ["random_user", "bob"], [READ_ONLY])
ASSUME_LINE = f"policy {DEVS_ASSUME} (allows sts:AssumeRole on {S3}: cross-account access to account {TGT})"

CASES = [
    case(
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
    case(
        "managed-policy-attached-to-a-group-no-role-trusts",
        DEVS,
        DEVS_RO,
        WIDENED.format(1),
        [f"- **group devs**: policy {READ_ONLY} attached: reaches member random_user"],
        "Trust is not needed for a group's policy to apply: the members hold it as soon as the attachment exists.",
        {("random_user", "s3-list-role"): "`random_user` (group devs gives managed `ReadOnlyAccess` in the source account)"},
    ),
    case(
        "a-person-joins-a-group-that-carries-a-managed-policy",
        DEVS_RO,
        group(people(), "devs", ["random_user", "bob"], [READ_ONLY]),
        WIDENED.format(1),
        [f"- **group devs**: user bob joins: gains policy {READ_ONLY}"],
        "The issue's second example: the membership alone (a UserGroupMembership) gives bob the "
        "group's policy; no document changed, and the diff must still say so.",
        {("bob", "audit-role"): "`bob` (group devs gives managed `ReadOnlyAccess` in the source account)"},
    ),
    case(
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
        "identity side through the group, the trust policy naming bob) and both are listed. By who: "
        "bob may now assume s3-list-role, through group devs.",
        {("bob", "s3-list-role"): "`bob` (through group devs) |", ("bob", "audit-role"): "`bob` |"},
        who=(gains("bob", "s3-list-role"),),
    ),
    case(
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
        "the group that lets them assume the role. The group is named, with its member; by who, one "
        "line: bob may now assume the role, through the group.",
        {("bob", "s3-list-role"): "`bob` (through group devs) |"},
        who=(gains("bob", "s3-list-role"),),
    ),
    case(
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
        "change is shown under the policy's name and the group's members. By who: random_user may "
        "now assume audit-role, through the group.",
        who=(gains("random_user", "audit-role"),),
    ),
    case(
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
    case(
        "a-person-leaves-a-group-with-a-managed-policy",
        BOTH_RO,
        DEVS_RO,
        ONLY_NARROWS,
        [f"- **group devs**: user bob leaves: loses policy {READ_ONLY}"],
        "Leaving a group takes its policies away: narrowed.",
        {("bob", "audit-role"): "`bob` |"},
    ),
    case(
        "a-managed-policy-detached-from-a-group",
        DEVS_RO,
        DEVS,
        ONLY_NARROWS,
        [f"- **group devs**: policy {READ_ONLY} detached: no longer reaches member random_user"],
        "Detaching narrows for every member.",
    ),
    case(
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
    case(
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
    case(
        "a-new-group-with-a-policy-and-members",
        people(),
        BOTH_RO,
        WIDENED.format(1),
        [f"- **group devs**: new group: policy {READ_ONLY} reaches members bob, random_user"],
        "A new group is one line: what it carries and whom it reaches.",
    ),
    case(
        "a-group-with-a-policy-removed",
        BOTH_RO,
        people(),
        ONLY_NARROWS,
        [f"- **group devs**: group removed: policy {READ_ONLY} no longer reaches members bob, random_user"],
        "The reverse of a-new-group-with-a-policy-and-members.",
    ),
    case(
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
    case(
        "a-person-joins-a-group-without-policies",
        group(people(), "readers", ["random_user"]),
        group(people(), "readers", ["random_user", "bob"]),
        NO_ACCESS_CHANGE,
        [],
        "A group that carries no policy gives its members nothing, and a trust policy cannot name a "
        "group: the membership is a resource change only (it is listed under Resources).",
    ),
    case(
        "members-and-groups-reordered",
        group(group(people(), "devs", ["random_user", "bob"], [READ_ONLY]), "ops", ["bob", "random_user"], [VIEW_ONLY]),
        group(group(people(), "ops", ["random_user", "bob"], [VIEW_ONLY]), "devs", ["bob", "random_user"], [READ_ONLY]),
        NO_CHANGE,
        [],
        "The order of groups, members or policies in the settings is no change at all: the plan "
        "writes each membership's groups in one order, and the diff compares memberships and "
        "attachments as sets.",
    ),
    case(
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
        "there is named with the group and its members, next to the same change in the trust policy. "
        "By who, AWS still requires MFA of both (their self-service policy denies AssumeRole without "
        "it): the documents widen, the MFA column only gives the reason, a change to judge.",
        warnings=("TRUST_WITHOUT_MFA", "MFA_REQUIRED_BY_SELF_SERVICE"),
        who=(
            f"- other (judge it yourself): **users bob, random_user**, role `s3-list-role` in account {TGT}: MFA "
            "required -> required (the person's selfService.enforceMfa: true denies AssumeRole without MFA, whatever "
            "the role's requireMfa: false says)",
        ),
    ),
    case(
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
