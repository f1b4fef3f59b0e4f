"""A group member reaches the role through the group, in moto's server with IAM enforcement on.

The real program's plan for a stack where alice (or random_user) is only in group `platform`, which the role
trusts, is created in moto (two accounts). alice has no assume-role policy of her own: her
`sts:AssumeRole` is allowed by the policy attached to the group (moto collects the policies
of a user's groups, as IAM does), and refused once she leaves the group. As everywhere in
the e2e, moto does not evaluate the cross-account trust policy (tests/test_people.py proves
alice's ARN is in it), and the self-service policy is detached (see tests/e2e/conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import SOURCE, TARGET, walkthrough_settings
from tests.e2e.apply_plan import apply_plan
from tests.e2e.conftest import SELF_SERVICE_POLICY, TRUSTED, Deployed
from tests.e2e.moto_api import MotoServer
from tests.e2e.test_verify_against_moto import verify_as
from tests.test_people import with_group
from tools.commands import verify
from tools.offline.mocks import run_program
from tools.render.plan import as_data

ROLE_ARN = f"arn:aws:iam::{TARGET}:role/s3-list-role"


@pytest.fixture
def alice_key(moto_server: MotoServer) -> Iterator[tuple[str, str]]:
    moto_server.allow_everything()
    moto_server.reset()
    apply_plan(as_data(run_program("utils", with_group("alice"))), moto_server.client)
    iam = moto_server.client("iam", SOURCE)
    iam.detach_user_policy(UserName="alice", PolicyArn=f"arn:aws:iam::{SOURCE}:policy/{SELF_SERVICE_POLICY}")
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    moto_server.enforce_iam()
    try:
        yield str(key["AccessKeyId"]), str(key["SecretAccessKey"])
    finally:
        moto_server.allow_everything()


def test_a_member_assumes_the_role_through_the_groups_policy_and_not_after_leaving(
    moto_server: MotoServer, alice_key: tuple[str, str]
) -> None:
    sts = moto_server.session(alice_key).client("sts", endpoint_url=moto_server.endpoint)
    with moto_server.as_operator():
        iam = moto_server.client("iam", SOURCE)
        assert iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"] == []
        assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alice")["Groups"]] == ["platform"]

    session = sts.assume_role(
        RoleArn=ROLE_ARN, RoleSessionName="alice", SerialNumber=f"arn:aws:iam::{SOURCE}:mfa/alice", TokenCode="123456"
    )
    assert session["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{TARGET}:assumed-role/s3-list-role/alice"

    with moto_server.as_operator():
        moto_server.client("iam", SOURCE).remove_user_from_group(GroupName="platform", UserName="alice")
    with pytest.raises(ClientError) as refused:
        sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="alice")
    assert refused.value.response["Error"]["Code"] == "AccessDenied"


def test_verify_counts_a_group_member_as_trusted_and_passes_through_the_groups_policy(
    deploy: Callable[[dict[str, Any]], Deployed],
) -> None:
    """random_user is trusted only through group `platform`: verify must not skip the role, and
    AssumeRole must pass on the group's policy alone (random_user has no policy of its own)."""
    raw = walkthrough_settings()
    raw["groups"] = {"platform": {"members": [TRUSTED]}}
    raw["roles"]["s3-list-role"].update(trustedUsers=[], trustedGroups=["platform"])
    deployed = deploy(raw)
    assert not [r for r in deployed.plan["resources"] if r["name"] == f"access-assume-{TRUSTED}"]

    report = verify_as(deployed, TRUSTED)

    lines = verify.render_text(report).splitlines()
    assert lines[1].startswith(f"PASS s3-list-role assume-role: session {TRUSTED}"), lines
    assert lines[-1] == "summary: 4 passed, 0 failed, 0 skipped: OK"
