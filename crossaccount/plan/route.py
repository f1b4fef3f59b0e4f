"""The route a person takes to a role, as AWS evaluates it, and the MFA that AWS requires of them.

Why a session step (AWS's documented evaluation):
- A request signed with an IAM user's long-term access keys carries no `aws:MultiFactorAuthPresent`
  key at all (IAM User Guide, global condition keys:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent).
  The person's own identity policies are evaluated on their AssumeRole request: the assume-role
  policy's `Bool aws:MultiFactorAuthPresent "true"` fails and the self-service Deny
  (`BoolIfExists ... "false"`) matches, whatever SerialNumber/TokenCode the request carries: those
  serve the role's trust policy (STS API reference, AssumeRole:
  https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
- `GetSessionToken` with SerialNumber and TokenCode returns a session whose calls carry
  `aws:MultiFactorAuthPresent = true` and `aws:MultiFactorAuthAge`; it needs no permission, and its
  credentials may call AssumeRole (STS API reference, GetSessionToken:
  https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html; IAM User Guide,
  "Configuring MFA-protected API access":
  https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html).
  The AWS CLI v2's `aws configure mfa-login` makes that call and writes the session into a profile
  (https://docs.aws.amazon.com/cli/latest/reference/configure/mfa-login.html).

So where either side requires MFA, the route is: `mfa-login` once (one code, one session), then
AssumeRole signed with that session, no code of its own (AWS accepts a code once). Where neither
side does, AssumeRole is signed with the person's long-term keys. `verify` makes exactly these calls
from these objects (tools/commands/verify), so a green verify proves the copy-paste route.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crossaccount.iam import MIN_SESSION_NAME, ROLE_CHAINING_MAX, SESSION_TOKEN_DEFAULT, SESSION_TOKEN_RANGE


@dataclass(frozen=True)
class MfaDecision:
    """Whether AWS requires MFA of one person for one role, each side on its own."""

    trust: bool
    """The role's trust policy requires it (`requireMfa`)."""
    identity: bool
    """The person's own policies require it: the assume-role policy (`requireMfa`) or the
    self-service Deny (`selfService.enforceMfa`)."""
    reason: str = ""
    """Why AWS requires MFA where the role's own `requireMfa` says it does not ("" otherwise)."""

    @property
    def required(self) -> bool:
        """Both sides must allow the call: MFA is required if either side requires it."""
        return self.trust or self.identity


def decide_mfa(require_mfa: bool, self_service_enforces_mfa: bool) -> MfaDecision:
    """What AWS decides for a person whose self-service policy does (or does not) enforce MFA,
    reaching a role with `requireMfa` as given."""
    reason = ""
    if self_service_enforces_mfa and not require_mfa:
        reason = (
            "the person's selfService.enforceMfa: true denies AssumeRole without MFA, whatever the role's requireMfa: false says"
        )
    return MfaDecision(trust=require_mfa, identity=require_mfa or self_service_enforces_mfa, reason=reason)


@dataclass(frozen=True)
class MfaSession:
    """The session step: GetSessionToken with the person's long-term keys and one MFA code."""

    profile: str
    """The profile holding the person's long-term access key."""
    session_profile: str
    """The profile `aws configure mfa-login` writes the session into; role profiles source it."""
    serial_number: str
    duration_seconds: int

    def request(self, token_code: str) -> dict[str, Any]:
        """The GetSessionToken parameters `mfa-login` sends."""
        return {"SerialNumber": self.serial_number, "TokenCode": token_code, "DurationSeconds": self.duration_seconds}

    @property
    def command(self) -> str:
        """The AWS CLI v2 command that makes the call (it prompts for the code) and writes the profile."""
        return (
            f"aws configure mfa-login --profile {self.profile} --update-profile {self.session_profile} "
            f"--serial-number {self.serial_number} --duration-seconds {self.duration_seconds}"
        )


@dataclass(frozen=True)
class AssumeRoute:
    """The AssumeRole call a person makes, and with which credentials it is signed."""

    role_arn: str
    session_name: str
    duration_seconds: int
    profile: str
    """The profile whose credentials sign AssumeRole: the MFA session's, or the long-term one."""
    mfa: MfaSession | None
    """The session step, where AWS requires MFA (`MfaDecision.required`)."""
    external_id: str | None = None
    source_identity: str | None = None

    def request(self, external_id: str | None = None) -> dict[str, Any]:
        """The AssumeRole parameters; `external_id` stands in for a secret one the plan cannot show."""
        request: dict[str, Any] = {
            "RoleArn": self.role_arn,
            "RoleSessionName": self.session_name,
            "DurationSeconds": self.duration_seconds,
        }
        chosen = external_id if external_id is not None else self.external_id
        if chosen is not None:
            request["ExternalId"] = chosen
        if self.source_identity is not None:
            request["SourceIdentity"] = self.source_identity
        return request


def role_session_seconds(max_session_duration: int, signed_with_session: bool) -> int:
    """The role's `maxSessionDuration`, at most an hour when AssumeRole is signed with a session."""
    return min(max_session_duration, ROLE_CHAINING_MAX) if signed_with_session else max_session_duration


def session_name(user: str) -> str:
    """The role session name: the user's name (STS needs at least 2 characters)."""
    return user if len(user) >= MIN_SESSION_NAME else f"{user}-session"


def mfa_session_profile(profile: str) -> str:
    """`<profile>-mfa`: the session profile beside the person's long-term one."""
    return f"{profile}-mfa"


def session_seconds(max_ages: list[int]) -> int:
    """The session's length: the shortest `mfaMaxAgeSeconds` of the roles it serves (a session
    older than that is refused by their trust policy anyway), else GetSessionToken's default."""
    low, high = SESSION_TOKEN_RANGE
    return max(low, min(high, *max_ages)) if max_ages else SESSION_TOKEN_DEFAULT
