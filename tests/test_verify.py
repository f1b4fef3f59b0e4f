"""`verify`'s pieces without an AWS server: what a user reads when something is off.

Invariants: retries back off 1, 2, 4, 8, 16 s (capped) and never wait past the deadline; a
refused MFA code is not retried; each check's action becomes the method botocore names, and a
bad check is reported with its stack key before any call; every outcome of a check gets the
verdict the README promises; the reports are stable text and JSON; an outputs file or a
missing Pulumi CLI gets an error naming the file or the way out; secrets are never shown.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from crossaccount.errors import SettingsError
from crossaccount.pipeline import load_values, plan_of
from crossaccount.plan import stack_outputs
from crossaccount.settings.models import LoadedSettings
from tests.conftest import SOURCE, TARGET, walkthrough_settings
from tests.fake_time import FakeTime, fake_clock
from tests.hostile.harness import OUTPUTS as HOSTILE_OUTPUTS
from tools.commands import verify
from tools.offline.mocks import PROJECT_DIR

POLICIES = PROJECT_DIR / "policies"


def loaded_walkthrough(settings: dict[str, Any] | None = None) -> LoadedSettings:
    return load_values("utils", settings or walkthrough_settings(), POLICIES)


def walkthrough_outputs() -> dict[str, Any]:
    return stack_outputs(plan_of(loaded_walkthrough()))


def client_error(code: str, message: str = "no", operation: str = "AssumeRole") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


def always(error: ClientError) -> Any:
    def call() -> Any:
        raise error

    return call


# --- retrying while IAM propagates ---------------------------------------------------------


def test_backoff_doubles_from_1_s_caps_at_16_s_and_stops_at_the_deadline_saying_so_each_time() -> None:
    time = FakeTime()
    waits: list[str] = []

    outcome, attempts = verify.with_backoff(
        always(client_error("AccessDenied")),
        what="AssumeRole on s3-list-role",
        retryable=lambda _: True,
        wait_seconds=60,
        sleep=time.sleep,
        clock=time.clock,
        progress=waits.append,
    )

    assert time.sleeps == [1, 2, 4, 8, 16, 16, 13]
    assert attempts == 8
    assert isinstance(outcome, verify.Retried)
    assert (outcome.attempts, outcome.elapsed, verify.error_code(outcome.error)) == (8, 60, "AccessDenied")
    assert waits == [
        f"waiting for IAM: AssumeRole on s3-list-role answered AccessDenied (attempt {n}); retrying in {pause} s ({spent} of 60 s spent)"
        for n, pause, spent in [(1, 1, 0), (2, 2, 1), (3, 4, 3), (4, 8, 7), (5, 16, 15), (6, 16, 31), (7, 13, 47)]
    ]


def test_backoff_returns_the_first_success_and_how_many_attempts_it_took() -> None:
    time = FakeTime()
    answers: list[Any] = [client_error("InvalidClientTokenId"), client_error("AccessDenied"), "assumed"]

    def call() -> Any:
        answer = answers.pop(0)
        if isinstance(answer, ClientError):
            raise answer
        return answer

    outcome = verify.with_backoff(
        call, what="x", retryable=lambda _: True, wait_seconds=60, sleep=time.sleep, clock=time.clock, progress=lambda _: None
    )

    assert outcome == ("assumed", 3)
    assert time.sleeps == [1, 2]


def test_a_refused_mfa_code_is_not_retried_because_the_same_code_cannot_succeed_later() -> None:
    refused = client_error("AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
    time = FakeTime()

    with pytest.raises(ClientError):
        verify.with_backoff(
            always(refused),
            what="x",
            retryable=verify._assume_retryable,
            wait_seconds=60,
            sleep=time.sleep,
            clock=time.clock,
            progress=lambda _: None,
        )

    assert time.sleeps == []
    assert verify._assume_retryable(client_error("AccessDenied", "User: x is not authorized to perform: sts:AssumeRole"))
    assert verify._assume_retryable(client_error("InvalidClientTokenId"))
    assert not verify._assume_retryable(client_error("ValidationError"))


# --- checks: botocore's names, validated up front --------------------------------------------


def test_the_walkthrough_checks_become_boto3_s3_calls() -> None:
    assert verify.resolve_checks(loaded_walkthrough()) == {
        "s3-list-role": (
            verify.Call("s3:ListBuckets", "s3", "list_buckets", {}, "allow"),
            verify.Call(
                "s3:CreateBucket",
                "s3",
                "create_bucket",
                # eu-north-1 needs its LocationConstraint, else S3 answers a location error, not AccessDenied.
                {
                    "Bucket": "cross-account-roles-verify-must-be-denied",
                    "CreateBucketConfiguration": {"LocationConstraint": "eu-north-1"},
                },
                "deny",
            ),
        )
    }


@pytest.mark.parametrize(
    ("region", "params", "expected"),
    [
        ("us-east-1", {"Bucket": "b"}, {"Bucket": "b"}),
        ("eu-north-1", {"Bucket": "b"}, {"Bucket": "b", "CreateBucketConfiguration": {"LocationConstraint": "eu-north-1"}}),
        (
            "eu-north-1",
            {"Bucket": "b", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}},
            {"Bucket": "b", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}},
        ),
    ],
)
def test_create_bucket_gets_the_targets_region_as_location_unless_the_check_gives_one(
    region: str, params: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert verify.with_bucket_location("s3", "CreateBucket", params, region) == expected
    assert verify.with_bucket_location("s3", "ListBuckets", {}, region) == {}


def test_operation_names_become_the_methods_botocore_names_acronyms_included() -> None:
    settings = walkthrough_settings()
    settings["roles"]["s3-list-role"]["checks"] = [
        {"action": "iam:ListMFADevices"},
        {"action": "ec2:DescribeInstances"},
        {"action": "s3:GetBucketAcl", "params": {"Bucket": "b"}},
    ]

    calls = verify.resolve_checks(loaded_walkthrough(settings))["s3-list-role"]

    assert [c.method for c in calls] == ["list_mfa_devices", "describe_instances", "get_bucket_acl"]
    for call in calls:  # the names exist on real boto3 clients
        assert hasattr(boto3.client(call.service, region_name="eu-north-1"), call.method)


def test_bad_checks_are_reported_together_with_their_stack_keys_before_any_call() -> None:
    settings = walkthrough_settings()
    settings["roles"]["s3-list-role"]["checks"] = [
        {"action": "dynamo:ListTables"},
        {"action": "s3:ListBucket"},
        {"action": "s3:CreateBucket", "expect": "deny"},
        {"action": "s3:ListBuckets", "params": {"Bucket": "b"}},
    ]

    with pytest.raises(SettingsError) as error:
        verify.resolve_checks(loaded_walkthrough(settings))

    at = "cross-account-roles:roles.s3-list-role.checks"
    assert error.value.problems == [
        f"{at}[0].action: got 'dynamo:ListTables'; boto3 has no service 'dynamo' (did you mean dynamodb?); "
        "expected a service name as boto3 spells it, e.g. s3, ec2, dynamodb",
        f"{at}[1].action: got 's3:ListBucket'; s3 has no operation 'ListBucket' (did you mean ListBuckets?); "
        "expected an operation name as the service's API spells it",
        f'{at}[2].params: not valid for s3:CreateBucket (Missing required parameter in input: "Bucket")',
        f'{at}[3].params: not valid for s3:ListBuckets (Unknown parameter in input: "Bucket", '
        "must be one of: MaxBuckets, ContinuationToken, Prefix, BucketRegion)",
    ]
    assert str(error.value).startswith("4 problem(s) in the stack settings; no AWS call was made:\n")


# --- verdicts ----------------------------------------------------------------------------------

ALLOW = verify.Call("s3:ListBuckets", "s3", "list_buckets", {}, "allow")
DENY = verify.Call("s3:CreateBucket", "s3", "create_bucket", {"Bucket": "b"}, "deny")


@pytest.mark.parametrize(
    ("call", "code", "status", "detail"),
    [
        (ALLOW, None, "pass", "allowed"),
        (ALLOW, "AccessDenied", "fail", "got AccessDenied: Access Denied"),
        (DENY, "AccessDenied", "pass", "denied with AccessDenied"),
        (DENY, "AccessDeniedException", "pass", "denied with AccessDeniedException"),
        (DENY, "UnauthorizedOperation", "pass", "denied with UnauthorizedOperation"),
        (DENY, None, "fail", "the call succeeded; expected an access-denied error"),
        (DENY, "BucketAlreadyExists", "fail", "got BucketAlreadyExists, which is not an access-denied code: Access Denied"),
    ],
)
def test_each_outcome_of_a_check_gets_its_verdict(call: verify.Call, code: str | None, status: str, detail: str) -> None:
    result = verify.classify("s3-list-role", call, code, "Access Denied")
    assert (result.status, result.detail, result.code, result.expect) == (status, detail, code, call.expect)


# --- reports -----------------------------------------------------------------------------------


def a_report(*results: verify.Result) -> verify.Report:
    return verify.Report(
        stack="utils",
        caller=f"arn:aws:iam::{SOURCE}:user/random_user",
        user="random_user",
        target_account_id=TARGET,
        results=results,
    )


FAILED_LIST = verify.Result("s3-list-role", "s3:ListBuckets", "fail", "got AccessDenied: Access Denied", "allow", "AccessDenied")
ASSUMED = verify.Result("s3-list-role", "assume-role", "pass", "session random_user")
SKIPPED = verify.Result("other-role", "assume-role", "skip", "the caller is not one of its trusted users (someone)")


def test_the_text_report_is_a_header_one_line_per_check_and_a_summary() -> None:
    assert verify.render_text(a_report(ASSUMED, FAILED_LIST, SKIPPED)) == (
        f"verify stack utils: caller arn:aws:iam::{SOURCE}:user/random_user (user random_user), roles in account {TARGET}\n"
        "PASS s3-list-role assume-role: session random_user\n"
        "FAIL s3-list-role s3:ListBuckets (expect allow): got AccessDenied: Access Denied\n"
        "SKIP other-role assume-role: the caller is not one of its trusted users (someone)\n"
        "summary: 1 passed, 1 failed, 1 skipped: FAILED\n"
    )


def test_the_json_report_holds_the_same_results_and_summary() -> None:
    data = json.loads(verify.render_json(a_report(ASSUMED, FAILED_LIST)))

    assert data == {
        "stack": "utils",
        "caller": f"arn:aws:iam::{SOURCE}:user/random_user",
        "user": "random_user",
        "targetAccountId": TARGET,
        "results": [
            {
                "role": "s3-list-role",
                "check": "assume-role",
                "expect": None,
                "status": "pass",
                "code": None,
                "detail": "session random_user",
            },
            {
                "role": "s3-list-role",
                "check": "s3:ListBuckets",
                "expect": "allow",
                "status": "fail",
                "code": "AccessDenied",
                "detail": "got AccessDenied: Access Denied",
            },
        ],
        "summary": {"passed": 1, "failed": 1, "skipped": 0, "ok": False, "verdict": "FAILED"},
    }
    assert verify.render_json(a_report(ASSUMED, FAILED_LIST)) == verify.render_json(a_report(ASSUMED, FAILED_LIST))


def test_a_run_where_everything_was_skipped_is_not_ok_since_it_proved_nothing() -> None:
    report = a_report(SKIPPED)
    assert not report.ok
    assert verify.render_text(report).endswith("summary: 0 passed, 0 failed, 1 skipped: FAILED (no role was verified)\n")


def test_secrets_are_replaced_longest_first_so_no_part_of_one_shows() -> None:
    text = "token ABCDEF and key ABC in one message"
    assert verify.redact(text, ["ABC", "ABCDEF", ""]) == "token [redacted] and key [redacted] in one message"


# --- where the outputs come from ---------------------------------------------------------------

EXPECTED = "expected the JSON that `pulumi stack output --json` prints (sourceAccountId, targetAccountId, users, roles)"


def test_a_missing_outputs_file_is_named_with_what_it_should_hold(tmp_path: Path) -> None:
    path = tmp_path / "outputs.json"
    with pytest.raises(verify.VerifyError) as error:
        verify.read_outputs_file(path)
    assert str(error.value) == f"outputs file {path}: not found; {EXPECTED}"


def test_an_outputs_file_that_is_not_json_says_where_it_breaks(tmp_path: Path) -> None:
    path = tmp_path / "outputs.json"
    path.write_text("Current stack outputs (4):\n", encoding="utf-8")
    with pytest.raises(verify.VerifyError) as error:
        verify.read_outputs_file(path)
    assert str(error.value) == f"outputs file {path}: not valid JSON (Expecting value at line 1, column 1); {EXPECTED}"


def test_an_outputs_file_of_another_shape_lists_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "outputs.json"
    outputs = walkthrough_outputs()
    del outputs["targetAccountId"]
    del outputs["users"]["random_user"]["mfaSerial"]
    path.write_text(json.dumps(outputs), encoding="utf-8")

    with pytest.raises(verify.VerifyError) as error:
        verify.read_outputs_file(path)

    assert str(error.value) == (
        f"outputs file {path}: not this program's outputs (targetAccountId: missing; users.random_user.mfaSerial: missing); {EXPECTED}"
    )


def test_outputs_of_another_stack_are_refused_naming_the_difference() -> None:
    outputs = walkthrough_outputs()
    outputs["targetAccountId"] = "999999999999"
    del outputs["roles"]["s3-list-role"]

    with pytest.raises(verify.VerifyError) as error:
        verify.check_outputs_match(plan_of(loaded_walkthrough()), verify.parse_outputs(outputs, "f"), "outputs file f.json")

    assert str(error.value) == (
        "outputs file f.json: targetAccountId is '999999999999' but Pulumi.utils.yaml says target.accountId '444455556666'; "
        "no role 's3-list-role', which Pulumi.utils.yaml declares; "
        "expected the outputs of stack utils after `pulumi up` with these settings"
    )


def test_without_the_pulumi_cli_verify_says_to_pass_the_outputs_as_a_file() -> None:
    with pytest.raises(verify.VerifyError) as error:
        verify.outputs_from_pulumi("utils", which=lambda _: None)
    assert str(error.value) == (
        "the Pulumi CLI (pulumi) is not on PATH, so verify cannot read the stack's outputs; "
        "run `pulumi stack output --json --stack utils > outputs.json` where the CLI is installed "
        "and pass --outputs outputs.json (make verify OUTPUTS=outputs.json)"
    )


def fake_pulumi(directory: Path, stdout: str, exit_code: int = 0) -> Path:
    """An executable standing in for the CLI: records its arguments, prints `stdout`."""
    script = directory / "pulumi"
    (directory / "stdout").write_text(stdout, encoding="utf-8")
    script.write_text(
        f'#!/bin/sh\necho "$@" > "{directory}/args"\ncat "{directory}/stdout"\n'
        + (f'echo "error: no stack named utils found" >&2\nexit {exit_code}\n' if exit_code else ""),
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_with_the_pulumi_cli_verify_asks_it_for_the_stacks_outputs_as_json(tmp_path: Path) -> None:
    script = fake_pulumi(tmp_path, json.dumps(walkthrough_outputs()))

    outputs = verify.outputs_from_pulumi("utils", which=lambda _: str(script))

    assert (tmp_path / "args").read_text(encoding="utf-8") == "stack output --json --stack utils\n"
    assert outputs.roles["s3-list-role"].arn == f"arn:aws:iam::{TARGET}:role/s3-list-role"


def test_a_failing_pulumi_cli_is_reported_with_its_message(tmp_path: Path) -> None:
    script = fake_pulumi(tmp_path, "", exit_code=255)
    with pytest.raises(verify.VerifyError) as error:
        verify.outputs_from_pulumi("utils", which=lambda _: str(script))
    assert str(error.value) == "`pulumi stack output --json --stack utils` failed (exit 255): error: no stack named utils found"


def test_the_command_without_outputs_or_cli_exits_2_with_the_way_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, walkthrough_project: Path
) -> None:
    import argparse
    import io

    monkeypatch.setenv("PATH", str(tmp_path))
    parser = argparse.ArgumentParser()
    verify.add_arguments(parser)
    err = io.StringIO()

    args = parser.parse_args(["--stack", "utils", "--project-dir", str(walkthrough_project)])
    code = verify.run(args, io.StringIO(), err, environ={})

    assert code == 2
    assert err.getvalue().startswith("error: the Pulumi CLI (pulumi) is not on PATH")


# --- options and credentials -------------------------------------------------------------------


def test_an_mfa_code_that_is_not_6_digits_is_refused_before_any_call_and_not_echoed() -> None:
    outputs = verify.parse_outputs(walkthrough_outputs(), "plan")
    session = boto3.Session(aws_access_key_id="AKIAUNUSED", aws_secret_access_key="unused", region_name="eu-north-1")

    with pytest.raises(verify.VerifyError) as error:
        verify.verify_stack(loaded_walkthrough(), outputs, session, verify.Options(mfa_token="12345x7", **fake_clock()))

    assert str(error.value) == "--mfa-token: got 7 characters; expected the 6 digits your MFA device shows"


def test_an_unknown_role_option_names_the_stacks_roles() -> None:
    outputs = verify.parse_outputs(walkthrough_outputs(), "plan")
    session = boto3.Session(aws_access_key_id="AKIAUNUSED", aws_secret_access_key="unused", region_name="eu-north-1")

    with pytest.raises(verify.VerifyError) as error:
        verify.verify_stack(loaded_walkthrough(), outputs, session, verify.Options(roles=("s3-role",), **fake_clock()))

    assert str(error.value) == "--role s3-role: not a role of this stack; expected one of s3-list-role"


@pytest.fixture
def aws_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An ~/.aws/config with the profiles `utils` and `random`, and nothing from the machine."""
    config = tmp_path / "config"
    config.write_text(
        "[profile utils]\naws_access_key_id = AKIAUTILS\naws_secret_access_key = s1\n"
        "[profile random]\naws_access_key_id = AKIARANDOM\naws_secret_access_key = s2\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return config


@pytest.mark.parametrize(
    ("profile", "environ", "origin", "access_key"),
    [
        ("random", {"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s"}, "profile random (--profile)", "AKIARANDOM"),
        (None, {"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s"}, "environment (AWS_ACCESS_KEY_ID)", "AKIAENV"),
        (None, {"AWS_PROFILE": "random"}, "profile random (AWS_PROFILE)", "AKIARANDOM"),
        (None, {}, "profile utils (source.profile of Pulumi.utils.yaml)", "AKIAUTILS"),
    ],
)
def test_source_credentials_come_from_the_option_then_the_environment_then_the_stacks_profile(
    aws_files: Path, profile: str | None, environ: dict[str, str], origin: str, access_key: str
) -> None:
    session, said = verify.source_session(loaded_walkthrough(), profile, environ)

    assert said == origin
    credentials = session.get_credentials()
    assert credentials is not None
    assert credentials.access_key == access_key
    assert session.region_name == "eu-north-1"


def test_a_profile_that_does_not_exist_is_named(aws_files: Path) -> None:
    with pytest.raises(verify.VerifyError) as error:
        verify.source_session(loaded_walkthrough(), "nope", {})
    assert str(error.value) == (
        "profile nope (--profile): no such profile in ~/.aws/config or ~/.aws/credentials; "
        "expected a profile with a trusted user's credentials"
    )


@pytest.mark.parametrize(
    ("variables", "options"),
    [
        ([], "--stack utils --format text"),
        (
            ["STACK=prod", "FORMAT=json", "OUTPUTS=out.json", "MFA=123456"],
            "--stack prod --format json --outputs out.json --mfa-token 123456",
        ),
    ],
)
def test_make_verify_passes_outputs_and_the_mfa_code_only_when_given(variables: list[str], options: str) -> None:
    outer_make = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "STACK", "FORMAT", "OUTPUTS", "MFA")
    env = {k: v for k, v in os.environ.items() if k not in outer_make}  # `make test` runs this test
    done = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "verify", *variables],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines()[-1].split() == [".venv/bin/python", "-m", "tools", "verify", *options.split()]


def test_a_refused_mfa_code_stops_verify_at_its_one_get_session_token_without_echoing_the_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = boto3.Session(aws_access_key_id="AKIAEXAMPLEEXAMPLE12", aws_secret_access_key="secret", region_name="eu-north-1")
    sts = session.client("sts", region_name="eu-north-1")
    serial = f"arn:aws:iam::{SOURCE}:mfa/random_user"
    refused = "MultiFactorAuthentication failed with invalid MFA one time pass code."
    stubber = Stubber(sts)
    stubber.add_response(
        "get_caller_identity", {"Arn": f"arn:aws:iam::{SOURCE}:user/random_user", "Account": SOURCE, "UserId": "AIDAX"}
    )
    stubber.add_client_error(
        "get_session_token",
        service_error_code="AccessDenied",
        service_message=refused,
        expected_params={"SerialNumber": serial, "TokenCode": "654321", "DurationSeconds": 43200},
    )
    stubber.activate()
    monkeypatch.setattr(verify._Run, "client", lambda *_: sts)
    outputs = verify.parse_outputs(walkthrough_outputs(), "test")

    with pytest.raises(verify.VerifyError) as failed:
        verify.verify_stack(
            loaded_walkthrough(), outputs, session, verify.Options(mfa_token="654321", progress=lambda _: None, **fake_clock())
        )

    assert str(failed.value) == (
        f"GetSessionToken with the MFA code of {serial} failed (the MFA code was refused: wrong or expired; "
        f"run again with a fresh one): AccessDenied: {refused}"
    )
    stubber.assert_no_pending_responses()


# --- every credential route fails cleanly: one error naming the profile or path, exit 2, no prompt ---


CREDENTIAL_ROUTES = (
    "[profile sso]\nsso_session = acme\nsso_account_id = 111122223333\nsso_role_name = DataEngineers\nregion = eu-north-1\n"
    "[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = eu-west-1\n"
    "[profile base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = secret\n"
    "[profile mfa]\nrole_arn = arn:aws:iam::111122223333:role/deployer\nsource_profile = base\n"
    "mfa_serial = arn:aws:iam::111122223333:mfa/random_user\n"
    "[profile chained]\nrole_arn = arn:aws:iam::111122223333:role/reader\nsource_profile = mfa\n"
    "[profile web]\nrole_arn = arn:aws:iam::111122223333:role/ci\nweb_identity_token_file = {home}/no-such-token\n"
)


@pytest.mark.parametrize(
    ("profile", "error"),
    [
        (
            "sso",
            "error: profile sso: an IAM Identity Center (SSO) profile without a valid sign-in (Error loading SSO Token: "
            "Token for acme does not exist); run `aws sso login --profile sso` first, then verify again\n",
        ),
        (
            "mfa",
            "error: profile mfa (--profile): assumes arn:aws:iam::111122223333:role/deployer with mfa_serial "
            "arn:aws:iam::111122223333:mfa/random_user, so boto3 would prompt on the terminal for an MFA code (and fail "
            "where there is none, as in CI); verify never prompts through a profile: give the trusted user's own profile "
            "or keys, and the code with --mfa-token (verify makes the one MFA session itself)\n",
        ),
        (
            "chained",
            "error: profile chained (--profile), through its source_profile mfa: assumes arn:aws:iam::111122223333:role/deployer",
        ),
        (
            "web",
            "error: profile web (--profile): web_identity_token_file {home}/no-such-token is not a file; expected the OIDC "
            "token your CI job writes there before verify runs (or a profile with a trusted user's credentials)\n",
        ),
    ],
)
def test_each_credential_route_fails_with_one_error_naming_the_profile_and_never_prompts(
    walkthrough_project: Path, tmp_path: Path, profile: str, error: str
) -> None:
    (tmp_path / "config").write_text(CREDENTIAL_ROUTES.format(home=tmp_path), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools",
            "verify",
            "--stack",
            "utils",
            "--project-dir",
            str(walkthrough_project),
            "--outputs",
            str(HOSTILE_OUTPUTS),
            "--profile",
            profile,
            "--mfa-token",
            "123456",
            "--wait",
            "0",
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        stdin=subprocess.DEVNULL,  # not a terminal, as in CI: a prompt would fail or hang
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "AWS_CONFIG_FILE": str(tmp_path / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        },
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines(keepends=True) if line.startswith("error: ")]
    assert len(errors) == 1
    assert errors[0].startswith(error.format(home=tmp_path))


def test_a_project_dir_without_the_program_is_refused_by_verify_and_plan(walkthrough_project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "stacks"
    folder.mkdir()
    for name in ("Pulumi.yaml", "Pulumi.utils.yaml"):
        (folder / name).write_text((walkthrough_project / name).read_text(encoding="utf-8"), encoding="utf-8")
    problem = (
        f"--project-dir {folder}: no __main__.py in it; expected the project's folder, the one with Pulumi.yaml, "
        "__main__.py and policies/ (a stackConfigDir folder holds only the stack files: give its parent)"
    )
    for command in (["verify", "--outputs", str(HOSTILE_OUTPUTS)], ["plan"]):
        done = subprocess.run(
            [sys.executable, "-m", "tools", *command, "--stack", "utils", "--project-dir", str(folder)],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert problem in done.stderr
