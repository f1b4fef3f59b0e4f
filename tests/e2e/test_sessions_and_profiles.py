"""What a person pastes works, and verify makes the same calls and spends the MFA code once.

- The `mfaSessionCommand` output (`aws configure mfa-login`) is replayed as the AWS CLI does it:
  one GetSessionToken with the person's key and code, written into the session profile. Each
  `awsConfigProfile` output, written into a fresh AWS config, is then loaded by botocore's own
  config loader and assume-role provider (what the AWS CLI uses): it assumes the role in moto's
  server signed with that session, asks for no code, and sends exactly the profile's values.
  moto cannot judge the MFA context itself; tests/test_mfa_routes.py does, by AWS's evaluation.
- `verify` calls GetSessionToken once with the MFA code and assumes every role with that
  session: AWS accepts a code only once, so a second AssumeRole with the same code would fail.
  The call sequence is recorded with botocore's `before-parameter-build` event on every client
  verify makes.
"""

from __future__ import annotations

import configparser
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.conftest import SOURCE, TARGET, walkthrough_settings
from tests.e2e.conftest import MOTO_SESSION_KEY, TRUSTED, Deployed
from tests.fake_time import fake_clock
from tools.commands import verify

MFA = "123456"
MFA_SERIAL = f"arn:aws:iam::{SOURCE}:mfa/random_user"

Call = tuple[str, str, str, dict[str, Any]]
"""(service, operation, access key id that signed it, parameters)."""


def two_roles() -> dict[str, Any]:
    raw = walkthrough_settings()
    second = dict(raw["roles"]["s3-list-role"])
    second["maxSessionDuration"] = 7200
    raw["roles"]["s3-list-role-2"] = second
    return raw


def record_calls(monkeypatch: pytest.MonkeyPatch) -> list[Call]:
    calls: list[Call] = []
    make_client = verify._Run.client

    def recording_client(self: Any, session: boto3.Session, service: str, region: str) -> Any:
        client = make_client(self, session, service, region)
        key = session.get_credentials().get_frozen_credentials().access_key

        def record(params: dict[str, Any], model: Any, **_: Any) -> None:
            calls.append((service, model.name, key, dict(params)))

        client.meta.events.register("before-parameter-build", record)
        return client

    monkeypatch.setattr(verify._Run, "client", recording_client)
    return calls


def test_verify_spends_the_mfa_code_on_one_get_session_token_and_assumes_every_role_with_that_session(
    deploy: Callable[[dict[str, Any]], Deployed], monkeypatch: pytest.MonkeyPatch
) -> None:
    deployed = deploy(two_roles())
    calls = record_calls(monkeypatch)
    user_key = deployed.keys[TRUSTED][0]
    options = verify.Options(endpoint_url=deployed.moto.endpoint, mfa_token=MFA, progress=lambda _: None, **fake_clock())

    report = verify.verify_stack(deployed.loaded, deployed.outputs, deployed.moto.session(deployed.keys[TRUSTED]), options)

    assert report.ok, verify.render_text(report)
    sts = [(op, key, params) for service, op, key, params in calls if service == "sts"]
    assert sts[:2] == [
        ("GetCallerIdentity", user_key, {}),
        ("GetSessionToken", user_key, {"SerialNumber": MFA_SERIAL, "TokenCode": MFA, "DurationSeconds": 43200}),
    ]
    assumed = [(key, params) for op, key, params in sts if op == "AssumeRole"]
    # Exactly the calls the outputs give the person: the session of `mfaSessionCommand`, then each
    # role's AssumeRole signed with that session and no code, for its maxSessionDuration but at most
    # an hour (AWS counts an AssumeRole signed with a session as role chaining).
    assert assumed == [
        (
            MOTO_SESSION_KEY[0],
            {"RoleArn": f"arn:aws:iam::{TARGET}:role/{role}", "RoleSessionName": "random_user", "DurationSeconds": seconds},
        )
        for role, seconds in (("s3-list-role", 3600), ("s3-list-role-2", 3600))
    ]
    assert [op for op, _, _ in sts].count("GetSessionToken") == 1
    assert not [params for _, _, params in sts[2:] if "TokenCode" in params]
    created = [params for service, op, _, params in calls if (service, op) == ("s3", "CreateBucket")]
    assert (
        created
        == [
            {
                "Bucket": "cross-account-roles-verify-must-be-denied",
                "CreateBucketConfiguration": {"LocationConstraint": "eu-north-1"},
            }
        ]
        * 2
    )


def write_aws_files(directory: Path, outputs: dict[str, Any], user: str, key: tuple[str, str]) -> tuple[Path, list[str]]:
    """The person's ~/.aws: their own keys under their profile, then every profile the outputs give."""
    credentials = directory / "credentials"
    own = configparser.ConfigParser()
    own[outputs["users"][user]["profile"]] = {"aws_access_key_id": key[0], "aws_secret_access_key": key[1]}
    with credentials.open("w", encoding="utf-8") as f:
        own.write(f)
    config = directory / "config"
    names = []
    blocks = []
    for role in outputs["roles"].values():
        access = role["access"][user]
        blocks.append(access["awsConfigProfile"])
        names.append(access["profileName"])
    config.write_text("\n".join(blocks), encoding="utf-8")
    return config, names


def mfa_login(command: str, credentials: Path, endpoint: str, code: str) -> dict[str, Any]:
    """What `aws configure mfa-login` does with the options the output gives it (aws/aws-cli,
    awscli/customizations/configure/mfalogin.py, `_run_main`; the AWS CLI v2 reference:
    https://docs.aws.amazon.com/cli/latest/reference/configure/mfa-login.html): GetSessionToken
    with the `--profile`'s credentials, `--serial-number`, the code it prompts for and
    `--duration-seconds`, then the session's three values written into the credentials file under
    `--update-profile`. The AWS CLI here is version 1, which has no such command."""
    words = command.split()
    assert words[:3] == ["aws", "configure", "mfa-login"], command
    options = dict(zip(words[3::2], words[4::2], strict=True))
    assert sorted(options) == ["--duration-seconds", "--profile", "--serial-number", "--update-profile"]
    own = configparser.ConfigParser()
    own.read(credentials, encoding="utf-8")
    keys = own[options["--profile"]]
    sts = boto3.Session(keys["aws_access_key_id"], keys["aws_secret_access_key"], region_name="eu-north-1").client(
        "sts", endpoint_url=endpoint
    )
    request = {
        "DurationSeconds": int(options["--duration-seconds"]),
        "SerialNumber": options["--serial-number"],
        "TokenCode": code,
    }
    session = sts.get_session_token(**request)["Credentials"]
    own[options["--update-profile"]] = {
        "aws_access_key_id": session["AccessKeyId"],
        "aws_secret_access_key": session["SecretAccessKey"],
        "aws_session_token": session["SessionToken"],
    }
    with credentials.open("w", encoding="utf-8") as f:
        own.write(f)
    return request


def test_each_generated_profile_assumes_its_role_with_the_mfa_session_through_botocores_own_config_loader(
    deploy: Callable[[dict[str, Any]], Deployed], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    deployed = deploy(two_roles())
    outputs = deployed.plan["outputs"]
    config, names = write_aws_files(tmp_path, outputs, TRUSTED, deployed.keys[TRUSTED])
    assert names == [f"s3-list-role@{TARGET}", f"s3-list-role-2@{TARGET}"]
    command = outputs["roles"]["s3-list-role"]["access"][TRUSTED]["mfaSessionCommand"]
    assert (
        command
        == outputs["users"][TRUSTED]["mfaSessionCommand"]
        == (
            f"aws configure mfa-login --profile random_user@{SOURCE} --update-profile random_user@{SOURCE}-mfa "
            f"--serial-number {MFA_SERIAL} --duration-seconds 43200"
        )
    )
    sent_for_session = mfa_login(command, tmp_path / "credentials", deployed.moto.endpoint, MFA)
    assert sent_for_session == {"DurationSeconds": 43200, "SerialNumber": MFA_SERIAL, "TokenCode": MFA}
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", deployed.moto.endpoint)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    for name, (role, duration) in zip(names, (("s3-list-role", 3600), ("s3-list-role-2", 3600)), strict=True):
        session = boto3.Session(profile_name=name)
        prompts: list[str] = []
        sent: list[dict[str, Any]] = []
        signed: list[str] = []
        session._session.register(
            "before-parameter-build.sts.AssumeRole", lambda params, sent=sent, **_: sent.append(dict(params))
        )
        session._session.register(
            "before-send.sts.AssumeRole", lambda request, signed=signed, **_: signed.append(str(request.headers["Authorization"]))
        )
        session._session.get_component("credential_provider").get_provider("assume-role")._prompter = prompts.append

        identity = session.client("sts").get_caller_identity()

        assert identity["Arn"] == f"arn:aws:sts::{TARGET}:assumed-role/{role}/random_user"
        assert prompts == []  # no second code: the session carries the MFA context
        assert sent == [
            {"RoleArn": f"arn:aws:iam::{TARGET}:role/{role}", "RoleSessionName": "random_user", "DurationSeconds": duration}
        ]
        # Signed with the MFA session (moto's GetSessionToken key), not the person's long-term key.
        (authorization,) = signed
        assert f"Credential={MOTO_SESSION_KEY[0]}/" in authorization
        assert session.region_name == "eu-north-1"
        assert "Buckets" in session.client("s3").list_buckets()


def test_with_temporary_source_credentials_verify_calls_no_get_session_token(
    deploy: Callable[[dict[str, Any]], Deployed], monkeypatch: pytest.MonkeyPatch
) -> None:
    """GetSessionToken refuses temporary credentials; a session the person already has is used as it is."""
    deployed = deploy(walkthrough_settings())
    token = (
        deployed.moto.session(deployed.keys[TRUSTED])
        .client("sts", endpoint_url=deployed.moto.endpoint)
        .get_session_token(SerialNumber=MFA_SERIAL, TokenCode=MFA)["Credentials"]
    )
    calls = record_calls(monkeypatch)
    said: list[str] = []
    options = verify.Options(endpoint_url=deployed.moto.endpoint, mfa_token=MFA, progress=said.append, **fake_clock())
    session = boto3.Session(
        aws_access_key_id=token["AccessKeyId"],
        aws_secret_access_key=token["SecretAccessKey"],
        aws_session_token=token["SessionToken"],
        region_name="eu-north-1",
    )

    report = verify.verify_stack(deployed.loaded, deployed.outputs, session, options)

    assert report.ok, verify.render_text(report)
    assert [op for service, op, _, _ in calls if service == "sts"] == ["GetCallerIdentity", "AssumeRole", "GetCallerIdentity"]
    assert said == [
        "the source credentials are temporary (they carry a session token): GetSessionToken cannot be called with them, "
        "so roles are assumed with them as they are; a role that requires MFA needs a session signed in with MFA"
    ]


def test_where_neither_side_requires_mfa_verify_signs_assume_role_with_the_long_term_key_as_the_outputs_do(
    deploy: Callable[[dict[str, Any]], Deployed], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = walkthrough_settings()
    raw["roles"]["s3-list-role"]["requireMfa"] = False
    raw["selfService"] = {"enforceMfa": False}
    deployed = deploy(raw)
    access = deployed.plan["outputs"]["roles"]["s3-list-role"]["access"][TRUSTED]
    assert (access["mfaSessionCommand"], f"--profile random_user@{SOURCE} " in access["assumeRoleCommand"]) == (None, True)
    calls = record_calls(monkeypatch)
    user_key = deployed.keys[TRUSTED][0]
    options = verify.Options(endpoint_url=deployed.moto.endpoint, mfa_token=MFA, progress=lambda _: None, **fake_clock())

    report = verify.verify_stack(deployed.loaded, deployed.outputs, deployed.moto.session(deployed.keys[TRUSTED]), options)

    assert report.ok, verify.render_text(report)
    sts = [(op, key, params) for service, op, key, params in calls if service == "sts"][:2]
    assert sts == [
        ("GetCallerIdentity", user_key, {}),
        (
            "AssumeRole",
            user_key,
            {"RoleArn": f"arn:aws:iam::{TARGET}:role/s3-list-role", "RoleSessionName": "random_user", "DurationSeconds": 3600},
        ),
    ]
