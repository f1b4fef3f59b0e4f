"""The e2e's plan applier refuses what it cannot create faithfully, before creating anything.

If the program starts registering a new resource type or a new input, the end-to-end test
must fail until the applier (and moto) are taught it, rather than quietly cover less.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.apply_plan import UnsupportedPlanError, apply_plan
from tools.commands.plan import plan_stack
from tools.render.plan import as_data


def never_called(service: str, account: str) -> Any:
    raise AssertionError(f"apply_plan asked for a {service} client in {account} before refusing the plan")


@pytest.fixture(scope="module")
def plan(walkthrough_project: Path) -> dict[str, Any]:
    return as_data(plan_stack("utils", walkthrough_project))


def test_a_resource_type_the_program_does_not_emit_today_is_refused(plan: dict[str, Any]) -> None:
    changed = copy.deepcopy(plan)
    profile = {
        "type": "aws:iam/instanceProfile:InstanceProfile",
        "name": "access-profile-ops",
        "provider": "access-source",
        "inputs": {"name": "ops"},
    }
    changed["resources"].append(profile)

    with pytest.raises(UnsupportedPlanError) as error:
        apply_plan(changed, never_called)

    assert str(error.value) == (
        "aws:iam/instanceProfile:InstanceProfile access-profile-ops: apply_plan cannot create this type; teach it before the e2e covers it"
    )


def test_an_input_the_applier_does_not_pass_on_is_refused(plan: dict[str, Any]) -> None:
    changed = copy.deepcopy(plan)
    role = next(r for r in changed["resources"] if r["type"] == "aws:iam/role:Role")
    role["inputs"]["forceDetachPolicies"] = True

    with pytest.raises(UnsupportedPlanError) as error:
        apply_plan(changed, never_called)

    assert str(error.value) == (
        "aws:iam/role:Role access-role-s3-list-role: inputs ['forceDetachPolicies'] are not passed on by apply_plan"
    )


def test_a_resource_whose_provider_is_not_pinned_to_one_account_is_refused(plan: dict[str, Any]) -> None:
    changed = copy.deepcopy(plan)
    provider = next(r for r in changed["resources"] if r["name"] == "access-target")
    provider["inputs"]["allowedAccountIds"] = []

    with pytest.raises(UnsupportedPlanError) as error:
        apply_plan(changed, never_called)

    assert str(error.value).splitlines()[0] == (
        "aws:iam/policy:Policy access-policy-s3-list-role-role_permissions_policy: provider access-target is not pinned to one account ([])"
    )
