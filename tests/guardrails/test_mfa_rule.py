"""MFA_REQUIRED_BY_SELF_SERVICE: a role with `requireMfa: false` whose trusted users' self-service
policy enforces MFA is reported, naming both settings and the users; nothing else is.

Compliant and non-compliant cases side by side, in one stack and across a people's stack and a
roles-only stack (which learns the people's `selfService.enforceMfa` from their stack file).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from crossaccount.guardrails import check_plan
from crossaccount.pipeline import check_stack, load_values, plan_of
from tests.conftest import FIXTURE_PROJECT, walkthrough_settings
from tools.offline.mocks import PROJECT_DIR

RULE = "MFA_REQUIRED_BY_SELF_SERVICE"
MESSAGE = (
    "requireMfa is false, but the self-service policy of random_user has selfService.enforceMfa: true, whose Deny "
    "refuses every call without MFA but enrolment, AssumeRole included: AWS requires MFA of them for this role. "
    "Set requireMfa: true to say what AWS does, or selfService.enforceMfa: false in the stack that creates them; "
    "or waive MFA_REQUIRED_BY_SELF_SERVICE with the reason"
)


def found(raw: dict[str, Any]) -> list[tuple[str, str]]:
    plan = plan_of(load_values("utils", raw, PROJECT_DIR / "policies"))
    return [(f.location, f.message) for f in check_plan(plan) if f.rule_id == RULE]


def test_a_role_without_mfa_trusted_by_a_user_whose_self_service_enforces_it_is_reported() -> None:
    raw = walkthrough_settings()
    raw["roles"]["s3-list-role"]["requireMfa"] = False
    assert found(raw) == [("cross-account-roles:roles.s3-list-role.requireMfa", MESSAGE)]


@pytest.mark.parametrize(
    "change",
    [
        {},  # requireMfa true: the setting says what AWS does
        {"selfService": {"enforceMfa": False}, "requireMfa": False},  # neither side asks for MFA
        {"selfService": {"enabled": False}, "requireMfa": False},  # no self-service policy at all
    ],
    ids=["requireMfa true", "enforceMfa false", "self-service off"],
)
def test_nothing_is_reported_where_the_setting_says_what_aws_does(change: dict[str, Any]) -> None:
    raw = walkthrough_settings()
    if "requireMfa" in change:
        raw["roles"]["s3-list-role"]["requireMfa"] = change["requireMfa"]
    if "selfService" in change:
        raw["selfService"] = change["selfService"]
    assert found(raw) == []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy2(PROJECT_DIR / "__main__.py", tmp_path / "__main__.py")
    shutil.copy2(PROJECT_DIR / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copytree(PROJECT_DIR / "policies", tmp_path / "policies")
    return tmp_path


ROLES_ONLY = (
    "config:\n"
    "  cross-account-roles:target:\n"
    '    accountId: "555566667777"\n'
    "    region: eu-north-1\n"
    "  cross-account-roles:roles:\n"
    "    machine:\n"
    "      trustedUsers: [random_user]\n"
    "      requireMfa: false\n"
    "      managedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n"
    "      waivers:\n"
    "        TRUST_WITHOUT_MFA: the test looks at another rule\n"
)


@pytest.mark.parametrize(
    ("people_extra", "reported"), [("", True), ("  cross-account-roles:selfService:\n    enforceMfa: false\n", False)]
)
def test_a_roles_only_stack_reads_the_peoples_self_service_setting(project: Path, people_extra: str, reported: bool) -> None:
    people = (FIXTURE_PROJECT / "Pulumi.utils.yaml").read_text(
        encoding="utf-8"
    )  # the tests' own copy, never the example users edit
    (project / "Pulumi.utils.yaml").write_text(people + people_extra, encoding="utf-8")
    (project / "Pulumi.machines.yaml").write_text(ROLES_ONLY, encoding="utf-8")
    checked = check_stack(project, "machines")
    (access,) = checked.plan.roles[0].access
    assert access.mfa.required is reported
    assert [f.location for f in checked.findings if f.rule_id == RULE] == (
        ["cross-account-roles:roles.machine.requireMfa"] if reported else []
    )
