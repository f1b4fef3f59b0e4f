"""The access table is a view of the access model (issue 30): each row is the model's answer to
"may this principal call sts:AssumeRole on this role", with MFA (the row) and without (the MFA
column), so a row can say what the trust's words alone cannot (`crossaccount.access.grants.
decided_rows`). Judged by AWS's documented evaluation logic, "Policy evaluation logic"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html): an
explicit Deny in any identity policy wins over the trust's Allow; a trust that names an account
lets in each principal of it whose own policies allow the call ("Cross-account policy
evaluation logic", reference_policies_evaluation-logic-cross-account.html).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from crossaccount import pipeline
from crossaccount.access.from_plan import model_from_plans
from crossaccount.access.grants import OTHER_STACKS_SIDE, Grant, Permission, access_grants, document_rows
from crossaccount.access.model import AccessModel, Asker, Question, build_model
from crossaccount.access.types import Policy
from crossaccount.pipeline import load_values
from tests.conftest import SOURCE, TARGET, walkthrough_settings
from tests.test_access_table_agrees import plan_json, plans_and_model
from tests.test_review import plan_of
from tools.paths import PROJECT_DIR
from tools.render.review import render_review

STAGING = "777788889999"

FILE = (Permission("file", "policies/role_permissions_policy.json"),)


def model_of(raw: dict[str, Any], stack: str = "utils") -> AccessModel:
    return build_model({stack: pipeline.plan_of(load_values(stack, raw, PROJECT_DIR / "policies"))})


def path_and_deny_all() -> dict[str, Any]:
    """`deleter` trusts the source account's root narrowed to the path /team/ (alice is on it, and
    named); dan is trusted by name but his group carries AWS's AWSDenyAll."""
    raw = walkthrough_settings()
    raw["users"] = {"alice": {"path": "/team/"}, "bob": {"path": "/team/"}, "dan": {}}
    raw["selfService"] = {"enforceMfa": False}
    raw["groups"] = {"frozen": {"members": ["dan"], "managedPolicyArns": ["arn:aws:iam::aws:policy/AWSDenyAll"]}}
    raw["roles"] = {
        "deleter": {
            "trust": "path",
            "trustedPath": "/team/",
            "trustedUsers": ["alice"],
            "requireMfa": False,
            "policyFiles": ["role_permissions_policy.json"],
            "waivers": {"TRUST_ACCOUNT_WIDE": "the test's path mode"},
        },
        "s3-list-role": {"trustedUsers": ["dan", "bob"], "policyFiles": ["role_permissions_policy.json"]},
    }
    return raw


def row(principal: str, role: str, mfa: str, **fields: Any) -> Grant:
    path = "team/" if principal in ("alice", "bob") else ""
    values: dict[str, Any] = {
        "principal": principal,
        "principal_arn": f"arn:aws:iam::{SOURCE}:user/{path}{principal}",
        "created": True,
        "role": role,
        "account": TARGET,
        "mfa": mfa,
        "external_id": "no",
        "session_tags": "no",
        "source_identity": "not required",
        "session": "1 h",
        "permissions": FILE,
    }
    return Grant(**{**values, **fields})


def test_a_trust_that_names_the_account_gives_a_row_to_each_person_the_model_lets_in() -> None:
    """The trust of `deleter` names the account root (ArnLike on the path): its words give one row,
    the account's. The model adds alice, whose own policy allows the call and who is on the path;
    not bob, on the path too, whose policies name only s3-list-role (cross-account: both sides)."""
    raw = path_and_deny_all()
    plan, model = plan_of(raw), model_of(raw)
    read = {(g.principal, g.role) for g in document_rows(plan)}
    assert ("alice", "deleter") not in read
    rows = access_grants(plan, model)
    assert [(g.principal, g.role) for g in rows] == [
        ("alice", "deleter"),
        (f"arn:aws:iam::{SOURCE}:root", "deleter"),
        ("bob", "s3-list-role"),
        ("dan", "s3-list-role"),
    ]
    assert rows[0] == row("alice", "deleter", "no")


def test_a_person_whose_group_denies_everything_is_shown_denied_even_with_mfa() -> None:
    """dan is named by the trust and by his assume-role policy, which the words read as access
    with MFA; AWSDenyAll, through his group, denies it whatever the trust says."""
    raw = path_and_deny_all()
    plan, model = plan_of(raw), model_of(raw)
    (read,) = [g for g in document_rows(plan) if g.principal == "dan"]
    assert read.mfa == "required"
    (dan,) = [g for g in access_grants(plan, model) if g.principal == "dan"]
    assert dan == row(
        "dan",
        "s3-list-role",
        "denied even with MFA (explicit Deny in arn:aws:iam::aws:policy/AWSDenyAll Statement[0] (DenyAll))",
        group_policies=(("frozen", ("arn:aws:iam::aws:policy/AWSDenyAll",)),),
    )


def test_the_review_prints_the_models_rows() -> None:
    """`render_review` builds the model of the plan it is given (model_from_plans): alice's row,
    which only the model gives, and dan's denial are in the table a reviewer reads."""
    table = render_review(plan_of(path_and_deny_all())).split("#### Who may assume what\n\n", 1)[1].split("\n\n", 1)[0]
    rows = table.splitlines()[2:]
    assert (
        rows[0]
        == f"| `alice` | `deleter` | {TARGET} | no | no | no | not required | 1 h | `policies/role_permissions_policy.json` |"
    )
    assert rows[3].startswith(
        f"| `dan` (group frozen gives managed `AWSDenyAll` in the source account) | `s3-list-role` | {TARGET} | denied even with MFA (explicit Deny in arn:aws:iam::aws:policy/AWSDenyAll "
        "Statement\\[0\\] (DenyAll)) |"
    ), rows[3]


def test_a_row_for_another_stacks_role_is_decided_whole_with_the_organisations_model(
    fixture_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The people's stack (utils) grants random_user staging's role. With its plan alone, the
    role's trust is not there: the row is the person's side and says so. With the organisation's
    model (every stack's plan), the same row is decided whole: both sides, by the model."""
    _, model = plans_and_model(fixture_project)
    utils = plan_json(fixture_project, "utils", capsys)
    alone = {(g.role, g.mfa) for g in access_grants(utils)}
    whole = {(g.role, g.mfa) for g in access_grants(utils, model)}
    assert alone == {("s3-list-role", "required"), ("s3-artifacts-read", f"required ({OTHER_STACKS_SIDE})")}
    assert whole == {("s3-list-role", "required"), ("s3-artifacts-read", "required")}
    assert model_from_plans({"utils": utils}).role(f"arn:aws:iam::{STAGING}:role/s3-artifacts-read") is None


def test_a_roles_only_stack_alone_stands_the_persons_side_in_and_decides_the_trust(
    fixture_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """staging creates no user: random_user's policies are utils'. Its review (its plan alone)
    asks the model with a stand-in for the person's side; the trust's MFA condition decides the
    MFA column, as it does with the organisation's model."""
    _, model = plans_and_model(fixture_project)
    staging = plan_json(fixture_project, "staging", capsys)
    assert [(g.principal, g.role, g.mfa) for g in access_grants(staging)] == [("random_user", "s3-artifacts-read", "required")]
    assert access_grants(staging) == access_grants(staging, model)


@pytest.mark.parametrize(
    ("statements", "asks"),
    [
        ([{"Bool": {"aws:MultiFactorAuthPresent": "true"}}], True),
        ([{"Bool": {"AWS:multifactorauthpresent": ["true"]}, "NumericLessThan": {"aws:MultiFactorAuthAge": "900"}}], True),
        ([{"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}], False),
        ([{"Bool": {"aws:MultiFactorAuthPresent": "false"}}], False),
        ([{"Bool": {"aws:MultiFactorAuthPresent": "true"}}, None], False),
        ([None], False),
    ],
    ids=["bool-true", "bool-true-and-age", "bool-if-exists", "bool-false", "a-second-statement", "no-condition"],
)
def test_the_trust_settles_the_mfa_column_only_where_aws_would_deny_without_mfa(
    statements: list[dict[str, Any] | None], asks: bool
) -> None:
    """`Asker.trust_asks_mfa` spares the evaluation without MFA only where it must deny: one
    statement can apply to the person and its Bool asks MFA present `true`. Where it says so, the
    full evaluation without MFA denies too; where it does not, the full evaluation decides."""
    raw = walkthrough_settings()
    model = model_of(raw)
    (role,) = model.roles.values()
    person = model.principals[f"user:arn:aws:iam::{SOURCE}:user/random_user"]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": person.arn}, "Action": "sts:AssumeRole", **({"Condition": c} if c else {})}
            for c in statements
        ],
    }
    role = replace(role, trust=Policy(trust, role.trust.source, "resource"))
    asker = Asker(model, Question("sts:AssumeRole", role.arn))
    assert asker.trust_asks_mfa(person, role) is asks
    if asks:
        assert not asker.assume(person, role, False).decision.allowed
