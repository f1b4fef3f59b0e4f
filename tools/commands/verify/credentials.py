"""The source side: which credentials (`source_session`), whose they are, the one MFA session,
and the external ids a secret setting needs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import boto3
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConfigParseError,
    NoCredentialsError,
    ProfileNotFound,
    SSOError,
    TokenRetrievalError,
)

from crossaccount.errors import key
from crossaccount.iam import PERMISSION_SET_SESSION_RE
from crossaccount.plan.route import MfaSession
from crossaccount.settings.models import LoadedSettings

from .aws_config import (
    PROCESS_OUTPUT,
    is_mfa_code,
    mfa_code_problem,
    process_problem,
    profile_chain_problem,
    session_problem,
    sso_problem,
)
from .common import MFA_REFUSED_MARKER, VerifyError
from .report import error_code, error_message
from .retry import Retried, with_backoff
from .state import Options, _Run


def _caller(run: _Run, source: boto3.Session) -> str:
    """The source credentials' ARN; `VerifyError` if there are none or STS refuses them."""
    try:
        credentials = source.get_credentials()
        frozen = credentials.get_frozen_credentials() if credentials is not None else None
    except SSOError as exc:  # SSOTokenLoadError, UnauthorizedSSOTokenError: no sign-in, or an expired one
        raise VerifyError(sso_problem(source.profile_name, exc)) from None
    except TokenRetrievalError as exc:
        raise VerifyError(sso_problem(source.profile_name, exc)) from None
    except BotoCoreError as exc:
        raise VerifyError(f"the source credentials cannot be loaded: {exc}") from None
    except OSError as exc:  # a credential file botocore opens itself (web_identity_token_file)
        raise VerifyError(f"profile {source.profile_name}: the source credentials cannot be loaded: {exc}") from None
    except (ValueError, AttributeError) as exc:  # a credential_process's output (aws_config's docstring)
        raise VerifyError(process_problem(f"profile {source.profile_name}", exc)) from None
    if credentials is None or frozen is None:
        raise VerifyError(
            "no source credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE, pass --profile, "
            "or set source.profile in the stack settings; expected the credentials of a trusted user"
        )
    keys = (("AccessKeyId", frozen.access_key), ("SecretAccessKey", frozen.secret_key), ("SessionToken", frozen.token))
    for name, value in keys:
        if not isinstance(value, str | None):
            raise VerifyError(
                f"profile {source.profile_name}: its credentials' {name} is not a string; expected {PROCESS_OUTPUT}"
            )
    run.keep_secret(frozen.access_key, frozen.secret_key, frozen.token)
    run.temporary = bool(frozen.token)
    sts = run.client(source, "sts", run.loaded.settings.source.region)
    for service in sorted({c.service for calls in run.calls.values() for c in calls}):
        run.client(source, service, run.loaded.settings.target.region)  # every client's configuration, before any call
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


@dataclass(frozen=True)
class SsoCaller:
    """The source credentials are a session of a permission set's role (an `sso_session` profile)."""

    permission_set: str
    session: str
    """The role session name Identity Center gave it (the person's user name)."""


def sso_caller(run: _Run, caller: str) -> SsoCaller | None:
    """The permission set whose Identity Center role the caller's session is, in the source account."""
    match = PERMISSION_SET_SESSION_RE.match(caller)
    if match is None or match["account"] != run.loaded.settings.source.account_id:
        return None
    return SsoCaller(match["permission_set"], match["session"])


def _mfa_code(run: _Run, user: str | None, roles: Sequence[str]) -> str | None:
    """The one MFA code of this run, where the user's route to a role has the MFA session step:
    given, prompted for once, or `VerifyError` if neither can be."""
    needing = [r for r in roles if user is not None and (route := run.routes[r].get(user)) is not None and route.mfa is not None]
    o = run.options
    if not needing or user is None:
        return None
    if o.mfa_token is not None:
        return o.mfa_token
    if not o.interactive:
        raise VerifyError(
            f"role(s) {', '.join(needing)} require MFA and stdin is not a terminal; "
            "pass --mfa-token CODE (make verify MFA=CODE) with the 6 digits your MFA device shows"
        )
    code = o.prompt(f"MFA code for {run.outputs.users[user].mfa_serial} (roles {', '.join(needing)}): ").strip()
    if not is_mfa_code(code):
        raise VerifyError(f"MFA code: got {mfa_code_problem(code)}; expected the 6 digits your MFA device shows")
    return code


def _mfa_session(run: _Run, source: boto3.Session, step: MfaSession, code: str) -> boto3.Session:
    """The route's session step: one `sts:GetSessionToken` with the MFA code, exactly the call
    `aws configure mfa-login` makes (`MfaSession.request`); the roles whose route has that step
    are then assumed with this session.

    AWS accepts an MFA code once: a second AssumeRole with the same code is refused. A session
    from GetSessionToken with SerialNumber and TokenCode carries the MFA context, so each
    AssumeRole made with it satisfies `aws:MultiFactorAuthPresent` on both sides, the person's
    own policies and the role's trust policy, without a code of its own.
    """
    serial = step.serial_number
    sts = run.client(source, "sts", run.loaded.settings.source.region)
    try:
        answer = sts.get_session_token(**step.request(code))
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
    run.options.progress(
        f"MFA: one GetSessionToken with the code of {serial}; every role that requires MFA is assumed with that session"
    )
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=run.loaded.settings.source.region,
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
        try:
            session = boto3.Session(
                aws_access_key_id=environ["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=environ.get("AWS_SECRET_ACCESS_KEY"),
                aws_session_token=environ.get("AWS_SESSION_TOKEN"),
                region_name=region,
            )
        except ConfigParseError as exc:
            raise VerifyError(session_problem(exc)) from None
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
        session = boto3.Session(profile_name=chosen, region_name=region)
        problem = profile_chain_problem(session._session.full_config.get("profiles", {}), chosen, origin, environ)
    except ProfileNotFound:
        raise VerifyError(
            f"{origin}: no such profile in ~/.aws/config or ~/.aws/credentials; expected a profile with a trusted user's credentials"
        ) from None
    except ConfigParseError as exc:
        raise VerifyError(session_problem(exc)) from None
    if problem is not None:
        raise VerifyError(problem)
    return session, origin
