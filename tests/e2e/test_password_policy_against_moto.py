"""What the password policy's settings say is what AWS ends with, also over a policy that exists.

The plan's inputs are applied as the provider sends them (`tests.e2e.apply_plan`: only the
fields whose value is set, as its `d.GetOk` does) to moto, whose UpdateAccountPasswordPolicy,
like AWS's, resets every field it is not sent. Whether the provider calls the update at all is
the plan's side (tests/test_adoption.py): a `null` setting is sent as 0, a diff from 90.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import SOURCE, walkthrough_settings
from tests.e2e.apply_plan import PASSWORD_POLICY, PROVIDER, apply_plan
from tests.e2e.moto_api import MotoServer
from tools.offline.mocks import run_program
from tools.render.plan import as_data


def password_policy_plan(setting: dict[str, Any]) -> dict[str, Any]:
    raw = walkthrough_settings()
    raw["passwordPolicy"] = setting
    plan = as_data(run_program("utils", raw))
    plan["resources"] = [r for r in plan["resources"] if r["type"] in (PROVIDER, PASSWORD_POLICY)]
    return plan


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (
            {"maxPasswordAge": None, "passwordReusePrevention": None},
            {"ExpirePasswords": False, "MaxPasswordAge": 0, "PasswordReusePrevention": 0},
        ),
        ({"maxPasswordAge": None}, {"ExpirePasswords": False, "MaxPasswordAge": 0, "PasswordReusePrevention": 24}),
        ({}, {"ExpirePasswords": True, "MaxPasswordAge": 90, "PasswordReusePrevention": 24}),
    ],
)
def test_null_turns_off_what_an_existing_policy_had(
    moto_server: MotoServer, setting: dict[str, Any], expected: dict[str, Any]
) -> None:
    moto_server.allow_everything()
    moto_server.reset()
    iam = moto_server.client("iam", SOURCE)
    iam.update_account_password_policy(MinimumPasswordLength=8, MaxPasswordAge=30, PasswordReusePrevention=5)

    apply_plan(password_policy_plan(setting), moto_server.client)

    policy = iam.get_account_password_policy()["PasswordPolicy"]
    # AWS leaves out a field that is off; moto answers 0 for MaxPasswordAge: both read as 0.
    shown = {k: policy.get(k, 0) for k in ("ExpirePasswords", "MaxPasswordAge", "PasswordReusePrevention")}
    assert shown == expected
    assert policy["MinimumPasswordLength"] == 14
