"""The self-service policy in moto's server, with IAM enforcement on: a user without MFA.

moto evaluates no condition but StringEquals and treats the others as met, so with the
self-service policy attached, the Deny on `BoolIfExists aws:MultiFactorAuthPresent "false"`
applies to every request random_user makes: moto plays a user who has not signed in with
MFA (a new user, or long-term keys used without GetSessionToken). What this proves, on the
identity side, with the walk-through's real documents:
- the Deny refuses `sts:AssumeRole` although random_user's assume-role policy allows it (the
  same call passes in test_verify_against_moto.py, where the policy is detached);
- the actions in the Deny's NotAction that the policy allows on `Resource: "*"` (reading the
  password policy and listing virtual MFA devices, the first steps of enrolling) still pass.

What moto cannot show: it does not substitute policy variables, so the statements scoped to
`${aws:username}` (change one's own password, create one's own MFA device and access keys)
never match in moto; tests/test_self_service.py proves them from the statements themselves.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import SOURCE, TARGET
from tests.e2e.conftest import SELF_SERVICE_POLICY, TRUSTED, Deployed

ROLE_ARN = f"arn:aws:iam::{TARGET}:role/s3-list-role"


@pytest.fixture
def without_mfa(deployed: Deployed) -> Deployed:
    deployed.attach(SOURCE, "user", TRUSTED, SELF_SERVICE_POLICY)
    return deployed


def test_without_mfa_the_deny_refuses_assume_role_that_the_users_policy_allows(without_mfa: Deployed) -> None:
    sts = without_mfa.moto.session(without_mfa.keys[TRUSTED]).client("sts", endpoint_url=without_mfa.moto.endpoint)
    mfa = {"SerialNumber": f"arn:aws:iam::{SOURCE}:mfa/{TRUSTED}", "TokenCode": "123456"}
    with pytest.raises(ClientError) as refused:
        sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName=TRUSTED, **mfa)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert f"User: arn:aws:iam::{SOURCE}:user/{TRUSTED} is not authorized to perform: sts:AssumeRole" in str(refused.value)

    # the control: the same call, once the Deny no longer applies (what MFA sign-in does in AWS)
    without_mfa.detach(SOURCE, "user", TRUSTED, SELF_SERVICE_POLICY)
    session = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName=TRUSTED, **mfa)
    assert session["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{TARGET}:assumed-role/s3-list-role/{TRUSTED}"


def test_without_mfa_the_user_can_still_read_the_password_policy_and_list_mfa_devices(without_mfa: Deployed) -> None:
    iam = without_mfa.moto.session(without_mfa.keys[TRUSTED]).client("iam", endpoint_url=without_mfa.moto.endpoint)
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert (policy["MinimumPasswordLength"], policy["PasswordReusePrevention"], policy["MaxPasswordAge"]) == (14, 24, 90)
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []


def test_without_mfa_anything_outside_the_enrolment_actions_is_refused(without_mfa: Deployed) -> None:
    iam = without_mfa.moto.session(without_mfa.keys[TRUSTED]).client("iam", endpoint_url=without_mfa.moto.endpoint)
    with pytest.raises(ClientError) as refused:
        iam.list_users()
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
