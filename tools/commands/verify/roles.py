"""One role verified: assume it, confirm the session's identity, run its checks."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
)

from crossaccount.iam import ROLE_CHAINING_MAX
from crossaccount.plan.route import AssumeRoute
from crossaccount.plan.route import session_name as route_session_name
from crossaccount.settings.people import trusted_user_names

from .checks import Call
from .common import MFA_REFUSED_MARKER
from .credentials import SsoCaller
from .report import FAIL, PASS, SKIP, Result, classify, error_code, error_message
from .retry import Retried, _allow_retryable, _assume_retryable, _never, with_backoff
from .state import _Run

SESSION_NAME_RE = re.compile(r"^[\w+=,.@-]{2,64}\Z", re.ASCII)
"""STS's RoleSessionName."""


def _not_run(first: Result, calls: Sequence[Call], why: str) -> list[Result]:
    """`first` (the assume-role line), then the role's other lines, skipped for `why`."""
    skipped = [Result(first.role, "caller-identity", SKIP, f"not run: {why}")]
    skipped += [Result(first.role, c.action, SKIP, f"not run: {why}", expect=c.expect) for c in calls]
    return [first, *skipped]


def _verify_role(run: _Run, sessions: Sessions, role_name: str, user: str | None) -> list[Result]:
    s = run.loaded.settings
    calls = run.calls[role_name]
    trusted = trusted_user_names(s.roles[role_name], s.groups)  # trustedUsers and the members of trustedGroups
    route = run.routes[role_name].get(user) if user is not None else None
    if user is None or route is None:
        why = f"the caller is not one of its trusted users ({', '.join(trusted)})"
        return _not_run(Result(role_name, "assume-role", SKIP, why), calls, "the caller is not trusted")
    assumed = _assume(run, sessions, role_name, user, route)
    if isinstance(assumed, Result):
        return _not_run(assumed, calls, "the role was not assumed")
    session, passed = assumed
    return [passed, _caller_identity(run, session, role_name, route.session_name), *_checks(run, session, role_name, calls)]


def _verify_role_as_permission_set(run: _Run, source: boto3.Session, role_name: str, sso: SsoCaller) -> list[Result]:
    """A role verified with an IAM Identity Center session (the credentials of an `sso_session`
    profile): assumed as the permission set's role, without an MFA code (Identity Center
    enforced MFA at sign-in, and its sessions carry no aws:MultiFactorAuthPresent)."""
    role = run.loaded.settings.roles[role_name]
    calls = run.calls[role_name]
    if sso.permission_set not in role.trusted_permission_sets:
        trusted = ", ".join(role.trusted_permission_sets) or "none"
        why = f"the caller's permission set {sso.permission_set} is not one of its trustedPermissionSets ({trusted})"
        return _not_run(Result(role_name, "assume-role", SKIP, why), calls, "the caller is not trusted")
    session_name = sso.session if SESSION_NAME_RE.match(sso.session) else route_session_name(sso.permission_set)
    request: dict[str, Any] = {
        "RoleArn": run.outputs.roles[role_name].arn,
        "RoleSessionName": session_name,
        # A role assumed with a role's session (the permission set's) is role chaining: at most 1 hour.
        "DurationSeconds": min(role.max_session_duration, ROLE_CHAINING_MAX),
    }
    how = [f"session {session_name}", f"as permission set {sso.permission_set} (MFA: at sign-in to IAM Identity Center)"]
    external_id = run.options.external_ids.get(role_name, role.external_id)
    if external_id is not None:
        run.keep_secret(external_id if run.loaded.is_secret("roles", role_name, "externalId") else None)
        request["ExternalId"] = external_id
        how.append("with ExternalId")
    assumed = _assume_with(run, source, role_name, request, how)
    if isinstance(assumed, Result):
        return _not_run(assumed, calls, "the role was not assumed")
    session, passed = assumed
    return [passed, _caller_identity(run, session, role_name, session_name), *_checks(run, session, role_name, calls)]


@dataclass(frozen=True)
class Sessions:
    """The source credentials, and the MFA session made from them (None: not needed, or the
    credentials are temporary already and used as they are)."""

    source: boto3.Session
    mfa: boto3.Session | None


def _assume_request(run: _Run, role_name: str, user: str, route: AssumeRoute) -> tuple[dict[str, Any], list[str]]:
    """The AssumeRole request of the person's route (`AssumeRoute.request`), and how it is made (for the report)."""
    role = run.loaded.settings.roles[role_name]
    how = [f"session {route.session_name}"]
    if route.mfa is not None:
        # The session from GetSessionToken carries the MFA context (aws:MultiFactorAuthPresent)
        # into this call: no code is sent here, since AWS accepts each code only once.
        how.append(f"with MFA {run.outputs.users[user].mfa_serial}")
    external_id = run.options.external_ids.get(role_name, role.external_id)
    if external_id is not None:
        run.keep_secret(external_id if run.loaded.is_secret("roles", role_name, "externalId") else None)
        how.append("with ExternalId")
    if route.source_identity is not None:
        how.append(f"with SourceIdentity {route.source_identity}")
    return route.request(external_id), how


def _assume(
    run: _Run, sessions: Sessions, role_name: str, user: str, route: AssumeRoute
) -> tuple[boto3.Session, Result] | Result:
    """The person's route: the role's session and the passed assume-role line, or the failed line."""
    request, how = _assume_request(run, role_name, user, route)
    signer = sessions.mfa if route.mfa is not None and sessions.mfa is not None else sessions.source
    return _assume_with(run, signer, role_name, request, how)


def _assume_with(
    run: _Run, signer: boto3.Session, role_name: str, request: dict[str, Any], how: list[str]
) -> tuple[boto3.Session, Result] | Result:
    """AssumeRole with `request`, signed by `signer`: the session and the passed line (`how` it was made), or the failed line."""
    s = run.loaded.settings
    o = run.options
    sts = run.client(signer, "sts", s.source.region)
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
        return Result(role_name, "assume-role", FAIL, run.scrub(f"{code}{hint}: {error_message(error)}"), code=code)
    except BotoCoreError as exc:
        return Result(role_name, "assume-role", FAIL, run.scrub(f"{type(exc).__name__}: {exc}"))
    if isinstance(answer, Retried):
        code = error_code(answer.error)
        detail = f"{code} after {answer.attempts} attempts over {answer.elapsed:.0f} s: {error_message(answer.error)}"
        return Result(role_name, "assume-role", FAIL, run.scrub(detail), code=code)
    credentials = answer["Credentials"]
    run.keep_secret(credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"])
    if attempts > 1:
        how.append(f"after {attempts} attempts")
    session = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=s.target.region,
    )
    return session, Result(role_name, "assume-role", PASS, ", ".join(how))


def _caller_identity(run: _Run, session: boto3.Session, role_name: str, session_name: str) -> Result:
    """The session must be the role's, in the target account."""
    s = run.loaded.settings
    expected = f"arn:{s.target.partition}:sts::{s.target.account_id}:assumed-role/{role_name}/{session_name}"
    try:
        identity = run.client(session, "sts", s.target.region).get_caller_identity()
    except (ClientError, BotoCoreError) as exc:
        failed_code = error_code(exc) if isinstance(exc, ClientError) else None
        return Result(role_name, "caller-identity", FAIL, run.scrub(f"GetCallerIdentity failed: {exc}"), code=failed_code)
    arn = str(identity["Arn"])
    if arn == expected and identity["Account"] == s.target.account_id:
        return Result(role_name, "caller-identity", PASS, arn)
    return Result(role_name, "caller-identity", FAIL, f"expected {expected}; got {arn}")


def _checks(run: _Run, session: boto3.Session, role_name: str, calls: Sequence[Call]) -> list[Result]:
    """The role's checks, each one line: allowed or denied as it expects."""
    o = run.options
    clients: dict[str, Any] = {}
    results = []
    for call in calls:
        if call.service not in clients:
            clients[call.service] = run.client(session, call.service, run.loaded.settings.target.region)
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
