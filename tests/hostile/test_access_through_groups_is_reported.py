"""Nothing is dropped in silence: access through groups is reported as access.

Each `Reported` case (tests/hostile/cases/groups.py: a base stack and a head stack, the exact
lines of *what changed* and the reason) runs once through the entry point that reads a base plan,
`plan --format markdown --against base.json`, on a project holding the head's stack file; the base
plan is the program's own plan of the base settings. The comment's headline, every access line
in order, the rows of *Who may assume what* the case names, and the guardrail warnings on stderr
are the case's; a head the guardrails refuse ends in exit 1 with nothing on stdout.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.cases import REPORTED
from tests.hostile.cases.groups import AUDIT, BOTH_RO, READ_ONLY, S3, SRC, TGT, VIEW_ONLY, plan_of, stack_file
from tests.hostile.harness import Case, Reported, project_of, run
from tools.render.plan_diff import AccessChange, diff_plans
from tools.render.review import access_grants

MEMBERSHIP = "aws:iam/userGroupMembership:UserGroupMembership"
ATTACH = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"


def what_changed(comment: str) -> list[str]:
    section = comment.split("#### What changed against the base plan (stack `utils`)\n\n", 1)[1]
    return section.split("\n#### ", 1)[0].split("\n")


def against_base(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    args = ["plan", "--stack", "utils", "--format", "markdown", "--against", str(project / "base.json")]
    return run([*args, "--project-dir", str(project)], capsys)


@pytest.mark.parametrize("case", REPORTED, ids=lambda c: c.name)
def test_access_through_groups_is_reported_as_access(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    reported = case.expect
    assert isinstance(reported, Reported)
    project = project_of(case, tmp_path)
    caplog.clear()  # the base plan's own warnings
    code, comment, printed = against_base(project, capsys)
    # the program's warnings reach stderr through logging (pytest holds them in process)
    err = printed + "".join(f"{r.getMessage()}\n" for r in caplog.records if r.levelno >= logging.WARNING)
    if reported.refused is not None:
        assert (code, comment) == (1, ""), case.why
        assert reported.refused in err.splitlines(), (case.why, err)
        return
    assert code == 0, err
    assert [line.split(" ")[2] for line in err.splitlines()] == list(reported.warnings), err
    assert all(line.startswith("guardrails: warning ") for line in err.splitlines()), err
    section = what_changed(comment)
    assert section[0] == reported.headline, case.why
    assert [line for line in section if line.startswith("- **")] == list(reported.lines), case.why
    table = comment.split("#### Who may assume what\n\n", 1)[1].split("\n\n", 1)[0].split("\n")
    for (user, role), cell in reported.rows.items():
        row = next(line for line in table if line.startswith(f"| `{user}`") and f" | `{role}` | " in line)
        assert row.startswith(f"| {cell}"), (case.why, row)


def test_a_hand_edited_base_plan_with_a_membership_that_is_not_a_list_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = Case(
        "membership-not-a-list", {"base.json": plan_of(BOTH_RO), "Pulumi.utils.yaml": stack_file(BOTH_RO)}, Reported("", ())
    )
    project = project_of(case, tmp_path)
    base = json.loads((project / "base.json").read_text(encoding="utf-8"))
    at = next(i for i, r in enumerate(base["resources"]) if r["type"] == MEMBERSHIP)
    base["resources"][at]["inputs"]["groups"] = "devs"
    (project / "base.json").write_text(json.dumps(base), encoding="utf-8")
    code, out, err = against_base(project, capsys)
    assert (code, out) == (2, "")
    assert err == (
        f'error: --against {project / "base.json"}: resources[{at}].inputs.groups: got "devs" (a string); expected a list of names '
        "(strings), as in the output of make plan FORMAT=json\n"
    )


# --- diff_plans on hand-written plans: what the program never writes, but a plan may hold ----


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
        res("aws:iam/group:Group", "access-group-devs", name="devs", path="/"),
        res("aws:iam/group:Group", "access-group-ops", name="ops", path="/"),
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
