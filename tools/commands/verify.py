"""`make verify`: prove after `pulumi up` that each role can be assumed and does what it should.

For every role of the stack, with the source-side credentials of one of its trusted users:
assume the role (MFA code, ExternalId and SourceIdentity as the settings require), retrying
with backoff while IAM propagates; confirm with `sts:GetCallerIdentity` that the session is
that role in the target account; run the role's `checks` from the stack settings (`allow`
must succeed, `deny` must answer an access-denied code). One line per check, a summary, exit
1 if anything failed or nothing could be verified.

Which user: the caller identity of the source credentials. It must be a user of this stack in
the source account; roles that do not trust that user are reported as skipped. To verify
another user's roles, run again with that user's credentials.

Secrets stay in memory: no key, secret or session token is printed, and every message
that comes back from AWS is scrubbed of them before it is shown.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import functools
import getpass
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar

import boto3
import botocore.session
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    ParamValidationError,
    ProfileNotFound,
    UnknownServiceError,
)
from botocore.validate import validate_parameters
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel

from crossaccount.errors import SettingsError, key
from crossaccount.pipeline import check_stack, enforce
from crossaccount.plan import StackPlan
from crossaccount.read.project import stack_file_name
from crossaccount.settings.models import LoadedSettings
from crossaccount.settings.people import trusted_user_names
from tools.paths import PROJECT_DIR
from tools.render import jsontext

FORMATS = ("text", "json")
DEFAULT_WAIT_SECONDS = 60.0
FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 16.0
SESSION_SECONDS = 900
"""The shortest session STS grants: verify needs a few seconds of it."""
US_EAST_1 = "us-east-1"
"""The one region where S3's CreateBucket takes no LocationConstraint."""
ACCESS_DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"})
"""What AWS services answer when a policy does not allow a call (S3/IAM/STS, JSON APIs, EC2, SNS)."""
RETRYABLE_ASSUME_CODES = frozenset({"AccessDenied", "InvalidClientTokenId"})
"""What a new role, trust policy or access key answers until IAM has propagated it."""
MFA_REFUSED_MARKER = "MultiFactorAuthentication"
"""STS's message for a wrong or expired MFA code: retrying the same code cannot help."""
MFA_CODE_RE = re.compile(r"^\d{6}$")
MAX_OUTPUTS_BYTES = 16 << 20
OUTPUTS_EXPECTED = "expected the JSON that `pulumi stack output --json` prints (sourceAccountId, targetAccountId, users, roles)"
REDACTED = "[redacted]"

T = TypeVar("T")


class VerifyError(Exception):
    """Verify could not start or go on: bad outputs, options or credentials (exit 2)."""


# --- the stack's outputs -----------------------------------------------------------------


class _Outputs(BaseModel):
    """The outputs verify reads; other keys are ignored, so new outputs do not break it."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=False, extra="ignore", frozen=True, strict=True)


class UserOutput(_Outputs):
    arn: str
    mfa_serial: str


class RoleOutput(_Outputs):
    arn: str


class StackOutputs(_Outputs):
    """`crossaccount.documents.stack_outputs`, as `pulumi stack output --json` prints it."""

    source_account_id: str
    target_account_id: str
    users: dict[str, UserOutput]
    roles: dict[str, RoleOutput]


def parse_outputs(data: Any, where: str) -> StackOutputs:
    """Validate decoded outputs; `where` names their origin in the error."""
    try:
        return StackOutputs.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            path = ".".join(str(p) for p in item["loc"]) or "the top level"
            problems.append(f"{path}: {'missing' if item['type'] == 'missing' else item['msg'].lower()}")
        raise VerifyError(f"{where}: not this program's outputs ({'; '.join(problems)}); {OUTPUTS_EXPECTED}") from None


def read_outputs_file(path: Path) -> StackOutputs:
    """The outputs saved with `pulumi stack output --json > FILE`."""
    where = f"outputs file {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise VerifyError(f"{where}: not found; {OUTPUTS_EXPECTED}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise VerifyError(f"{where}: cannot be read ({exc}); {OUTPUTS_EXPECTED}") from None
    return parse_outputs(_outputs_json(text, where), where)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _duplicate_keys_refused(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise ValueError(f"duplicate key {name!r}")
        result[name] = value
    return result


def _outputs_json(text: str, where: str) -> Any:
    """Outputs JSON, refusing what `pulumi stack output --json` never prints (NaN, duplicate keys,
    nesting deeper than Python's parser goes)."""
    if len(text) > MAX_OUTPUTS_BYTES:
        raise VerifyError(f"{where}: {len(text):,} characters; {OUTPUTS_EXPECTED} (at most {MAX_OUTPUTS_BYTES:,})")
    try:
        return json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_duplicate_keys_refused)
    except json.JSONDecodeError as exc:
        raise VerifyError(
            f"{where}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); {OUTPUTS_EXPECTED}"
        ) from None
    except ValueError as exc:
        raise VerifyError(f"{where}: not valid outputs ({exc}); {OUTPUTS_EXPECTED}") from None
    except RecursionError:
        raise VerifyError(f"{where}: nested too deeply to be outputs; {OUTPUTS_EXPECTED}") from None


def outputs_from_pulumi(
    stack: str, project_dir: Path = PROJECT_DIR, which: Callable[[str], str | None] = shutil.which
) -> StackOutputs:
    """Ask the Pulumi CLI for the deployed stack's outputs."""
    command = f"pulumi stack output --json --stack {stack}"
    executable = which("pulumi")
    if executable is None:
        raise VerifyError(
            "the Pulumi CLI (pulumi) is not on PATH, so verify cannot read the stack's outputs; "
            f"run `{command} > outputs.json` where the CLI is installed and pass --outputs outputs.json "
            "(make verify OUTPUTS=outputs.json)"
        )
    done = subprocess.run(  # noqa: S603 (a fixed command; the stack name is passed as one argument)
        [executable, "stack", "output", "--json", "--stack", stack],
        cwd=project_dir,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if done.returncode != 0:
        raise VerifyError(f"`{command}` failed (exit {done.returncode}): {done.stderr.strip() or '(no message)'}")
    return parse_outputs(_outputs_json(done.stdout, f"`{command}`"), f"`{command}`")


def check_outputs_match(plan: StackPlan, outputs: StackOutputs, where: str) -> None:
    """The outputs must be those of this stack: same accounts, every declared role and user."""
    s = plan.settings
    file_name = stack_file_name(plan.stack)
    problems = []
    for side, account, found in (
        ("source", s.source.account_id, outputs.source_account_id),
        ("target", s.target.account_id, outputs.target_account_id),
    ):
        if found != account:
            problems.append(f"{side}AccountId is {found!r} but {file_name} says {side}.accountId {account!r}")
    problems += [f"no role {name!r}, which {file_name} declares" for name in s.roles if name not in outputs.roles]
    problems += [f"no user {name!r}, which {file_name} declares" for name in s.users if name not in outputs.users]
    problems += [f"role {name!r}, which {file_name} does not declare" for name in outputs.roles if name not in s.roles]
    problems += [f"user {name!r}, which {file_name} does not declare" for name in outputs.users if name not in s.users]
    # The ARNs verify assumes and compares with must be the ones these settings imply
    # (account, partition, path, name): never a role of another account or path.
    for role in plan.roles:
        found_role = outputs.roles.get(role.name)
        if found_role is not None and found_role.arn != role.arn:
            problems.append(f"roles.{role.name}.arn is {found_role.arn!r} but {file_name} implies {role.arn!r}")
    for user in plan.users:
        found_user = outputs.users.get(user.name)
        if found_user is not None and found_user.arn != user.arn:
            problems.append(f"users.{user.name}.arn is {found_user.arn!r} but {file_name} implies {user.arn!r}")
        if found_user is not None and found_user.mfa_serial != user.mfa_serial:
            problems.append(
                f"users.{user.name}.mfaSerial is {found_user.mfa_serial!r} but {file_name} implies {user.mfa_serial!r}"
            )
    if problems:
        raise VerifyError(
            f"{where}: {'; '.join(problems)}; expected the outputs of stack {plan.stack} after `pulumi up` with these settings"
        )


# --- the checks, resolved against botocore's service models before any call ----------------


@dataclass(frozen=True)
class Call:
    """One check, resolved: the boto3 client's service and method."""

    action: str
    service: str
    method: str
    params: Mapping[str, Any]
    expect: str


def resolve_checks(loaded: LoadedSettings) -> dict[str, tuple[Call, ...]]:
    """Every role's checks as boto3 calls; raises `SettingsError` naming each bad check.

    The method name is botocore's own transformation of the operation name (`xform_name`, the
    function boto3 uses to name client methods), and the parameters are validated against the
    operation's input shape, so a typo fails here rather than halfway through a run.
    """
    models = botocore.session.get_session()
    services = set(models.get_available_services())
    problems: list[str] = []
    resolved: dict[str, tuple[Call, ...]] = {}
    for role_name, role in loaded.settings.roles.items():
        calls = []
        for i, check in enumerate(role.checks):
            at = ("roles", role_name, "checks", i)
            service, _, operation = check.action.partition(":")
            if service not in services:
                close = difflib.get_close_matches(service, sorted(services), n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                problems.append(
                    f"{key((*at, 'action'))}: got {check.action!r}; boto3 has no service {service!r}{hint}; "
                    "expected a service name as boto3 spells it, e.g. s3, ec2, dynamodb"
                )
                continue
            try:
                model = models.get_service_model(service)
            except UnknownServiceError:  # listed but without a model: treat as unknown
                problems.append(f"{key((*at, 'action'))}: got {check.action!r}; botocore has no model for {service!r}")
                continue
            if operation not in model.operation_names:
                close = difflib.get_close_matches(operation, model.operation_names, n=1)
                hint = f"did you mean {close[0]}?" if close else "e.g. " + model.operation_names[0]
                problems.append(
                    f"{key((*at, 'action'))}: got {check.action!r}; {service} has no operation {operation!r} ({hint}); "
                    "expected an operation name as the service's API spells it"
                )
                continue
            input_shape = model.operation_model(operation).input_shape
            try:
                if input_shape is not None:
                    validate_parameters(dict(check.params), input_shape)
                elif check.params:
                    raise ParamValidationError(report=f"{operation} takes no parameters")
            except ParamValidationError as error:
                report = " ".join(str(error.kwargs.get("report", error)).split())
                problems.append(f"{key((*at, 'params'))}: not valid for {check.action} ({report})")
                continue
            params = with_bucket_location(service, operation, dict(check.params), loaded.settings.target.region)
            calls.append(Call(check.action, service, xform_name(operation), params, check.expect))
        resolved[role_name] = tuple(calls)
    if problems:
        raise SettingsError(problems, outcome="no AWS call was made")
    return resolved


def with_bucket_location(service: str, operation: str, params: dict[str, Any], region: str) -> dict[str, Any]:
    """`s3:CreateBucket` outside us-east-1 with the region as its LocationConstraint.

    Without it S3 answers IllegalLocationConstraintException (the request is malformed for the
    region) instead of judging the permission, so the walk-through's `deny` check would fail
    for the wrong reason. A CreateBucketConfiguration given in the check is left as written.
    """
    if service == "s3" and operation == "CreateBucket" and region != US_EAST_1 and "CreateBucketConfiguration" not in params:
        return {**params, "CreateBucketConfiguration": {"LocationConstraint": region}}
    return params


# --- results and reports -----------------------------------------------------------------

PASS, FAIL, SKIP = "pass", "fail", "skip"


@dataclass(frozen=True)
class Result:
    """One line of the report."""

    role: str
    check: str
    """`assume-role`, `caller-identity` or the action (`s3:ListBuckets`)."""
    status: str
    """pass, fail or skip."""
    detail: str
    expect: str | None = None
    """allow or deny, for the role's checks."""
    code: str | None = None
    """The error code AWS answered, if any."""


@dataclass(frozen=True)
class Report:
    stack: str
    caller: str
    user: str | None
    """The stack's user the caller is, or None."""
    target_account_id: str
    results: tuple[Result, ...]

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def ok(self) -> bool:
        """Nothing failed and something was verified (all skipped proves nothing)."""
        return self.count(FAIL) == 0 and self.count(PASS) > 0


def _label(result: Result) -> str:
    return f"{result.check} (expect {result.expect})" if result.expect else result.check


def _verdict(report: Report) -> str:
    if report.ok:
        return "OK"
    if report.count(FAIL) == 0:
        return "FAILED (no role was verified)"
    return "FAILED"


def render_text(report: Report) -> str:
    who = f"user {report.user}" if report.user else "not a user of this stack"
    lines = [f"verify stack {report.stack}: caller {report.caller} ({who}), roles in account {report.target_account_id}"]
    lines += [f"{r.status.upper()} {r.role} {_label(r)}: {r.detail}" for r in report.results]
    lines.append(
        f"summary: {report.count(PASS)} passed, {report.count(FAIL)} failed, {report.count(SKIP)} skipped: {_verdict(report)}"
    )
    return "\n".join(lines) + "\n"


def as_data(report: Report) -> dict[str, Any]:
    return {
        "stack": report.stack,
        "caller": report.caller,
        "user": report.user,
        "targetAccountId": report.target_account_id,
        "results": [
            {"role": r.role, "check": r.check, "expect": r.expect, "status": r.status, "code": r.code, "detail": r.detail}
            for r in report.results
        ],
        "summary": {
            "passed": report.count(PASS),
            "failed": report.count(FAIL),
            "skipped": report.count(SKIP),
            "ok": report.ok,
            "verdict": _verdict(report),
        },
    }


def render_json(report: Report) -> str:
    return jsontext.dumps(as_data(report)) + "\n"


RENDERERS = {"text": render_text, "json": render_json}


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret value replaced (longest first, so none is left half-shown)."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", "Unknown"))


def error_message(error: ClientError) -> str:
    return " ".join(str(error.response.get("Error", {}).get("Message", "")).split())


def classify(role: str, call: Call, code: str | None, message: str) -> Result:
    """The outcome of one check: `code` is None when the call succeeded."""

    def result(status: str, detail: str) -> Result:
        return Result(role, call.action, status, detail, expect=call.expect, code=code)

    if call.expect == "allow":
        return result(PASS, "allowed") if code is None else result(FAIL, f"got {code}: {message}")
    if code is None:
        return result(FAIL, "the call succeeded; expected an access-denied error")
    if code in ACCESS_DENIED_CODES:
        return result(PASS, f"denied with {code}")
    return result(FAIL, f"got {code}, which is not an access-denied code: {message}")


# --- retrying while IAM propagates -------------------------------------------------------


@dataclass(frozen=True)
class Retried:
    """The last error of a call that never succeeded, and how long verify tried."""

    error: ClientError
    attempts: int
    elapsed: float


def with_backoff(
    call: Callable[[], T],
    *,
    what: str,
    retryable: Callable[[ClientError], bool],
    wait_seconds: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    progress: Callable[[str], None],
) -> tuple[T | Retried, int]:
    """Call until it succeeds, a non-retryable error is raised, or `wait_seconds` have passed.

    Sleeps 1, 2, 4, 8, 16, 16 ... seconds (never past the deadline) and reports each wait
    through `progress`. Returns (result or `Retried`, attempts).
    """
    start = clock()
    delay = FIRST_DELAY_SECONDS
    attempt = 0
    while True:
        attempt += 1
        try:
            return call(), attempt
        except ClientError as error:
            if not retryable(error):
                raise
            elapsed = clock() - start
            remaining = wait_seconds - elapsed
            if remaining <= 0:
                return Retried(error, attempt, elapsed), attempt
            pause = min(delay, remaining)
            progress(
                f"waiting for IAM: {what} answered {error_code(error)} (attempt {attempt}); "
                f"retrying in {pause:g} s ({elapsed:.0f} of {wait_seconds:g} s spent)"
            )
            sleep(pause)
            delay = min(delay * 2, MAX_DELAY_SECONDS)


def _allow_retryable(error: ClientError) -> bool:
    return error_code(error) in ACCESS_DENIED_CODES


def _never(_: ClientError) -> bool:
    return False


def _assume_retryable(error: ClientError) -> bool:
    return error_code(error) in RETRYABLE_ASSUME_CODES and MFA_REFUSED_MARKER not in error_message(error)


# --- the run -------------------------------------------------------------------------------


def _stderr_line(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Options:
    """How verify talks to AWS and waits; the functions are injectable so tests do not wait."""

    endpoint_url: str | None = None
    """Send every call there (moto, LocalStack); AWS_ENDPOINT_URL works too, natively in boto3."""
    mfa_token: str | None = None
    roles: tuple[str, ...] = ()
    """Verify only these roles (default: all)."""
    wait_seconds: float = DEFAULT_WAIT_SECONDS
    interactive: bool = False
    """May verify prompt for an MFA code (stdin is a terminal)?"""
    prompt: Callable[[str], str] = getpass.getpass
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    progress: Callable[[str], None] = _stderr_line
    external_ids: Mapping[str, str] = field(default_factory=dict)
    """Role -> its externalId, for roles whose externalId is a secret (`secure:`), which verify never decrypts."""


@dataclass
class _Run:
    loaded: LoadedSettings
    outputs: StackOutputs
    calls: Mapping[str, tuple[Call, ...]]
    options: Options
    secrets: list[str] = field(default_factory=list)
    temporary: bool = False
    """The source credentials carry a session token (GetSessionToken cannot be called with them)."""

    def client(self, session: boto3.Session, service: str, region: str) -> Any:
        config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=10, read_timeout=60)
        return session.client(service, region_name=region, endpoint_url=self.options.endpoint_url, config=config)

    def keep_secret(self, *values: str | None) -> None:
        self.secrets += [v for v in values if v]

    def scrub(self, text: str) -> str:
        return redact(text, self.secrets)


def _caller(run: _Run, source: boto3.Session) -> str:
    """The source credentials' ARN; `VerifyError` if there are none or STS refuses them."""
    try:
        credentials = source.get_credentials()
    except BotoCoreError as exc:
        raise VerifyError(f"the source credentials cannot be loaded: {exc}") from None
    if credentials is None:
        raise VerifyError(
            "no source credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE, pass --profile, "
            "or set source.profile in the stack settings; expected the credentials of a trusted user"
        )
    frozen = credentials.get_frozen_credentials()
    run.keep_secret(frozen.access_key, frozen.secret_key, frozen.token)
    run.temporary = bool(frozen.token)
    sts = run.client(source, "sts", run.loaded.settings.source.region)
    o = run.options
    try:
        answer, _ = with_backoff(
            sts.get_caller_identity,
            what="GetCallerIdentity with the source credentials",
            retryable=lambda e: error_code(e) == "InvalidClientTokenId",
            wait_seconds=o.wait_seconds,
            sleep=o.sleep,
            clock=o.clock,
            progress=o.progress,
        )
    except ClientError as error:
        raise VerifyError(run.scrub(f"STS refused the source credentials: {error_code(error)}: {error_message(error)}")) from None
    except NoCredentialsError:
        raise VerifyError("no source credentials found; expected the credentials of a trusted user") from None
    except BotoCoreError as exc:
        raise VerifyError(run.scrub(f"cannot call STS with the source credentials: {exc}")) from None
    if isinstance(answer, Retried):
        raise VerifyError(
            run.scrub(
                f"STS refused the source credentials for {answer.elapsed:.0f} s: "
                f"{error_code(answer.error)}: {error_message(answer.error)}"
            )
        )
    return str(answer["Arn"])


def _stack_user(run: _Run, caller: str) -> str | None:
    """The stack's user whose ARN the caller is; `VerifyError` if it is another account."""
    account = caller.split(":")[4] if caller.count(":") >= 5 else ""
    source = run.loaded.settings.source.account_id
    if account != source:
        raise VerifyError(
            f"the source credentials are {caller}, in account {account or '?'}; expected a user of the source account "
            f"{source} (source.accountId of Pulumi.{run.loaded.stack}.yaml)"
        )
    return next((name for name, user in run.outputs.users.items() if user.arn == caller), None)


def _session_name(user: str) -> str:
    """The role session name the README's CLI command uses; STS needs at least 2 characters."""
    return user if len(user) >= 2 else f"{user}-verify"


def _not_run(first: Result, calls: Sequence[Call], why: str) -> list[Result]:
    """`first` (the assume-role line), then the role's other lines, skipped for `why`."""
    skipped = [Result(first.role, "caller-identity", SKIP, f"not run: {why}")]
    skipped += [Result(first.role, c.action, SKIP, f"not run: {why}", expect=c.expect) for c in calls]
    return [first, *skipped]


def _verify_role(run: _Run, source: boto3.Session, role_name: str, user: str | None, mfa_signed_in: bool) -> list[Result]:
    s = run.loaded.settings
    role = s.roles[role_name]
    calls = run.calls[role_name]
    trusted = trusted_user_names(role, s.groups)  # trustedUsers and the members of trustedGroups
    if user is None or user not in trusted:
        why = f"the caller is not one of its trusted users ({', '.join(trusted)})"
        return _not_run(Result(role_name, "assume-role", SKIP, why), calls, "the caller is not trusted")

    role_arn = run.outputs.roles[role_name].arn
    session_name = _session_name(user)
    request: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": session_name, "DurationSeconds": SESSION_SECONDS}
    how = [f"session {session_name}"]
    if role.require_mfa and mfa_signed_in:
        # The session from GetSessionToken carries the MFA context (aws:MultiFactorAuthPresent)
        # into this call: no code is sent here, since AWS accepts each code only once.
        how.append(f"with MFA {run.outputs.users[user].mfa_serial}")
    external_id = run.options.external_ids.get(role_name, role.external_id)
    if external_id is not None:
        run.keep_secret(external_id if run.loaded.is_secret("roles", role_name, "externalId") else None)
        request["ExternalId"] = external_id
        how.append("with ExternalId")
    if role.require_source_identity:
        request["SourceIdentity"] = user
        how.append(f"with SourceIdentity {user}")

    o = run.options
    sts = run.client(source, "sts", s.source.region)
    try:
        answer, attempts = with_backoff(
            lambda: sts.assume_role(**request),
            what=f"AssumeRole on {role_name}",
            retryable=_assume_retryable,
            wait_seconds=o.wait_seconds,
            sleep=o.sleep,
            clock=o.clock,
            progress=o.progress,
        )
    except ClientError as error:
        code = error_code(error)
        hint = (
            " (the MFA code was refused: wrong or expired; run again with a fresh one)"
            if MFA_REFUSED_MARKER in error_message(error)
            else ""
        )
        failed = Result(role_name, "assume-role", FAIL, run.scrub(f"{code}{hint}: {error_message(error)}"), code=code)
        return _not_run(failed, calls, "the role was not assumed")
    except BotoCoreError as exc:
        failed = Result(role_name, "assume-role", FAIL, run.scrub(f"{type(exc).__name__}: {exc}"))
        return _not_run(failed, calls, "the role was not assumed")
    if isinstance(answer, Retried):
        code = error_code(answer.error)
        detail = f"{code} after {answer.attempts} attempts over {answer.elapsed:.0f} s: {error_message(answer.error)}"
        failed = Result(role_name, "assume-role", FAIL, run.scrub(detail), code=code)
        return _not_run(failed, calls, "the role was not assumed")

    credentials = answer["Credentials"]
    run.keep_secret(credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"])
    if attempts > 1:
        how.append(f"after {attempts} attempts")
    results = [Result(role_name, "assume-role", PASS, ", ".join(how))]
    session = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=s.target.region,
    )
    expected = f"arn:{s.target.partition}:sts::{s.target.account_id}:assumed-role/{role_name}/{session_name}"
    try:
        identity = run.client(session, "sts", s.target.region).get_caller_identity()
    except (ClientError, BotoCoreError) as exc:
        failed_code = error_code(exc) if isinstance(exc, ClientError) else None
        detail = run.scrub(f"GetCallerIdentity failed: {exc}")
        results.append(Result(role_name, "caller-identity", FAIL, detail, code=failed_code))
    else:
        arn = str(identity["Arn"])
        if arn == expected and identity["Account"] == s.target.account_id:
            results.append(Result(role_name, "caller-identity", PASS, arn))
        else:
            results.append(Result(role_name, "caller-identity", FAIL, f"expected {expected}; got {arn}"))

    clients: dict[str, Any] = {}
    for call in calls:
        if call.service not in clients:
            clients[call.service] = run.client(session, call.service, s.target.region)
        method = getattr(clients[call.service], call.method)
        try:
            # A permission policy attached seconds ago may not have reached every IAM
            # endpoint yet: an `allow` check that is denied is retried like AssumeRole.
            # A `deny` check is never retried: being denied is its answer.
            answer, attempts = with_backoff(
                functools.partial(method, **call.params),
                what=f"{call.action} as {role_name}",
                retryable=_allow_retryable if call.expect == "allow" else _never,
                wait_seconds=o.wait_seconds,
                sleep=o.sleep,
                clock=o.clock,
                progress=o.progress,
            )
        except ClientError as error:
            results.append(classify(role_name, call, error_code(error), run.scrub(error_message(error))))
        except BotoCoreError as exc:
            results.append(Result(role_name, call.action, FAIL, run.scrub(f"{type(exc).__name__}: {exc}"), expect=call.expect))
        else:
            if isinstance(answer, Retried):
                message = f"{error_message(answer.error)} (after {answer.attempts} attempts over {answer.elapsed:.0f} s)"
                results.append(classify(role_name, call, error_code(answer.error), run.scrub(message)))
            else:
                passed = classify(role_name, call, None, "")
                results.append(
                    passed if attempts == 1 else dataclasses.replace(passed, detail=f"allowed after {attempts} attempts")
                )
    return results


def _mfa_code(run: _Run, user: str | None, roles: Sequence[str]) -> str | None:
    """The one MFA code of this run: given, prompted for once, or `VerifyError` if neither can be."""
    s = run.loaded.settings
    needing = [
        r for r in roles if user is not None and user in trusted_user_names(s.roles[r], s.groups) and s.roles[r].require_mfa
    ]
    o = run.options
    if o.mfa_token is not None:
        return o.mfa_token
    if not needing or user is None:
        return None
    if not o.interactive:
        raise VerifyError(
            f"role(s) {', '.join(needing)} require MFA and stdin is not a terminal; "
            "pass --mfa-token CODE (make verify MFA=CODE) with the 6 digits your MFA device shows"
        )
    code = o.prompt(f"MFA code for {run.outputs.users[user].mfa_serial} (roles {', '.join(needing)}): ").strip()
    if not MFA_CODE_RE.match(code):
        raise VerifyError(f"MFA code: got {len(code)} characters; expected the 6 digits your MFA device shows")
    return code


def _mfa_session(run: _Run, source: boto3.Session, serial: str, code: str) -> boto3.Session:
    """One `sts:GetSessionToken` with the MFA code; every role is then assumed with this session.

    AWS accepts an MFA code once: a second AssumeRole with the same code is refused. A session
    from GetSessionToken with SerialNumber and TokenCode carries the MFA context, so each
    AssumeRole made with it satisfies `aws:MultiFactorAuthPresent` without a code of its own.
    """
    sts = run.client(source, "sts", run.loaded.settings.source.region)
    try:
        answer = sts.get_session_token(SerialNumber=serial, TokenCode=code, DurationSeconds=SESSION_SECONDS)
    except ClientError as error:
        hint = (
            " (the MFA code was refused: wrong or expired; run again with a fresh one)"
            if MFA_REFUSED_MARKER in error_message(error)
            else ""
        )
        raise VerifyError(
            run.scrub(f"GetSessionToken with the MFA code of {serial} failed{hint}: {error_code(error)}: {error_message(error)}")
        ) from None
    except BotoCoreError as exc:
        raise VerifyError(run.scrub(f"GetSessionToken failed: {exc}")) from None
    credentials = answer["Credentials"]
    run.keep_secret(credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"])
    run.options.progress(f"MFA: one GetSessionToken with the code of {serial}; every role is assumed with that session")
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=run.loaded.settings.source.region,
    )


def verify_stack(
    loaded: LoadedSettings,
    outputs: StackOutputs,
    source: boto3.Session,
    options: Options | None = None,
    calls: Mapping[str, tuple[Call, ...]] | None = None,
) -> Report:
    """Assume every role with the source session and run its checks.

    Raises `VerifyError` when it cannot start (no or refused credentials, credentials of
    another account, MFA needed and no way to get a code) and `SettingsError` for bad checks.
    """
    options = options or Options()
    if options.mfa_token is not None and not MFA_CODE_RE.match(options.mfa_token):
        # The code is a one-time secret: say what is wrong with it, never echo it.
        raise VerifyError(f"--mfa-token: got {len(options.mfa_token)} characters; expected the 6 digits your MFA device shows")
    unknown = [r for r in options.roles if r not in loaded.settings.roles]
    if unknown:
        raise VerifyError(
            f"--role {', '.join(unknown)}: not a role of this stack; expected one of {', '.join(loaded.settings.roles)}"
        )
    run = _Run(loaded, outputs, calls if calls is not None else resolve_checks(loaded), options)
    _check_external_ids(loaded, options)
    caller = _caller(run, source)
    user = _stack_user(run, caller)
    roles = [r for r in loaded.settings.roles if not options.roles or r in options.roles]
    mfa_code = _mfa_code(run, user, roles) if not run.temporary else None
    if mfa_code is not None and user is not None:
        source = _mfa_session(run, source, run.outputs.users[user].mfa_serial, mfa_code)
    elif run.temporary:
        run.options.progress(
            "the source credentials are temporary (they carry a session token): GetSessionToken cannot be called "
            "with them, so roles are assumed with them as they are; a role that requires MFA needs a session signed in with MFA"
        )
    results: list[Result] = []
    for role_name in roles:
        results += _verify_role(run, source, role_name, user, mfa_code is not None or run.temporary)
    return Report(
        stack=loaded.stack, caller=caller, user=user, target_account_id=loaded.settings.target.account_id, results=tuple(results)
    )


def _check_external_ids(loaded: LoadedSettings, options: Options) -> None:
    """A secret externalId is never decrypted offline: it must be given with --external-id."""
    unknown = sorted(set(options.external_ids) - set(loaded.settings.roles))
    if unknown:
        raise VerifyError(f"--external-id {', '.join(unknown)}: not a role of this stack")
    roles = [r for r in loaded.settings.roles if not options.roles or r in options.roles]
    missing = [r for r in roles if loaded.is_secret("roles", r, "externalId") and r not in options.external_ids]
    if missing:
        raise VerifyError(
            f"{', '.join(key(('roles', r, 'externalId')) for r in missing)}: a secret (secure:), which verify does not "
            f"decrypt; pass it with --external-id ROLE=VALUE, e.g. --external-id {missing[0]}="
            f'"$(pulumi config get --path roles.{missing[0]}.externalId)"'
        )


def _external_ids(values: Sequence[str]) -> dict[str, str]:
    result = {}
    for value in values:
        role, sep, external_id = value.partition("=")
        if not sep or not role or not external_id:
            raise VerifyError("--external-id: expected ROLE=VALUE")
        result[role] = external_id
    return result


def source_session(loaded: LoadedSettings, profile: str | None, environ: Mapping[str, str]) -> tuple[boto3.Session, str]:
    """The source-side session and where its credentials come from, in this order:
    --profile; keys in `environ` (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN);
    AWS_PROFILE in `environ`; the stack's source.profile; boto3's default chain. The stack's
    profile comes after the environment because it is usually the deployer's profile, not a
    trusted user's. The region is always the stack's source.region."""
    region = loaded.settings.source.region
    stack_profile = loaded.settings.source.profile
    if environ.get("AWS_ACCESS_KEY_ID") and not profile:
        session = boto3.Session(
            aws_access_key_id=environ["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=environ.get("AWS_SECRET_ACCESS_KEY"),
            aws_session_token=environ.get("AWS_SESSION_TOKEN"),
            region_name=region,
        )
        return session, "environment (AWS_ACCESS_KEY_ID)"
    if profile:
        chosen, origin = profile, f"profile {profile} (--profile)"
    elif environ.get("AWS_PROFILE"):
        chosen, origin = environ["AWS_PROFILE"], f"profile {environ['AWS_PROFILE']} (AWS_PROFILE)"
    elif stack_profile:
        chosen, origin = stack_profile, f"profile {stack_profile} (source.profile of Pulumi.{loaded.stack}.yaml)"
    else:
        chosen, origin = None, "boto3's default credential chain"
    try:
        return boto3.Session(profile_name=chosen, region_name=region), origin
    except ProfileNotFound:
        raise VerifyError(
            f"{origin}: no such profile in ~/.aws/config or ~/.aws/credentials; expected a profile with a trusted user's credentials"
        ) from None


# --- the command ---------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", default="utils", help="reads Pulumi.<stack>.yaml (default: utils)")
    parser.add_argument("--format", default="text", choices=FORMATS, help="text (default) or json")
    parser.add_argument(
        "--project-dir", type=Path, default=PROJECT_DIR, help="folder with Pulumi.<stack>.yaml and policies/ (default: this repo)"
    )
    parser.add_argument(
        "--external-id",
        action="append",
        default=[],
        metavar="ROLE=VALUE",
        help="the externalId of a role whose externalId is a secret (secure:), which verify never decrypts (repeatable)",
    )
    parser.add_argument(
        "--outputs", metavar="FILE", help="the stack's outputs saved with `pulumi stack output --json` (default: ask the CLI)"
    )
    parser.add_argument("--mfa-token", metavar="CODE", help="the 6-digit MFA code (default: prompt when stdin is a terminal)")
    parser.add_argument("--profile", help="source credentials from this profile (default: environment, then source.profile)")
    parser.add_argument("--role", action="append", default=[], metavar="NAME", help="verify only this role (repeatable)")
    parser.add_argument(
        "--endpoint-url", metavar="URL", help="send every AWS call there, e.g. a moto server (AWS_ENDPOINT_URL works too)"
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=DEFAULT_WAIT_SECONDS,
        metavar="SECONDS",
        help=f"retry AssumeRole while IAM propagates for up to this long (default {DEFAULT_WAIT_SECONDS:g})",
    )


def run(
    args: argparse.Namespace,
    out: TextIO | None = None,
    err: TextIO | None = None,
    *,
    environ: Mapping[str, str] = os.environ,
    options: Options | None = None,
) -> int:
    """0: every check passed; 1: a check failed or no role could be verified; 2: could not verify.

    `options`, when given, supplies the injectable functions (sleep, clock, prompt, progress);
    the command-line values still come from `args`.
    """

    out = out or sys.stdout
    err = err or sys.stderr

    def to_err(text: str) -> None:
        assert err is not None
        err.write(text + "\n")
        err.flush()

    base = options or Options(interactive=sys.stdin.isatty(), progress=to_err)
    try:
        project_dir = getattr(args, "project_dir", PROJECT_DIR)
        # The same pipeline as the program's: a stack that `up` refuses (settings, plan or
        # guardrails) is refused here, before any AWS call.
        checked = check_stack(project_dir, args.stack, outcome="no AWS call was made")
        enforce(checked, base.progress)
        loaded = checked.loaded
        calls = resolve_checks(loaded)
        external_ids = _external_ids(getattr(args, "external_id", []))
        _check_external_ids(loaded, Options(roles=tuple(args.role), external_ids=external_ids))  # before any credentials
        if args.outputs:
            outputs, where = read_outputs_file(Path(args.outputs)), f"outputs file {args.outputs}"
        else:
            outputs, where = outputs_from_pulumi(args.stack, project_dir), f"`pulumi stack output --json --stack {args.stack}`"
        check_outputs_match(checked.plan, outputs, where)
        session, origin = source_session(loaded, args.profile, environ)
        base.progress(f"source credentials: {origin}")
        chosen = Options(
            endpoint_url=args.endpoint_url,
            mfa_token=args.mfa_token,
            roles=tuple(args.role),
            wait_seconds=args.wait,
            interactive=base.interactive,
            prompt=base.prompt,
            sleep=base.sleep,
            clock=base.clock,
            progress=base.progress,
            external_ids=external_ids,
        )
        report = verify_stack(loaded, outputs, session, chosen, calls)
    except VerifyError as error:
        err.write(f"error: {error}\n")
        return 2
    out.write(RENDERERS[args.format](report))
    return 0 if report.ok else 1
