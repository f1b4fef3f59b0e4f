"""Self-service for users with a `path`: each user can manage exactly its own credentials.

Invariant: a user's ARN carries its path (`user/team-data/alice`, IAM User Guide, IAM
identifiers) and `${aws:username}` is only its name, so the self-service statements name the
caller's own user once per distinct path of the stack's users (`user/team-data/${aws:username}`),
never with a wildcard: a user with or without a path can set a password and enrol a device,
and touches no one else's credentials. Too many distinct paths for one managed policy is one
clear error before anything is registered.

Judged by AWS's documented evaluation with tests/access_sides.py (the core evaluator, crossaccount/access) (moto matches resources too
loosely to show it).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from crossaccount import pipeline
from crossaccount.errors import SettingsError
from crossaccount.pipeline import load_values
from crossaccount.plan import StackPlan
from crossaccount.plan.selfservice import self_service_document
from tests.access_sides import identity_side
from tests.conftest import SOURCE, walkthrough_settings
from tools.offline.mocks import PROJECT_DIR

TEMPLATE = json.loads((PROJECT_DIR / "policies" / "source" / "self-service-credentials.json").read_text(encoding="utf-8"))
USER_STATEMENTS = [
    "AllowManageOwnPasswords",
    "AllowManageOwnAccessKeys",
    "AllowManageOwnSigningCertificates",
    "AllowManageOwnUserMFA",
]
WITH_MFA = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "30"}


def arn(path: str, name: str) -> str:
    return f"arn:aws:iam::{SOURCE}:user{path}{name}"


def people(paths: dict[str, str]) -> dict[str, Any]:
    raw = walkthrough_settings()
    raw["users"] = {name: ({"path": path} if path != "/" else {}) for name, path in paths.items()}
    raw["roles"]["s3-list-role"]["trustedUsers"] = sorted(paths)
    return raw


def plan_of(raw: dict[str, Any]) -> StackPlan:
    return pipeline.plan_of(load_values("utils", raw, PROJECT_DIR / "policies"))


def document(plan: StackPlan) -> dict[str, Any]:
    assert plan.self_service is not None
    return dict(json.loads(plan.self_service.document))


MIXED = {"alice": "/team-data/", "bob": "/", "carol": "/team-data/"}


def test_each_user_statement_names_the_callers_arn_once_per_distinct_path_and_nothing_wider() -> None:
    doc = document(plan_of(people(MIXED)))
    by_sid = {s["Sid"]: s for s in doc["Statement"]}
    for sid in USER_STATEMENTS:
        assert by_sid[sid]["Resource"] == [
            f"arn:aws:iam::{SOURCE}:user/${{aws:username}}",
            f"arn:aws:iam::{SOURCE}:user/team-data/${{aws:username}}",
        ], sid
    # The device is the user's own (its path is `/`, as the console and the outputs name it).
    assert by_sid["AllowManageOwnVirtualMFADevice"]["Resource"] == f"arn:aws:iam::{SOURCE}:mfa/${{aws:username}}"
    resources = [r for s in doc["Statement"] for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])]
    assert [r for r in resources if "*" in r] == ["*", "*"]  # AllowViewAccountInfo and the Deny, as AWS's page has them


def test_without_paths_the_document_is_the_one_aws_documents() -> None:
    by_sid = {s["Sid"]: s for s in document(plan_of(walkthrough_settings()))["Statement"]}
    assert {by_sid[sid]["Resource"] for sid in USER_STATEMENTS} == {f"arn:aws:iam::{SOURCE}:user/${{aws:username}}"}


@pytest.mark.parametrize(("user", "path"), sorted(MIXED.items()))
def test_with_or_without_a_path_a_user_sets_a_password_and_enrols_before_mfa(user: str, path: str) -> None:
    policies = [document(plan_of(people(MIXED)))]
    own = arn(path, user)
    context = {"aws:username": user}  # long-term keys or console without MFA: no MFA key
    for action, resource in [
        ("iam:ChangePassword", own),
        ("iam:GetUser", own),
        ("iam:CreateVirtualMFADevice", f"arn:aws:iam::{SOURCE}:mfa/{user}"),
        ("iam:EnableMFADevice", own),
        ("iam:ListMFADevices", own),
    ]:
        assert identity_side(policies, action, resource, context) == "allow", action
    assert identity_side(policies, "iam:CreateAccessKey", own, context) == "deny"  # the Deny until MFA


@pytest.mark.parametrize(("user", "path"), sorted(MIXED.items()))
def test_with_mfa_a_user_manages_its_own_keys_and_no_one_elses(user: str, path: str) -> None:
    policies = [document(plan_of(people(MIXED)))]
    context = {"aws:username": user, **WITH_MFA}
    assert identity_side(policies, "iam:CreateAccessKey", arn(path, user), context) == "allow"
    for other, other_path in MIXED.items():
        if other != user:
            assert identity_side(policies, "iam:CreateAccessKey", arn(other_path, other), context) == "implicit deny", other
    # The same name under another path would match, but cannot exist: a user name is unique in
    # the account whatever its path (IAM User Guide, IAM identifiers: "friendly names and paths").


def test_the_document_written_for_the_root_path_alone_locks_out_a_user_with_a_path() -> None:
    """What the program did before: AWS's page's resource, which no user with a path matches."""
    old = self_service_document(TEMPLATE, "aws", SOURCE, enforce_mfa=True)
    own = arn("/team-data/", "alice")
    assert identity_side([old], "iam:ChangePassword", own, {"aws:username": "alice"}) == "implicit deny"
    assert identity_side([old], "iam:EnableMFADevice", own, {"aws:username": "alice"}) == "implicit deny"


def test_too_many_distinct_paths_for_one_managed_policy_is_one_clear_error() -> None:
    paths = {f"u{i:03d}": f"/team-{i:03d}-{'x' * 20}/" for i in range(40)}
    with pytest.raises(SettingsError) as caught:
        plan_of(people(paths))
    (problem,) = caught.value.problems
    assert problem.startswith(
        "cross-account-roles:users: the self-service policy names each user's ARN by its path, and the users this stack "
        f"creates have 40 distinct paths (/team-000-{'x' * 20}/, "
    )
    assert problem.endswith(
        "over the 6,144 a managed policy holds; expected fewer distinct paths (users under one path share its resources), "
        "or the users split across people's stacks"
    )


def test_a_few_paths_fit() -> None:
    paths = {f"u{i:03d}": f"/team-{i:03d}/" for i in range(8)}
    assert len(document(plan_of(people(paths)))["Statement"][1]["Resource"]) == 8
