"""`verify` against a real AWS API server: moto's, with IAM enforcement on, in two accounts.

Invariant: after the walk-through's plan is created in moto exactly as the program registers
it (users, policies, attachments and the role, each in its provider's account), the trusted
user can assume the role and list buckets but not create one; a user without the identity
policy cannot assume the role; a role without its permission policy cannot list buckets; and
`verify` says each of these, line for line in text and field for field in JSON, with the
exit code a pipeline relies on, without printing a secret.

What this does NOT prove, because moto does not evaluate it:
- the trust policy. moto checks a role's trust policy only when the caller is in the role's
  own account; for a role in another account (this project's whole point) it lets any caller
  whose identity policy allows `sts:AssumeRole` in. The trust policy's correctness is proved
  by the tests that assert its exact content.
- conditions other than `sts:ExternalId`, so MFA among them: moto treats
  `aws:MultiFactorAuthPresent` as met and ignores SerialNumber/TokenCode. The walk-through
  role requires MFA, so these tests pass `--mfa-token 123456` (any 6 digits): that covers
  verify's MFA path (the code is sent with the user's `mfaSerial` output), not AWS's check.
What it does prove: the identity side (the user's policy must allow AssumeRole on the exact
role ARN), the role's permission policy, the ARNs the outputs promise, and verify's logic.

The retries while "IAM propagates" run on a fake clock: no test sleeps.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import SOURCE, TARGET
from tests.e2e.apply_plan import LOGIN_PROFILE, PASSWORD_POLICY, POLICY, ROLE, ROLE_ATTACHMENT, USER, USER_ATTACHMENT
from tests.e2e.conftest import INTRUDER, SELF_SERVICE_POLICY, STRANGER, TRUSTED, Deployed
from tests.fake_time import FakeTime
from tools.commands import verify
from tools.offline.mocks import PROJECT_DIR

MFA = "123456"
ROLE_NAME = "s3-list-role"
ROLE_ARN = f"arn:aws:iam::{TARGET}:role/{ROLE_NAME}"
IDENTITY_POLICY = "random_user-assume-roles-utils"
PERMISSION_POLICY = "s3-list-role-role_permissions_policy"
DENIED_BUCKET = "cross-account-roles-verify-must-be-denied"
MFA_SERIAL = f"arn:aws:iam::{SOURCE}:mfa/random_user"

HEADER = f"verify stack utils: caller arn:aws:iam::{SOURCE}:user/random_user (user random_user), roles in account {TARGET}"
ASSUMED = f"PASS s3-list-role assume-role: session random_user, with MFA arn:aws:iam::{SOURCE}:mfa/random_user"
IDENTITY = f"PASS s3-list-role caller-identity: arn:aws:sts::{TARGET}:assumed-role/s3-list-role/random_user"
LISTED = "PASS s3-list-role s3:ListBuckets (expect allow): allowed"
CREATE_DENIED = "PASS s3-list-role s3:CreateBucket (expect deny): denied with AccessDenied"


def options(deployed: Deployed, **changes: Any) -> verify.Options:
    test_clock = FakeTime()  # a retry, should one happen, waits on the test clock, never for real
    values: dict[str, Any] = {
        "endpoint_url": deployed.moto.endpoint,
        "mfa_token": MFA,
        "progress": lambda _: None,
        "sleep": test_clock.sleep,
        "clock": test_clock.clock,
    }
    return verify.Options(**{**values, **changes})


def verify_as(deployed: Deployed, user: str, **changes: Any) -> verify.Report:
    session = deployed.moto.session(deployed.keys[user])
    return verify.verify_stack(deployed.loaded, deployed.outputs, session, options(deployed, **changes))


def parse(argv: list[str], project: Path) -> argparse.Namespace:
    """verify's options, reading the tests' walk-through project (never the repository's stack)."""
    parser = argparse.ArgumentParser()
    verify.add_arguments(parser)
    return parser.parse_args([*argv, "--project-dir", str(project)])


def env_with_keys(key: tuple[str, str]) -> dict[str, str]:
    return {"AWS_ACCESS_KEY_ID": key[0], "AWS_SECRET_ACCESS_KEY": key[1]}


def test_moto_holds_the_plans_resources_at_the_arns_the_outputs_name(deployed: Deployed) -> None:
    made = {(c.account, c.type, c.name): c.arn for c in deployed.created}
    assert made == {
        (SOURCE, USER, "random_user"): f"arn:aws:iam::{SOURCE}:user/random_user",
        (SOURCE, POLICY, IDENTITY_POLICY): f"arn:aws:iam::{SOURCE}:policy/{IDENTITY_POLICY}",
        (SOURCE, USER_ATTACHMENT, f"random_user -> arn:aws:iam::{SOURCE}:policy/{IDENTITY_POLICY}"): None,
        (SOURCE, POLICY, SELF_SERVICE_POLICY): f"arn:aws:iam::{SOURCE}:policy/{SELF_SERVICE_POLICY}",
        (SOURCE, USER_ATTACHMENT, f"random_user -> arn:aws:iam::{SOURCE}:policy/{SELF_SERVICE_POLICY}"): None,
        (SOURCE, LOGIN_PROFILE, "login profile of random_user"): None,
        (SOURCE, PASSWORD_POLICY, "account password policy"): None,
        (TARGET, POLICY, PERMISSION_POLICY): f"arn:aws:iam::{TARGET}:policy/{PERMISSION_POLICY}",
        (TARGET, ROLE, ROLE_NAME): ROLE_ARN,
        (TARGET, ROLE_ATTACHMENT, f"{ROLE_NAME} -> arn:aws:iam::{TARGET}:policy/{PERMISSION_POLICY}"): None,
    }
    assert deployed.outputs.users["random_user"].arn == made[(SOURCE, USER, "random_user")]
    assert deployed.outputs.roles[ROLE_NAME].arn == made[(TARGET, ROLE, ROLE_NAME)]


def test_the_trusted_user_assumes_the_role_lists_buckets_and_is_refused_create_bucket(deployed: Deployed) -> None:
    report = verify_as(deployed, TRUSTED)

    assert verify.render_text(report).splitlines() == [
        HEADER,
        ASSUMED,
        IDENTITY,
        LISTED,
        CREATE_DENIED,
        "summary: 4 passed, 0 failed, 0 skipped: OK",
    ]
    data = json.loads(verify.render_json(report))
    assert data["summary"] == {"passed": 4, "failed": 0, "skipped": 0, "ok": True, "verdict": "OK"}
    assert [(r["check"], r["status"], r["expect"], r["code"]) for r in data["results"]] == [
        ("assume-role", "pass", None, None),
        ("caller-identity", "pass", None, None),
        ("s3:ListBuckets", "pass", "allow", None),
        ("s3:CreateBucket", "pass", "deny", "AccessDenied"),
    ]
    with deployed.moto.as_operator():  # the denied call really created nothing
        assert deployed.moto.client("s3", TARGET).list_buckets()["Buckets"] == []


def test_a_user_without_the_identity_policy_is_denied_assume_role(deployed: Deployed) -> None:
    sts = deployed.moto.session(deployed.keys[INTRUDER]).client("sts", endpoint_url=deployed.moto.endpoint)
    with pytest.raises(ClientError) as refused:
        sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName=INTRUDER)
    assert refused.value.response["Error"] == {
        "Code": "AccessDenied",
        "Message": f"User: arn:aws:iam::{SOURCE}:user/intruder is not authorized to perform: sts:AssumeRole",
        "Type": "Sender",
    }


def test_verify_skips_every_role_for_a_caller_outside_the_stack_and_fails_for_having_verified_nothing(
    deployed: Deployed,
) -> None:
    report = verify_as(deployed, INTRUDER)

    assert verify.render_text(report).splitlines() == [
        f"verify stack utils: caller arn:aws:iam::{SOURCE}:user/intruder (not a user of this stack), roles in account {TARGET}",
        "SKIP s3-list-role assume-role: the caller is not one of its trusted users (random_user)",
        "SKIP s3-list-role caller-identity: not run: the caller is not trusted",
        "SKIP s3-list-role s3:ListBuckets (expect allow): not run: the caller is not trusted",
        "SKIP s3-list-role s3:CreateBucket (expect deny): not run: the caller is not trusted",
        "summary: 0 passed, 0 failed, 4 skipped: FAILED (no role was verified)",
    ]
    assert json.loads(verify.render_json(report))["user"] is None


def test_verify_fails_the_assume_step_after_retrying_when_the_trusted_user_loses_its_identity_policy(
    deployed: Deployed,
) -> None:
    deployed.detach(SOURCE, "user", TRUSTED, IDENTITY_POLICY)
    time = FakeTime()
    waits: list[str] = []

    report = verify_as(deployed, TRUSTED, sleep=time.sleep, clock=time.clock, progress=waits.append)

    assert verify.render_text(report).splitlines() == [
        HEADER,
        f"FAIL s3-list-role assume-role: AccessDenied after 8 attempts over 60 s: User: arn:aws:iam::{SOURCE}:user/random_user "
        "is not authorized to perform: sts:AssumeRole",
        "SKIP s3-list-role caller-identity: not run: the role was not assumed",
        "SKIP s3-list-role s3:ListBuckets (expect allow): not run: the role was not assumed",
        "SKIP s3-list-role s3:CreateBucket (expect deny): not run: the role was not assumed",
        "summary: 0 passed, 1 failed, 3 skipped: FAILED",
    ]
    assert time.sleeps == [1, 2, 4, 8, 16, 16, 13]
    assert (
        waits[0]
        == f"MFA: one GetSessionToken with the code of {MFA_SERIAL}; every role that requires MFA is assumed with that session"
    )
    assert waits[1] == (
        "waiting for IAM: AssumeRole on s3-list-role answered AccessDenied (attempt 1); retrying in 1 s (0 of 60 s spent)"
    )
    assert len(waits) == 8
    first = json.loads(verify.render_json(report))["results"][0]
    assert (first["check"], first["status"], first["code"]) == ("assume-role", "fail", "AccessDenied")


def test_after_the_permission_policy_is_detached_list_buckets_is_denied_and_verify_exits_1(
    deployed: Deployed, walkthrough_project: Path
) -> None:
    deployed.detach(TARGET, "role", ROLE_NAME, PERMISSION_POLICY)
    out, err = io.StringIO(), io.StringIO()
    args = parse(
        ["--outputs", str(deployed.outputs_file), "--endpoint-url", deployed.moto.endpoint, "--mfa-token", MFA],
        walkthrough_project,
    )
    time = FakeTime()
    waits: list[str] = []

    code = verify.run(
        args,
        out,
        err,
        environ=env_with_keys(deployed.keys[TRUSTED]),
        options=options(deployed, sleep=time.sleep, clock=time.clock, progress=waits.append),
    )

    assert code == 1
    assert out.getvalue().splitlines() == [
        HEADER,
        ASSUMED,
        IDENTITY,
        "FAIL s3-list-role s3:ListBuckets (expect allow): got AccessDenied: Access Denied (after 8 attempts over 60 s)",
        CREATE_DENIED,
        "summary: 3 passed, 1 failed, 0 skipped: FAILED",
    ]
    # the allow check was retried as IAM propagation would need; the deny check was not
    assert time.sleeps == [1, 2, 4, 8, 16, 16, 13]
    waited = [w for w in waits if w.startswith("waiting for IAM")]
    assert waited[0] == (
        "waiting for IAM: s3:ListBuckets as s3-list-role answered AccessDenied (attempt 1); retrying in 1 s (0 of 60 s spent)"
    )
    assert len(waited) == 7
    assert all("s3:CreateBucket" not in w for w in waited)


def test_a_permission_that_arrives_while_verify_waits_passes_after_retries(deployed: Deployed) -> None:
    """IAM propagation, played by moto: the policy is attached again during the second wait."""
    deployed.detach(TARGET, "role", ROLE_NAME, PERMISSION_POLICY)
    time = FakeTime()

    def sleep(seconds: float) -> None:
        time.sleep(seconds)
        if len(time.sleeps) == 2:
            deployed.attach(TARGET, "role", ROLE_NAME, PERMISSION_POLICY)

    report = verify_as(deployed, TRUSTED, sleep=sleep, clock=time.clock)

    assert verify.render_text(report).splitlines()[1:] == [
        ASSUMED,
        IDENTITY,
        "PASS s3-list-role s3:ListBuckets (expect allow): allowed after 3 attempts",
        CREATE_DENIED,
        "summary: 4 passed, 0 failed, 0 skipped: OK",
    ]
    assert time.sleeps == [1, 2]


def test_the_command_line_verifies_the_stack_with_environment_credentials_and_prints_no_secret(
    deployed: Deployed, tmp_path: Any, walkthrough_project: Path
) -> None:
    key = deployed.keys[TRUSTED]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),  # no ~/.aws of the machine running the tests
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        **env_with_keys(key),
    }
    # --wait 0: a separate process cannot take the test clock; moto needs no propagation wait
    argv = ["--outputs", str(deployed.outputs_file), "--endpoint-url", deployed.moto.endpoint, "--mfa-token", MFA, "--wait", "0"]
    argv += ["--project-dir", str(walkthrough_project)]
    done = subprocess.run(
        [sys.executable, "-m", "tools", "verify", "--stack", "utils", "--format", "json", *argv],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        "source credentials: environment (AWS_ACCESS_KEY_ID)\n"
        f"MFA: one GetSessionToken with the code of {MFA_SERIAL}; every role that requires MFA is assumed with that session\n"
    )
    data = json.loads(done.stdout)
    assert data["caller"] == f"arn:aws:iam::{SOURCE}:user/random_user"
    assert data["summary"] == {"passed": 4, "failed": 0, "skipped": 0, "ok": True, "verdict": "OK"}
    assert [r["detail"] for r in data["results"]] == [
        f"session random_user, with MFA arn:aws:iam::{SOURCE}:mfa/random_user",
        f"arn:aws:sts::{TARGET}:assumed-role/s3-list-role/random_user",
        "allowed",
        "denied with AccessDenied",
    ]
    printed = done.stdout + done.stderr
    assert key[0] not in printed
    assert key[1] not in printed
    assert "ASIA" not in printed  # moto's temporary access key ids, like AWS's, start so


def test_verify_refuses_credentials_of_the_wrong_account_before_assuming_anything(
    deployed: Deployed, walkthrough_project: Path
) -> None:
    out, err = io.StringIO(), io.StringIO()
    args = parse(
        ["--outputs", str(deployed.outputs_file), "--endpoint-url", deployed.moto.endpoint, "--mfa-token", MFA],
        walkthrough_project,
    )

    code = verify.run(args, out, err, environ=env_with_keys(deployed.keys[STRANGER]), options=options(deployed))

    assert code == 2
    assert out.getvalue() == ""
    assert err.getvalue() == (
        f"error: the source credentials are arn:aws:iam::{TARGET}:user/stranger, in account {TARGET}; "
        f"expected a user of the source account {SOURCE} (source.accountId of Pulumi.utils.yaml)\n"
    )


def test_in_a_terminal_verify_asks_once_for_the_mfa_code_naming_the_users_device(deployed: Deployed) -> None:
    asked: list[str] = []

    def prompt(text: str) -> str:
        asked.append(text)
        return "654321"

    report = verify_as(deployed, TRUSTED, mfa_token=None, interactive=True, prompt=prompt)

    assert asked == [f"MFA code for arn:aws:iam::{SOURCE}:mfa/random_user (roles s3-list-role): "]
    assert report.ok


def test_without_a_terminal_or_an_mfa_code_verify_says_how_to_pass_one(deployed: Deployed) -> None:
    with pytest.raises(verify.VerifyError) as stopped:
        verify_as(deployed, TRUSTED, mfa_token=None, interactive=False)

    assert str(stopped.value) == (
        "role(s) s3-list-role require MFA and stdin is not a terminal; "
        "pass --mfa-token CODE (make verify MFA=CODE) with the 6 digits your MFA device shows"
    )
