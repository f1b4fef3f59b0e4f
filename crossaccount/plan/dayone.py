"""A person's first day, in one place: from the people's stack, every role of every stack that
trusts them, as one `~/.aws/config` (a list of lines) and the steps in the order they take them.

The people's stack holds every person's identity side, the roles of the roles-only stacks
included (`LoadedSettings.remote_roles`), so it knows every route; the roles-only stacks' outputs
keep their own per-role strings. Pure: the same settings give the same lines.

What the steps rest on, each settled against AWS's own text:

- `aws configure mfa-login` exists from AWS CLI 2.30.3 (aws/aws-cli CHANGELOG.rst, 2.30.3:
  "Added the new `aws configure mfa-login` command"); the AWS CLI v1 has none (aws/aws-cli
  `develop`, 1.x: `awscli/customizations/configure/configure.py` lists no `mfa-login`). An older
  CLI parses `mfa-login` as the `configure` command's subcommand argument and argparse refuses
  it: `aws: error: argument subcommand: Invalid choice, valid choices are:` and the list
  (`awscli/argparser.py`, `CLIArgParser._check_value` and `error`). The way without it is
  `aws sts get-session-token` and the three values written by hand (`MFA_LOGIN_FALLBACK`).
- `mfa-login` sends one `GetSessionToken` with `SerialNumber` and `TokenCode`
  (`awscli/customizations/configure/mfalogin.py`) and writes the session into
  `~/.aws/credentials`. `TokenCode` is "the value provided by the MFA device": six digits of a
  virtual or hardware TOTP device (STS API reference, GetSessionToken,
  https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html). A passkey or
  security key (FIDO) gives no code: AWS supports it for the console only, not for the AWS CLI or
  API (IAM User Guide, "Supported configurations for using passkeys and security keys",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_fido_supported_configurations.html),
  so a person who signs in with one enrols a TOTP device too (IAM allows 8 MFA devices per user).
- The self-service policy lets a person create a virtual MFA device only as `mfa/<user name>`
  (`policies/source/self-service-credentials.json`, `AllowManageOwnVirtualMFADevice`); the
  console's "Assign MFA device" asks for a free device name, and any other name is refused with
  AccessDenied. Kept on purpose (AWS's current example allows `mfa/*`): with `mfa/*` anyone could
  create a device under a colleague's name before that colleague enrols, who then cannot create
  theirs (EntityAlreadyExists), and fill the account's virtual MFA device quota with unassigned
  devices. With the exact name the serial is known, so the steps give the exact `--serial-number`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .route import AssumeRoute, MfaSession

MFA_LOGIN_MIN_VERSION = "2.30.3"
"""The first AWS CLI release with `aws configure mfa-login` (aws/aws-cli CHANGELOG.rst)."""
OLD_CLI_ERROR = "aws: error: argument subcommand: Invalid choice, valid choices are:"
"""What an AWS CLI without `mfa-login` (v1, or v2 before 2.30.3) prints for it, then the
subcommands it has (awscli/argparser.py: `CLIArgParser._check_value` and `error`)."""
INSTALL_URL = "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"


@dataclass(frozen=True)
class DayOneRole:
    """One role a person reaches, from any stack of the organisation."""

    key: str
    """The role's key in the people's stack: `<role>` for its own, `<stack>/<role>` for another stack's."""
    profile_name: str
    route: AssumeRoute
    config: tuple[str, ...] | None
    """The `[profile ...]` block's lines, or None where no profile can work (see `no_profile`)."""
    assume_role_command: str
    no_profile: str = ""
    """Why there is no block: the role requires a source identity, or its externalId is a secret."""


@dataclass(frozen=True)
class DayOnePlan:
    """What one person copies on day one: their `~/.aws/config` and their steps, in order."""

    aws_config: tuple[str, ...]
    """Every role profile, blocks sorted by profile name and separated by an empty line."""
    steps: tuple[str, ...]
    """The steps in the order a person takes them."""


@dataclass(frozen=True)
class Person:
    """What the steps need to know about the person."""

    name: str
    profile: str
    """The profile with their long-term access key."""
    mfa_serial: str
    device_name: str
    self_service: bool
    """Their self-service policy is attached: they enrol their own MFA device and create their own key."""
    enforce_mfa: bool
    """Their self-service policy denies all but enrolment until they sign in with MFA."""
    console: bool
    console_sign_in_url: str
    pgp_key: bool = False
    """Their first password comes encrypted to their PGP key (`pgpKey`)."""


def aws_config_lines(roles: Sequence[DayOneRole]) -> tuple[str, ...]:
    """The `~/.aws/config` of the person: each block once, sorted by profile name."""
    lines: list[str] = []
    for role in sorted((r for r in roles if r.config is not None), key=lambda r: r.profile_name):
        if lines:
            lines.append("")
        lines += role.config or ()
    return tuple(lines)


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{seconds // 60} minutes"


def steps(person: Person, session: MfaSession | None, roles: Sequence[DayOneRole]) -> tuple[str, ...]:
    """The person's steps, in the order they take them: sign in, enrol the MFA device, create the
    access key, check the CLI, start the MFA session, add the profiles, try one."""
    out: list[str] = []
    you = person.name
    if person.console:
        where = (
            f"the stack's output users.{you}.encryptedPassword, decrypted with your PGP key"
            if person.pgp_key
            else f"the stack's output users.{you}.initialPassword"
        )
        out.append(
            f"Sign in at {person.console_sign_in_url} as {you} with your first password ({where}); AWS asks you to "
            "choose a new one."
        )
    if session is not None:
        if person.self_service:
            out.append(
                f"Enrol an authenticator app (TOTP) as your virtual MFA device, named exactly {person.device_name} (console: "
                f"Security credentials, Assign MFA device, Device name {person.device_name}, Authenticator app): your "
                f"self-service policy lets you create only mfa/{person.device_name}, any other name is refused (AccessDenied). "
                f"Its serial is {person.mfa_serial}. The AWS CLI takes one-time codes only: a passkey or security key works "
                "for the console, not the CLI, so enrol this device too."
            )
        else:
            out.append(
                f"Have an administrator enrol your MFA device as {person.mfa_serial} (self-service is off), an authenticator "
                "app or hardware TOTP device: the AWS CLI takes one-time codes only, a passkey or security key gives none."
            )
    signed_in = "; sign out and in again with your MFA device first" if person.enforce_mfa and session is not None else ""
    if person.self_service:
        key_step = f"Create an access key (console: Security credentials, Access keys{signed_in})"
    else:
        key_step = "Get your access key from an administrator (self-service is off)"
    out.append(
        f"{key_step} and store it as the profile {person.profile}: aws configure --profile {person.profile} "
        "(it writes ~/.aws/credentials)."
    )
    if session is not None:
        out += _session_steps(session)
    config = [r for r in roles if r.config is not None]
    if config:
        out.append(
            f"Add your profiles to ~/.aws/config, once: the lines of the output users.{you}.dayOne.awsConfig (or the "
            f"output of: python -m tools aws-config --person {you})."
        )
    for role in sorted((r for r in roles if r.config is None), key=lambda r: r.key):
        run = f": run {role.assume_role_command}" if role.assume_role_command else ""
        out.append(f"{role.key} has no profile here ({role.no_profile}){run}")
    if config:
        first = min(config, key=lambda r: r.profile_name)
        out.append(f"Try it: aws sts get-caller-identity --profile {first.profile_name}")
    return tuple(out)


def _session_steps(session: MfaSession) -> list[str]:
    """Check the AWS CLI's version (or make the call by hand), then start the MFA session."""
    out: list[str] = []
    out.append(
        f"Check the AWS CLI: aws --version must show aws-cli/{MFA_LOGIN_MIN_VERSION} or later. An older one (any v1, "
        f'or v2 before {MFA_LOGIN_MIN_VERSION}) has no configure mfa-login and answers "{OLD_CLI_ERROR}": '
        f"upgrade ({INSTALL_URL}), or run {mfa_login_fallback(session)} and write its AccessKeyId, SecretAccessKey "
        f"and SessionToken as aws_access_key_id, aws_secret_access_key and aws_session_token under "
        f"[{session.session_profile}] in ~/.aws/credentials."
    )
    out.append(
        f"Start your MFA session: {session.command} (it asks for the 6-digit code your authenticator shows, and "
        f"writes the profile {session.session_profile} into ~/.aws/credentials). It lasts "
        f"{_duration(session.duration_seconds)}; run it again when a command answers ExpiredToken."
    )
    return out


def mfa_login_fallback(session: MfaSession) -> str:
    """The call `mfa-login` makes, for an AWS CLI without it."""
    return (
        f"aws sts get-session-token --profile {session.profile} --serial-number {session.serial_number} "
        f"--duration-seconds {session.duration_seconds} --token-code <code>"
    )


def day_one(person: Person, session: MfaSession | None, roles: Sequence[DayOneRole]) -> DayOnePlan:
    return DayOnePlan(aws_config=aws_config_lines(roles), steps=steps(person, session, roles))
