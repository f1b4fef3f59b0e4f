"""What a person copies to reach a role: the sign-in and switch-role links, the AWS CLI
command and the `~/.aws/config` profile."""

from __future__ import annotations

from urllib.parse import urlencode

from crossaccount.iam import ROLE_CHAINING_MAX, SIGNIN_HOSTS
from crossaccount.settings.federation import sso_session_name
from crossaccount.settings.models import AccountSettings, RoleSettings, StackSettings

from .route import AssumeRoute, MfaSession, role_session_seconds, session_name


def console_sign_in_url(settings: StackSettings) -> str:
    """The source account's IAM user sign-in page, `https://<account>.signin.aws.amazon.com/console`."""
    return f"https://{settings.source.account_id}.{SIGNIN_HOSTS[settings.source.partition]}/console"


def user_profile(settings: StackSettings, user: str, profile: str | None) -> str:
    """The profile with the person's own credentials: their `profile` setting, else `<user>@<source account>`.

    Never the deployer's `source.profile`: the role trusts the user, not the deployer.
    """
    return profile or f"{user}@{settings.source.account_id}"


def role_profile_name(settings: StackSettings, role_name: str) -> str:
    """`<role>@<target account>`: a role name is unique in its account, so two stacks (prod and
    staging) can put their profiles in one ~/.aws/config side by side."""
    return profile_name(settings.target, role_name)


def profile_name(target: AccountSettings, role_name: str) -> str:
    """`<role>@<account>` of a role of `target`."""
    return f"{role_name}@{target.account_id}"


def assume_role_command(route: AssumeRoute) -> str:
    """`aws sts assume-role`, signed with the route's profile: the MFA session's where AWS
    requires MFA (run the route's `mfa.command` first), else the person's long-term one. It
    sends no `--serial-number`/`--token-code`: the session already carries the MFA context."""
    parts = [
        "aws sts assume-role",
        f"--role-arn {route.role_arn}",
        f"--role-session-name {route.session_name}",
        f"--profile {route.profile}",
        f"--duration-seconds {route.duration_seconds}",
    ]
    if route.external_id is not None:
        parts.append(f"--external-id {route.external_id}")
    if route.source_identity is not None:
        parts.append(f"--source-identity {route.source_identity}")
    return " ".join(parts)


AWS_CONFIG_ROLE_KEYS = (
    "role_arn",
    "source_profile",
    "external_id",
    "role_session_name",
    "duration_seconds",
    "region",
)
"""Every key the profile writes. Each is one botocore's assume-role provider (and so the AWS CLI)
reads from a profile; it reads no `source_identity`, which is why a role that requires a source
identity gets no profile (tests/e2e/test_sessions_and_profiles.py loads each profile with botocore).
No `mfa_serial`: with it, botocore sends the code with AssumeRole, signed with whatever the source
profile holds, and the person's own policies would still see no MFA on long-term keys."""


def aws_config_profile(settings: StackSettings, role: RoleSettings, role_name: str, route: AssumeRoute) -> str | None:
    """The `~/.aws/config` block for the route, or None if no profile can work.

    Its `source_profile` is the route's signing profile: the session profile that
    `aws configure mfa-login` writes where AWS requires MFA, else the person's own.
    A role with `requireSourceIdentity` trusts only calls that set `sts:SourceIdentity`; the AWS
    CLI and the SDKs have no profile key for it, so such a profile would be refused. For those
    roles the `assumeRoleCommand` (with `--source-identity`) is the form that works.
    """
    lines = config_lines(settings.target, role, role_name, route)
    return None if lines is None else "\n".join(lines) + "\n"


def config_lines(target: AccountSettings, role: RoleSettings, role_name: str, route: AssumeRoute) -> list[str] | None:
    """The lines of `aws_config_profile`'s block for a role of `target`, or None."""
    if role.require_source_identity:
        return None
    lines = [
        f"[profile {profile_name(target, role_name)}]",
        f"role_arn = {route.role_arn}",
        f"source_profile = {route.profile}",
    ]
    if route.external_id is not None:
        lines.append(f"external_id = {route.external_id}")
    lines.append(f"role_session_name = {route.session_name}")
    lines.append(f"duration_seconds = {route.duration_seconds}")
    lines.append(f"region = {target.region}")
    return lines


def sso_config_profile(settings: StackSettings, role: RoleSettings, role_name: str, role_arn: str, permission_set: str) -> str:
    """The `~/.aws/config` blocks for a person of `permission_set` to use `role_name`: the
    `[sso-session]` (the access portal), a profile that signs in with the permission set in the
    source account (`sso_session`, `sso_account_id`, `sso_role_name`), and the role's profile
    with it as `source_profile` (the AWS CLI's "Configure the AWS CLI to use IAM Identity
    Center", https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sso.html; botocore's
    assume-role provider takes an SSO profile as source_profile). No mfa_serial: MFA was
    enforced when the person signed in to the portal."""
    start_url = role.sso_start_url or ""
    session = sso_session_name(start_url)
    sso_profile = f"{permission_set}@{settings.source.account_id}"
    lines = [
        f"[sso-session {session}]",
        f"sso_start_url = {start_url}",
        f"sso_region = {role.sso_region}",
        "sso_registration_scopes = sso:account:access",
        "",
        f"[profile {sso_profile}]",
        f"sso_session = {session}",
        f"sso_account_id = {settings.source.account_id}",
        f"sso_role_name = {permission_set}",
        f"region = {settings.source.region}",
        "",
        f"[profile {role_profile_name(settings, role_name)}]",
        f"role_arn = {role_arn}",
        f"source_profile = {sso_profile}",
    ]
    if role.external_id is not None:
        lines.append(f"external_id = {role.external_id}")
    # A role assumed with a role's session (the permission set's) is role chaining: at most 1 hour.
    lines.append(f"duration_seconds = {min(role.max_session_duration, ROLE_CHAINING_MAX)}")
    lines.append(f"region = {settings.target.region}")
    return "\n".join(lines) + "\n"


def assume_route(role: RoleSettings, role_arn: str, user: str, profile: str, session: MfaSession | None) -> AssumeRoute:
    """The person's route to the role: signed with `session` where it is given (AWS requires MFA)."""
    return AssumeRoute(
        role_arn=role_arn,
        session_name=session_name(user),
        duration_seconds=role_session_seconds(role.max_session_duration, session is not None),
        profile=session.session_profile if session is not None else profile,
        mfa=session,
        external_id=role.external_id,
        source_identity=user if role.require_source_identity else None,
    )


def switch_role_url(settings: StackSettings, role_name: str) -> str:
    host = SIGNIN_HOSTS[settings.target.partition]
    query = urlencode(
        {"account": settings.target.account_id, "roleName": role_name, "displayName": f"{role_name}@{settings.target.account_id}"}
    )
    return f"https://{host}/switchrole?{query}"
