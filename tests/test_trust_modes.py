"""Trust modes: `users` (exact ARNs, default), `path` and `tag` (the source account narrowed
to its IAM users under a path or carrying a tag).

Invariant: each mode's trust policy is exactly the documented one, MFA and the role's other
conditions stay in every mode, the identity side always names exact role ARNs, the
program tags the users a `tag` role trusts, the account-wide modes are warnings a reviewer
sees, and every bad trust setting is refused with its key before anything is registered.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

from crossaccount.errors import SettingsError
from crossaccount.pipeline import load_values
from tests.conftest import SOURCE, TARGET, one, walkthrough_settings
from tests.test_settings_errors import problems_of
from tools.offline.mocks import PROJECT_DIR, ProgramRun

ROLE = "s3-list-role"
USER = "random_user"
ROLE_ARN = f"arn:aws:iam::{TARGET}:role/{ROLE}"


def with_mode(**role_settings: Any) -> dict[str, Any]:
    raw = walkthrough_settings()
    raw["roles"][ROLE].update(role_settings)
    return raw


def trust_of(run: ProgramRun) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(one(run, "aws:iam/role:Role", ROLE).inputs["assumeRolePolicy"])
    return document


def identity_of(run: ProgramRun) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(one(run, "aws:iam/policy:Policy", f"{USER}-assume-roles-utils").inputs["policy"])
    return document


EXACT_IDENTITY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AssumeCrossAccountRoles",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": ROLE_ARN,
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        }
    ],
}


def test_path_mode_trusts_the_source_account_narrowed_to_users_under_the_path(
    run: Callable[..., ProgramRun], caplog: pytest.LogCaptureFixture
) -> None:
    raw = with_mode(trust="path", trustedPath="/team-data/", mfaMaxAgeSeconds=3600)
    raw["users"][USER]["path"] = "/team-data/"
    with caplog.at_level(logging.WARNING):
        result = run(raw)
    assert trust_of(result) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TrustSourceUsersUnderPath",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{SOURCE}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                    "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
                    "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{SOURCE}:user/team-data/*"},
                },
            }
        ],
    }
    assert identity_of(result) == EXACT_IDENTITY  # the identity side stays exact
    warnings = [m for m in caplog.messages if "TRUST_ACCOUNT_WIDE" in m]
    assert warnings == [
        f"guardrails: warning TRUST_ACCOUNT_WIDE cross-account-roles:roles.{ROLE} (trust policy), Statement[0]: "
        f'Principal "arn:aws:iam::{SOURCE}:root" narrowed by ArnLike aws:PrincipalArn '
        f'"arn:aws:iam::{SOURCE}:user/team-data/*": anyone in that account who may create or move a user to a '
        "matching path (iam:CreateUser, iam:UpdateUser) can grant themselves this role; accepted for roles too many "
        "people need for exact user ARNs (docs/settings.md: Trust modes). Use trust: users where the users fit, or waive "
        "TRUST_ACCOUNT_WIDE with the reason"
    ]


def test_tag_mode_trusts_iam_users_with_the_tag_and_the_program_tags_its_users(run: Callable[..., ProgramRun]) -> None:
    result = run(with_mode(trust="tag", trustedTag={"key": "team", "value": "data"}, externalId="shared-ops"))
    assert trust_of(result) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TrustSourceUsersWithTag",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{SOURCE}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                    "StringEquals": {"sts:ExternalId": "shared-ops", "aws:PrincipalTag/team": "data"},
                    # IAM users only: a role of the source account carrying the tag does not qualify
                    "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{SOURCE}:user/*"},
                },
            }
        ],
    }
    assert one(result, "aws:iam/user:User", USER).inputs["tags"] == {"name": "random", "team": "data"}
    assert identity_of(result) == EXACT_IDENTITY


def test_users_mode_is_the_default_and_names_exact_user_arns(run: Callable[..., ProgramRun]) -> None:
    (statement,) = trust_of(run(walkthrough_settings()))["Statement"]
    assert statement["Principal"] == {"AWS": f"arn:aws:iam::{SOURCE}:user/{USER}"}
    assert "ArnLike" not in statement["Condition"]


def test_a_role_without_mfa_in_path_mode_keeps_no_mfa_condition_and_is_warned_twice(run: Callable[..., ProgramRun]) -> None:
    raw = with_mode(trust="path", trustedPath="/ops/", requireMfa=False)
    raw["users"][USER]["path"] = "/ops/team/"
    raw["selfService"] = {"enforceMfa": False}
    (statement,) = trust_of(run(raw))["Statement"]
    assert statement["Condition"] == {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{SOURCE}:user/ops/*"}}
    assert sorted(f.rule_id for f in run(raw).findings) == ["TRUST_ACCOUNT_WIDE", "TRUST_WITHOUT_MFA"]


BAD: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    (
        "a wildcard in the path",
        {"trust": "path", "trustedPath": "/team-*/"},
        {},
        "cross-account-roles:roles.s3-list-role.trustedPath: got '/team-*/', which holds *; ArnLike would read it as a "
        "pattern (or a policy variable) and trust more users than the path names: expected a literal path such as /team-data/",
    ),
    (
        "a question mark in the path",
        {"trust": "path", "trustedPath": "/team?/"},
        {},
        "cross-account-roles:roles.s3-list-role.trustedPath: got '/team?/', which holds ?; ArnLike would read it as a "
        "pattern (or a policy variable) and trust more users than the path names: expected a literal path such as /team-data/",
    ),
    (
        "a policy variable in the path",
        {"trust": "path", "trustedPath": "/${aws:username}/"},
        {},
        "cross-account-roles:roles.s3-list-role.trustedPath: got '/${aws:username}/', which holds ${; ArnLike would read "
        "it as a pattern (or a policy variable) and trust more users than the path names: expected a literal path such as /team-data/",
    ),
    (
        "the root path",
        {"trust": "path", "trustedPath": "/"},
        {},
        "cross-account-roles:roles.s3-list-role.trustedPath: got '/', which every user of the source account is under; "
        "expected a path of this team's users only, e.g. /team-data/ (or trust: users)",
    ),
    (
        "a path without its closing slash",
        {"trust": "path", "trustedPath": "/team"},
        {},
        "cross-account-roles:roles.s3-list-role.trustedPath: got '/team'; expected /<printable ASCII>/ (at most 512 "
        "characters), e.g. /team-data/",
    ),
    (
        "path mode without a path",
        {"trust": "path"},
        {},
        "cross-account-roles:roles.s3-list-role.trustedPath: missing; trust: path needs the users' IAM path, e.g. /team-data/",
    ),
    (
        "a trusted user outside the path",
        {"trust": "path", "trustedPath": "/team-data/"},
        {},
        "cross-account-roles:roles.s3-list-role.trustedUsers[0]: user 'random_user' has path '/', not under the role's "
        "trustedPath '/team-data/', so the trust policy would not let it in; expected its path to start with '/team-data/'",
    ),
    (
        "a path given in users mode",
        {"trustedPath": "/team-data/"},
        {},
        "cross-account-roles:roles.s3-list-role.trustedPath: set while trust is 'users'; expected trust: path, or remove it",
    ),
    (
        "a tag given in path mode",
        {"trust": "path", "trustedPath": "/team-data/", "trustedTag": {"key": "team", "value": "data"}},
        {"path": "/team-data/"},
        "cross-account-roles:roles.s3-list-role.trustedTag: set while trust is 'path'; expected trust: tag, or remove it",
    ),
    (
        "tag mode without a tag",
        {"trust": "tag"},
        {},
        "cross-account-roles:roles.s3-list-role.trustedTag: missing; trust: tag needs {key, value}, the tag the trusted "
        "users carry, e.g. {key: team, value: data}",
    ),
    (
        "a reserved tag key",
        {"trust": "tag", "trustedTag": {"key": "aws:team", "value": "data"}},
        {},
        "cross-account-roles:roles.s3-list-role.trustedTag.key: got 'aws:team'; expected 1 to 128 characters of letters, "
        "digits, space and _.:/=+@- not starting with aws:",
    ),
    (
        "a policy variable as the tag value",
        {"trust": "tag", "trustedTag": {"key": "team", "value": "${aws:username}"}},
        {},
        "cross-account-roles:roles.s3-list-role.trustedTag.value: got '${aws:username}'; expected 1 to 256 characters of "
        "letters, digits, space and _.:/=+@- (no policy variable, no empty value)",
    ),
    (
        "an empty tag value",
        {"trust": "tag", "trustedTag": {"key": "team", "value": ""}},
        {},
        "cross-account-roles:roles.s3-list-role.trustedTag.value: got ''; expected 1 to 256 characters of letters, digits, "
        "space and _.:/=+@- (no policy variable, no empty value)",
    ),
    (
        "a tagged user the stack does not create",
        {"trust": "tag", "trustedTag": {"key": "team", "value": "data"}},
        {"create": False, "tags": None},
        "cross-account-roles:roles.s3-list-role.trustedUsers[0]: user 'random_user' has create: false, so this stack "
        "cannot tag it team=data; expected a user this stack creates, or trust: users for this role",
    ),
    (
        "a user whose own tag has another value for the key, ignoring case",
        {"trust": "tag", "trustedTag": {"key": "team", "value": "data"}},
        {"tags": {"Team": "web"}},
        "cross-account-roles:roles.s3-list-role.trustedUsers[0]: user 'random_user' would carry tag Team=web from its "
        "tags and team=data from this role's trustedTag; a user has one value per key (ignoring case): expected the "
        "same key and value",
    ),
    (
        "source identity in an account-wide mode",
        {"trust": "tag", "trustedTag": {"key": "team", "value": "data"}, "requireSourceIdentity": True},
        {},
        "cross-account-roles:roles.s3-list-role.requireSourceIdentity: true with trust: tag; pinning the source identity "
        "to each user's name needs a statement per user, expected trust: users (or requireSourceIdentity: false)",
    ),
    (
        "trusted roles in an account-wide mode",
        {"trust": "tag", "trustedTag": {"key": "team", "value": "data"}, "trustedRoles": [f"arn:aws:iam::{SOURCE}:role/ci"]},
        {},
        "cross-account-roles:roles.s3-list-role: trustedRoles with trust: tag; the account-wide modes trust IAM users only, "
        "expected the members in trustedUsers (or trust: users for groups, roles, permission sets and providers)",
    ),
    (
        "an unknown mode",
        {"trust": "account"},
        {},
        "cross-account-roles:roles.s3-list-role.trust: got \"account\"; expected 'users', 'path' or 'tag'",
    ),
]


@pytest.mark.parametrize(("role_settings", "user_settings", "expected"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_a_bad_trust_setting_is_refused_before_anything_is_registered(
    role_settings: dict[str, Any], user_settings: dict[str, Any], expected: str
) -> None:
    raw = with_mode(**role_settings)
    raw["users"][USER].update(user_settings)
    raw["users"][USER] = {k: v for k, v in raw["users"][USER].items() if v is not None}
    assert expected in problems_of(raw)


def test_two_tag_roles_asking_one_user_for_two_values_are_refused() -> None:
    raw = with_mode(trust="tag", trustedTag={"key": "team", "value": "data"})
    raw["roles"]["other-role"] = {
        "trustedUsers": [USER],
        "policyFiles": ["role_permissions_policy.json"],
        "trust": "tag",
        "trustedTag": {"key": "TEAM", "value": "web"},
    }
    assert problems_of(raw) == [
        "cross-account-roles:roles.s3-list-role.trustedUsers[0]: user 'random_user' would need tag team=data for this role "
        "and TEAM=web for role 'other-role'; a user has one value per key (ignoring case): expected the same trustedTag"
    ]


def test_the_pure_loader_refuses_the_same_way_as_the_program() -> None:
    """`make check` reads settings with the same loader: the same refusal."""
    with pytest.raises(SettingsError) as caught:
        load_values("utils", with_mode(trust="path"), PROJECT_DIR / "policies")
    assert caught.value.problems[0].startswith("cross-account-roles:roles.s3-list-role.trustedPath: missing")
