"""`verify` with the credentials a person of an IAM Identity Center permission set has: a
session of the permission set's role in the source account (what an `sso_session` profile
yields), against moto with IAM enforcement on.

Invariant: the inline policy the outputs give for the permission set is what its session
needs to assume the role, and enough; verify recognises such a session, asks for no MFA
code, assumes only the roles that trust that permission set and says so.

What this does NOT prove, because moto cannot model it: IAM Identity Center itself (the
portal sign-in, its MFA, the role it creates and its suffix: here the role is created by
hand where Identity Center would put it), and the trust policy (moto does not evaluate a
role's trust policy for a caller of another account). Who the trust statement lets in is
proved by evaluating ArnLike over the exact document (tests/test_identity_center.py).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import boto3
import botocore.credentials
import botocore.tokens
import pytest
from botocore.awsrequest import AWSResponse

from tests.conftest import SOURCE, TARGET, walkthrough_settings
from tests.e2e.conftest import Deployed
from tests.fake_time import FakeTime
from tools.commands import verify

ROLE_NAME = "s3-list-role"
SSO_PATH = "/aws-reserved/sso.amazonaws.com/eu-west-1/"
SESSION = "jane.doe@example.com"


def with_permission_set() -> dict[str, Any]:
    raw = walkthrough_settings()
    raw["roles"][ROLE_NAME].update(
        trustedPermissionSets=["DataEngineers"], ssoRegion="eu-west-1", ssoStartUrl="https://acme.awsapps.com/start"
    )
    return raw


def sso_session(deployed: Deployed, permission_set: str, inline_policy: str | None) -> boto3.Session:
    """What Identity Center does at sign-in, done by hand: its role for the permission set in the
    source account (with the inline policy, if given), and a session of it for the person."""
    role = f"AWSReservedSSO_{permission_set}_0123456789abcdef"
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{SOURCE}:root"}, "Action": "sts:AssumeRole"}],
    }
    with deployed.moto.as_operator():
        iam = deployed.moto.client("iam", SOURCE)
        iam.create_role(RoleName=role, Path=SSO_PATH, AssumeRolePolicyDocument=json.dumps(trust))
        if inline_policy is not None:
            iam.put_role_policy(RoleName=role, PolicyName="AwsSSOInlinePolicy", PolicyDocument=inline_policy)
        arn = f"arn:aws:iam::{SOURCE}:role{SSO_PATH}{role}"
        credentials = deployed.moto.client("sts", SOURCE).assume_role(RoleArn=arn, RoleSessionName=SESSION)["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name="eu-north-1",
    )


def verify_with(deployed: Deployed, session: boto3.Session, time: FakeTime | None = None) -> verify.Report:
    """verify on the test clock: a retry "while IAM propagates" moves the clock, never waits."""
    time = time or FakeTime()
    options = verify.Options(endpoint_url=deployed.moto.endpoint, progress=lambda _: None, sleep=time.sleep, clock=time.clock)
    return verify.verify_stack(deployed.loaded, deployed.outputs, session, options)


def header(permission_set: str) -> str:
    caller = f"arn:aws:sts::{SOURCE}:assumed-role/AWSReservedSSO_{permission_set}_0123456789abcdef/{SESSION}"
    return f"verify stack utils: caller {caller} (permission set {permission_set}), roles in account {TARGET}"


def test_the_permission_sets_session_assumes_the_role_with_the_inline_policy_the_outputs_give(deploy: Any) -> None:
    deployed = deploy(with_permission_set())
    inline = deployed.plan["outputs"]["roles"][ROLE_NAME]["permissionSets"]["DataEngineers"]["inlinePolicy"]
    report = verify_with(deployed, sso_session(deployed, "DataEngineers", inline))
    assert verify.render_text(report).splitlines() == [
        header("DataEngineers"),
        f"PASS s3-list-role assume-role: session {SESSION}, as permission set DataEngineers (MFA: at sign-in to IAM Identity Center)",
        f"PASS s3-list-role caller-identity: arn:aws:sts::{TARGET}:assumed-role/s3-list-role/{SESSION}",
        "PASS s3-list-role s3:ListBuckets (expect allow): allowed",
        "PASS s3-list-role s3:CreateBucket (expect deny): denied with AccessDenied",
        "summary: 4 passed, 0 failed, 0 skipped: OK",
    ]
    assert json.loads(verify.render_json(report))["permissionSet"] == "DataEngineers"


def test_without_the_inline_policy_the_permission_sets_session_is_denied(deploy: Any) -> None:
    deployed = deploy(with_permission_set())
    time = FakeTime()
    report = verify_with(deployed, sso_session(deployed, "DataEngineers", None), time)
    first = report.results[0]
    assert (first.check, first.status, first.code) == ("assume-role", "fail", "AccessDenied")
    assert not report.ok
    assert time.sleeps == [1, 2, 4, 8, 16, 16, 13]  # retried for 60 s of the test clock as IAM propagates, then failed


def test_the_session_of_a_permission_set_the_role_does_not_trust_is_skipped(deploy: Any) -> None:
    deployed = deploy(with_permission_set())
    inline = deployed.plan["outputs"]["roles"][ROLE_NAME]["permissionSets"]["DataEngineers"]["inlinePolicy"]
    report = verify_with(deployed, sso_session(deployed, "DataScientists", inline))
    assert verify.render_text(report).splitlines() == [
        header("DataScientists"),
        "SKIP s3-list-role assume-role: the caller's permission set DataScientists is not one of its trustedPermissionSets "
        "(DataEngineers)",
        "SKIP s3-list-role caller-identity: not run: the caller is not trusted",
        "SKIP s3-list-role s3:ListBuckets (expect allow): not run: the caller is not trusted",
        "SKIP s3-list-role s3:CreateBucket (expect deny): not run: the caller is not trusted",
        "summary: 0 passed, 0 failed, 4 skipped: FAILED (no role was verified)",
    ]


def test_the_profile_the_outputs_give_works_through_botocores_own_sso_and_assume_role_providers(
    deploy: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The `awsConfigProfile` output, pasted into an AWS config, is loaded by botocore (what the
    AWS CLI uses): its SSO provider asks Identity Center for the permission set's credentials
    (GetRoleCredentials with the profile's account and role name; Identity Center is not in
    moto, so its answer is given here: a session of the permission set's role), and its
    assume-role provider assumes the role with them in moto."""
    deployed = deploy(with_permission_set())
    entry = deployed.plan["outputs"]["roles"][ROLE_NAME]["permissionSets"]["DataEngineers"]
    person = sso_session(deployed, "DataEngineers", entry["inlinePolicy"]).get_credentials().get_frozen_credentials()
    config = tmp_path / "config"
    config.write_text(entry["awsConfigProfile"], encoding="utf-8")
    cache = tmp_path / "sso-cache"
    cache.mkdir()
    token = {"startUrl": "https://acme.awsapps.com/start", "region": "eu-west-1", "accessToken": "portal-token",
             "expiresAt": "2099-01-01T00:00:00Z"}  # fmt: skip
    (cache / f"{hashlib.sha1(b'acme').hexdigest()}.json").write_text(json.dumps(token), encoding="utf-8")
    monkeypatch.setattr(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR", str(cache))
    monkeypatch.setattr(botocore.tokens.SSOTokenProvider, "_SSO_TOKEN_CACHE_DIR", str(cache))
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", deployed.moto.endpoint)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    asked: list[dict[str, Any]] = []

    def identity_center(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        asked.append(dict(params["query_string"]))
        credentials = {
            "accessKeyId": person.access_key,
            "secretAccessKey": person.secret_key,
            "sessionToken": person.token,
            "expiration": 4102444800000,
        }
        return AWSResponse("https://portal.sso.eu-west-1.amazonaws.com", 200, {}, None), {"roleCredentials": credentials}

    session = boto3.Session(profile_name=entry["profileName"])
    session._session.register("before-call.sso.GetRoleCredentials", identity_center)
    identity = session.client("sts").get_caller_identity()

    assert asked == [{"account_id": SOURCE, "role_name": "DataEngineers"}]
    assert identity["Arn"].startswith(f"arn:aws:sts::{TARGET}:assumed-role/{ROLE_NAME}/")
    assert "Buckets" in session.client("s3").list_buckets()
