"""What changed, by who (`crossaccount.access.who_gains`): the access table's rows of the base plan
against the head plan's, pair by pair, first in the review's *what changed*.

Invariant: a principal that may now assume a role widens, one that no longer may narrows; for a
pair in both plans each changed column is classed (MFA, ExternalId, session tags, source
identity, session length, permissions and boundary), a change of the groups it comes through is
other; rows are matched by principal ARN ignoring the name's case, so a rename only by case is no
change; an unchanged plan has no such line; a new stack's every row is a pair gained; the
comment counts pairs, so one person added to a trust is one, whatever documents carry it.
"""

from __future__ import annotations

import copy
from typing import Any

from crossaccount.access.grants import Grant, Permission
from crossaccount.access.who_gains import who_changes
from tests.conftest import SOURCE, TARGET, walkthrough_settings
from tests.test_plan_diff import plan_of, two_users
from tools.render.comment import StackPlans, empty_plan, render_comment
from tools.render.plan_diff import WhoChange, diff_plans
from tools.render.review import render_review

ROLE = "s3-list-role"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def who_section(base: dict[str, Any], head: dict[str, Any]) -> list[str]:
    """The lines under *Who gains or loses access* of the review of `head` against `base`."""
    text = render_review(head, base)
    changes = text.split("#### What changed against the base plan (stack `utils`)\n\n", 1)[1].split("\n#### ", 1)[0]
    if "##### Who gains or loses access (" not in changes:
        return []
    heading, lines = ("##### Who gains or loses access (" + changes.split("##### Who gains or loses access (", 1)[1]).split(
        "\n\n"
    )[:2]
    assert heading == f"##### Who gains or loses access ({len(lines.splitlines())})"
    return lines.splitlines()


def line(effect: str, who: str, what: str, role: str = ROLE) -> str:
    mark = {"widens": ":warning: widens", "narrows": "narrows", "other": "other (judge it yourself)"}[effect]
    return f"- {mark}: **{who}**, role `{role}` in account {TARGET}: {what}"


def no_self_service_mfa(raw: dict[str, Any]) -> dict[str, Any]:
    """The stack's people without the self-service MFA Deny: the role's trust alone decides MFA."""
    out = copy.deepcopy(raw)
    out["selfService"] = {"enforceMfa": False}
    return out


def test_a_user_added_to_a_trust_may_now_assume_the_role() -> None:
    base, head = plan_of(walkthrough_settings()), plan_of(two_users())
    diff = diff_plans(base, head)
    assert diff.who == (WhoChange("widens", ("user bob",), ROLE, TARGET, "access", "may now assume it (MFA required)"),)
    assert who_section(base, head) == [line("widens", "user bob", "may now assume it (MFA required)")]
    # One pair gains, though four documents and attachments widen (the trust, bob's assume-role
    # policy and two attachments): the comment's first column counts pairs, one.
    assert (diff.pairs("widens"), len(diff.of("widens")), len(diff.resources)) == (1, 4, 5)
    comment = render_comment([StackPlans("utils", head, base)])
    assert "| `utils` | **1** :warning: | **4** :warning: | 0 | 0 | 5 |" in comment.splitlines()


def test_a_user_removed_from_a_trust_may_no_longer_assume_it_and_the_change_only_narrows() -> None:
    base, head = plan_of(two_users()), plan_of(walkthrough_settings())
    assert who_section(base, head) == [line("narrows", "user bob", "may no longer assume it")]
    assert diff_plans(base, head).only_narrows
    assert "**This change only narrows access.**" in render_review(head, base)


def test_turning_mfa_off_widens_where_aws_no_longer_requires_it_and_is_other_where_it_still_does() -> None:
    raw = no_self_service_mfa(walkthrough_settings())
    off = copy.deepcopy(raw)
    off["roles"][ROLE]["requireMfa"] = False
    assert who_section(plan_of(raw), plan_of(off)) == [line("widens", "user random_user", "MFA required -> no")]
    assert who_section(plan_of(off), plan_of(raw)) == [line("narrows", "user random_user", "MFA no -> required")]
    # With the self-service policy's MFA Deny (the default), AWS still requires MFA of the person:
    # the trust policy's documents widen, the row's MFA only gives the reason (the model's answer).
    base = plan_of(walkthrough_settings())
    head_raw = walkthrough_settings()
    head_raw["roles"][ROLE]["requireMfa"] = False
    assert who_section(base, plan_of(head_raw)) == [
        line(
            "other",
            "user random_user",
            "MFA required -> required (the person's selfService.enforceMfa: true denies AssumeRole without MFA, "
            "whatever the role's requireMfa: false says)",
        )
    ]


def test_each_column_of_a_pair_is_classed() -> None:
    raw = no_self_service_mfa(walkthrough_settings())
    base = plan_of(raw)
    head_raw = copy.deepcopy(raw)
    head_raw["roles"][ROLE].update(
        {
            "mfaMaxAgeSeconds": 3600,
            "externalId": "partner-7",
            "allowSessionTags": True,
            "requireSourceIdentity": True,
            "maxSessionDuration": 7200,
            "managedPolicyArns": [READ_ONLY],
            "permissionsBoundary": f"arn:aws:iam::{TARGET}:policy/cap",
        }
    )
    head = plan_of(head_raw)
    who = "user random_user"
    assert who_section(base, head) == [
        line("widens", who, "session tags no -> allowed"),
        line("widens", who, "longest session 1 h -> 2 h"),
        line("widens", who, "gains managed ReadOnlyAccess"),
        line("narrows", who, "MFA required -> required, at most 3600 s old"),
        line("narrows", who, "ExternalId no -> required (value not shown)"),
        line("narrows", who, "source identity not required -> = random_user"),
        line("narrows", who, "gains permissions boundary cap"),
    ]
    assert who_section(head, base) == [
        line("widens", who, "MFA required, at most 3600 s old -> required"),
        line("widens", who, "ExternalId required (value not shown) -> no"),
        line("widens", who, "source identity = random_user -> not required"),
        line("widens", who, "loses permissions boundary cap"),
        line("narrows", who, "session tags allowed -> no"),
        line("narrows", who, "longest session 2 h -> 1 h"),
        line("narrows", who, "loses managed ReadOnlyAccess"),
    ]


def test_a_member_added_to_a_trusted_group_may_now_assume_the_role_through_it() -> None:
    raw = two_users()
    raw["roles"][ROLE]["trustedUsers"] = ["random_user"]
    raw["roles"]["audit-role"] = {"trustedUsers": ["bob"], "policyFiles": ["role_permissions_policy.json"]}
    raw["groups"] = {"devs": {"members": ["random_user"]}}
    raw["roles"][ROLE]["trustedGroups"] = ["devs"]
    base = plan_of(raw)
    raw["groups"]["devs"]["members"].append("bob")
    head = plan_of(raw)
    assert who_section(base, head) == [line("widens", "user bob", "may now assume it (MFA required; through group devs)")]
    # random_user was trusted by name and through the group before: no change of theirs.


def test_a_pair_that_comes_through_a_group_as_well_is_other() -> None:
    raw = two_users()
    raw["groups"] = {"devs": {"members": ["bob"]}}
    base = plan_of(raw)
    raw["roles"][ROLE]["trustedGroups"] = ["devs"]
    head = plan_of(raw)
    # bob was trusted by name; now also through devs: the same pair, its `via` changed.
    assert who_section(base, head) == [line("other", "user bob", "through group (none) -> devs")]


def test_a_new_stacks_every_row_is_a_pair_gained() -> None:
    head = plan_of(two_users())
    diff = diff_plans(empty_plan("utils"), head)
    assert diff.who == (
        WhoChange("widens", ("user bob", "user random_user"), ROLE, TARGET, "access", "may now assume it (MFA required)"),
    )
    assert diff.pairs("widens") == 2
    comment = render_comment([StackPlans("utils", head, None)])
    assert comment.splitlines()[7].startswith("| `utils` (new: no base plan) | **2** :warning: | **")
    assert (
        f"- :warning: widens: **users bob, random_user**, role `{ROLE}` in account {TARGET}: may now assume it (MFA required)"
    ) in comment.splitlines()


def test_an_unchanged_plan_has_no_line() -> None:
    base = plan_of(two_users())
    head = plan_of(two_users())
    assert diff_plans(base, head).who == ()
    assert who_section(base, head) == []
    assert "Who gains or loses access" not in render_review(head, base)


def test_a_user_renamed_only_by_case_is_the_same_principal() -> None:
    base = plan_of(two_users())
    raw = two_users()
    raw["users"]["BOB"] = raw["users"].pop("bob")
    raw["roles"][ROLE]["trustedUsers"] = ["random_user", "BOB"]
    head = plan_of(raw)
    diff = diff_plans(base, head)
    (trust,) = [r["inputs"]["assumeRolePolicy"] for r in head["resources"] if r["type"] == "aws:iam/role:Role"]
    assert f"arn:aws:iam::{SOURCE}:user/BOB" in trust
    assert diff.who == ()  # IAM names ignore case: the same user may assume the same role
    assert diff.access  # the documents changed (the ARN is written in another case): the document diff says so


def row(principal_arn: str, role: str, **fields: Any) -> Grant:
    """An access row as `access_grants` gives it (the input of `who_changes`)."""
    values: dict[str, Any] = {
        "principal": principal_arn.rsplit("/", 1)[-1],
        "principal_arn": principal_arn,
        "created": True,
        "role": role,
        "account": TARGET,
        "mfa": "required",
        "external_id": "no",
        "session_tags": "no",
        "source_identity": "not required",
        "session": "1 h",
        "permissions": (Permission("file", "policies/role_permissions_policy.json"),),
    }
    return Grant(**{**values, **fields})


def test_rows_match_by_arn_and_role_ignoring_case_and_an_oidc_subject_is_its_own_pair() -> None:
    bob = f"arn:aws:iam::{SOURCE}:user/bob"
    assert who_changes([row(bob, "Audit")], [row(bob.replace("bob", "Bob"), "audit", principal="Bob")]) == ()
    provider = f"arn:aws:iam::{TARGET}:oidc-provider/token.actions.githubusercontent.com"
    main = row(
        provider,
        "deploy",
        principal="token.actions.githubusercontent.com (sub repo:o/r:ref:refs/heads/main)",
        kind="OIDC provider",
    )
    tags = row(
        provider, "deploy", principal="token.actions.githubusercontent.com (sub repo:o/r:ref:refs/tags/*)", kind="OIDC provider"
    )
    assert who_changes([main], [main, tags]) == (
        WhoChange(
            "widens",
            ("OIDC provider token.actions.githubusercontent.com (sub repo:o/r:ref:refs/tags/*)",),
            "deploy",
            TARGET,
            "access",
            "may now assume it (MFA required)",
        ),
    )


def test_a_pair_of_two_rows_whose_words_change_is_other() -> None:
    """Two statements of one trust naming one principal give two rows of one pair: their columns
    are compared together, and a change of them cannot be ordered."""
    bob = f"arn:aws:iam::{SOURCE}:user/bob"
    before = [row(bob, "audit"), row(bob, "audit", mfa="no")]
    after = [row(bob, "audit"), row(bob, "audit", session_tags="allowed")]
    assert who_changes(before, after) == (
        WhoChange("other", ("user bob",), "audit", TARGET, "MFA", "MFA no / required -> required"),
        WhoChange("other", ("user bob",), "audit", TARGET, "session tags", "session tags no -> allowed / no"),
    )
