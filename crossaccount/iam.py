"""IAM's and STS's own limits and formats, written once.

The settings check a stack against them, the plan builds within them and the guardrails judge
the plan's documents by them; each reads the value from here, so a limit cannot drift between
the three. Figures from ../shared/IAM-FACTS.md (IAM User Guide, "IAM and AWS STS quotas"; the
IAM and STS API references for the name patterns). Nothing here reads a file or imports Pulumi.
"""

from __future__ import annotations

import re

POLICY_VERSION = "2012-10-17"
"""The policy language version every document this program writes uses."""

# --- identifiers -------------------------------------------------------------------------------
ACCOUNT_ID_RE = re.compile(r"^\d{12}\Z", re.ASCII)
REGION_RE = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d\Z", re.ASCII)
IAM_NAME_RE = re.compile(r"^[\w+=,.@-]{1,64}\Z", re.ASCII)
"""Users and roles: 1 to 64 characters (CreateUser, CreateRole)."""
GROUP_NAME_RE = re.compile(r"^[\w+=,.@-]{1,128}\Z", re.ASCII)
"""IAM's CreateGroup takes 1 to 128 characters (users and roles: 64)."""
POLICY_NAME_RE = re.compile(r"^[\w+=,.@-]{1,128}\Z", re.ASCII)
ENTITY_PATH_RE = re.compile(r"^(/|/[\x21-\x7E]{1,510}/)\Z", re.ASCII)
POLICY_PATH_RE = re.compile(r"^((/[A-Za-z0-9.,+@=_-]+)*)/\Z", re.ASCII)
MAX_PATH = 512
EXTERNAL_ID_RE = re.compile(r"^[\w+=,.@:/-]{2,1224}\Z", re.ASCII)
ROLE_ARN_RE = re.compile(r"^arn:aws(-cn|-us-gov)?:iam::\d{12}:role/([\x21-\x7E]*/)?[\w+=,.@-]{1,64}\Z", re.ASCII)
POLICY_ARN_RE = re.compile(
    r"^arn:aws(-cn|-us-gov)?:iam::(\d{12}|aws):policy/([A-Za-z0-9.,+@=_-]+/)*[\w+=,.@-]{1,128}\Z", re.ASCII
)
SID_RE = re.compile(r"^[A-Za-z0-9]*\Z", re.ASCII)
SAML_PROVIDER_ARN_RE = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::(?P<account>\d{12}):saml-provider/(?P<name>[\w.-]{1,128})\Z", re.ASCII
)
"""IAM's CreateSAMLProvider: a name of 1 to 128 characters of letters, digits and ._-."""
OIDC_PROVIDER_ARN_RE = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::(?P<account>\d{12}):oidc-provider/"
    r"(?P<url>[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~%-]+)*)\Z",
    re.ASCII,
)
"""An OIDC provider's ARN ends with its URL without `https://` (host, optional port and path),
which is also the prefix of its condition keys (`<url>:aud`, `<url>:sub`)."""
PATTERN_CHARACTERS = ("*", "?", "${")
"""What ArnLike, StringLike or a policy variable reads as more than the literal text: in a path
or a tag pasted into a policy, each is a wildcard or a policy variable."""

# --- IAM Identity Center ------------------------------------------------------------------------
_PERMISSION_SET_NAME = r"[\w+=,.@-]{1,32}"
PERMISSION_SET_NAME_RE = re.compile(rf"^{_PERMISSION_SET_NAME}\Z", re.ASCII)
"""IAM Identity Center's CreatePermissionSet: 1 to 32 characters of letters, digits and +=,.@_-
(https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PermissionSet.html)."""
SSO_ROLE_SUFFIX_LENGTH = 16
"""The unique suffix of a permission set's role, `AWSReservedSSO_<name>_<suffix>`: 16 characters
(the examples of "Referencing permission sets in resource policies",
https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html, and
15 + 32 + 1 + 16 = 64, the longest role name, for the longest permission set name)."""
SSO_HOME_REGION_WITHOUT_SEGMENT = "us-east-1"
"""Where the identity source is hosted in us-east-1, the role's path has no region segment (same page)."""
SSO_ROLE_PATH = "/aws-reserved/sso.amazonaws.com/"
"""The path of every role Identity Center creates (then `<region>/`, except for us-east-1).
Only AWS creates roles under `aws-reserved/`."""
SSO_ROLE_PREFIX = "AWSReservedSSO_"
"""A permission set's role is named `AWSReservedSSO_<permission set>_<suffix>`."""
PERMISSION_SET_ROLE_PATTERN_RE = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::(?P<account>\d{12}):role"
    + re.escape(SSO_ROLE_PATH)
    + rf"(?:[a-z]{{2}}(?:-gov)?-[a-z]+-\d/)?{SSO_ROLE_PREFIX}(?P<permission_set>{_PERMISSION_SET_NAME})"
    + rf"_\?{{{SSO_ROLE_SUFFIX_LENGTH}}}\Z",
    re.ASCII,
)
"""The ArnLike pattern of the role of exactly one permission set (`permission_set_role_pattern`):
its name holds no wildcard, its suffix is 16 `?`."""
PERMISSION_SET_SESSION_RE = re.compile(
    r"^arn:(?:aws|aws-cn|aws-us-gov):sts::(?P<account>\d{12}):assumed-role/"
    + rf"{SSO_ROLE_PREFIX}(?P<permission_set>{_PERMISSION_SET_NAME})_[A-Za-z0-9]{{{SSO_ROLE_SUFFIX_LENGTH}}}"
    + r"/(?P<session>[^/]+)\Z",
    re.ASCII,
)
"""A session of a permission set's role (the ARN of an assumed-role session carries the role's
name, not its path): its name says the permission set."""

# --- sessions ----------------------------------------------------------------------------------
MIN_SESSION_NAME = 2
"""STS: RoleSessionName and SourceIdentity are 2 to 64 characters (both are the user's name here)."""
MIN_SESSION, MAX_SESSION = 3600, 43200
"""A role's MaxSessionDuration, in seconds."""
ROLE_CHAINING_MAX = 3600
"""A role assumed with another role's session (role chaining) gets at most 1 hour, whatever its
MaxSessionDuration (IAM User Guide, "Methods to assume a role"). That holds for an AssumeRole
signed with any temporary credentials, a GetSessionToken session included: AWS answers a longer
DurationSeconds with "ValidationError: The requested DurationSeconds exceeds the 1 hour session
limit for roles assumed by role chaining" (AssumeRole's DurationSeconds:
https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html; reported with
GetSessionToken sessions in 99designs/aws-vault#263 and its USAGE.md, "Assuming a role for more
than 1h", and mmmorris1975/aws-runas#11). The AWS CLI and boto3 assume the role again when its
session ends, as long as the MFA session lasts."""
SESSION_TOKEN_RANGE = (900, 129600)
"""GetSessionToken's DurationSeconds for an IAM user: 15 minutes to 36 hours."""
SESSION_TOKEN_DEFAULT = 43200
"""GetSessionToken's default for an IAM user (12 hours), which `aws configure mfa-login` also uses."""
MFA_AGE_RANGE = SESSION_TOKEN_RANGE
"""aws:MultiFactorAuthAge bounds this program accepts: 15 minutes to 36 hours (GetSessionToken's
shortest and longest session: an MFA session cannot be older than that)."""

# --- sizes and counts --------------------------------------------------------------------------
MANAGED_POLICY_SIZE = 6144
"""Characters of a customer managed policy, whitespace not counted."""
TRUST_POLICY_SIZE = 2048
"""Characters of a role trust policy by default (4,096 by quota request)."""
TRUST_POLICY_MAX_SIZE = 4096
"""The most a raised AssumeRolePolicySizeQuota allows: "You can request an increase to a maximum
of 4,096 characters" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)."""
INLINE_TOTAL_SIZE = {"user": 2048, "group": 5120, "role": 10240}
MAX_ATTACHED_POLICIES = 10
MAX_ATTACHED_POLICIES_RAISED = 20
"""Managed policies per user, group or role with the quota raised to its maximum
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html: 10 by default, up to 20)."""
"""Managed policies attached to one user, group or role (AWS's default quota)."""
MAX_GROUPS_PER_USER = 10
MAX_DESCRIPTION = 1000
MAX_TAGS = 50
TAG_KEY_MAX, TAG_VALUE_MAX = 128, 256
TAG_PUNCTUATION = frozenset("_.:/=+-@")
"""Besides letters, separators and numbers, what IAM's tag pattern `[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*` allows."""
TAG_KEY_RE = re.compile(r"^[A-Za-z0-9 _.:/=+@-]{1,128}\Z", re.ASCII)
TAG_VALUE_RE = re.compile(r"^[A-Za-z0-9 _.:/=+@-]{1,256}\Z", re.ASCII)
"""The tags a `trust: tag` condition compares: ASCII only, so that what the reviewer reads is what IAM compares."""

# --- the account password policy (UpdateAccountPasswordPolicy) ---------------------------------
PASSWORD_LENGTH_RANGE = (6, 128)
"""MinimumPasswordLength; the provider generates 5 to 128."""
REUSE_RANGE = (1, 24)
MAX_AGE_RANGE = (1, 1095)

WHITESPACE = frozenset(" \t\n\r")
SIGNIN_HOSTS = {
    "aws": "signin.aws.amazon.com",
    "aws-cn": "signin.amazonaws.cn",
    "aws-us-gov": "signin.amazonaws-us-gov.com",
}
"""The console's sign-in host of each partition (sign-in page and switch-role links)."""


def saml_audience(partition: str) -> str:
    """The sign-in endpoint a SAML assertion is addressed to: the value `SAML:aud` is pinned to."""
    return f"https://{SIGNIN_HOSTS[partition]}/saml"


def saml_regional_audience(region: str) -> str:
    """A region's SAML sign-in endpoint, `https://<region>.<sign-in host>/saml` (IAM User Guide,
    "Configure your SAML 2.0 IdP with relying party trust",
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_relying-party.html;
    AWS General Reference, AWS Sign-In endpoints)."""
    return f"https://{region}.{SIGNIN_HOSTS[partition_of(region)]}/saml"


def default_saml_audiences(region: str) -> list[str]:
    """What AWS documents for an IdP that posts to AWS: the regional endpoint AWS recommends (the
    target account's region) and the non-regional one, so an IdP configured either way gets in."""
    return [saml_regional_audience(region), saml_audience(partition_of(region))]


def permission_set_role_pattern(partition: str, account_id: str, sso_region: str, permission_set: str) -> str:
    """The ArnLike pattern of exactly the role IAM Identity Center creates for `permission_set`
    in `account_id`: `arn:<p>:iam::<account>:role/aws-reserved/sso.amazonaws.com/[<region>/]`
    `AWSReservedSSO_<name>_` and one `?` per character of the suffix.

    Not `_*`: a permission set may be named `<name>_Admin`, whose role `AWSReservedSSO_<name>_Admin_<suffix>`
    `_*` would match too. With exactly 16 `?`, no other permission set's role can match.
    """
    region = "" if sso_region == SSO_HOME_REGION_WITHOUT_SEGMENT else f"{sso_region}/"
    suffix = "?" * SSO_ROLE_SUFFIX_LENGTH
    return f"arn:{partition}:iam::{account_id}:role{SSO_ROLE_PATH}{region}{SSO_ROLE_PREFIX}{permission_set}_{suffix}"


def non_whitespace_length(text: str) -> int:
    """A policy's size as IAM counts it: whitespace outside and inside strings is not counted."""
    return len(text) - sum(map(text.count, WHITESPACE))  # str.count: no Python loop per character


def partition_of(region: str) -> str:
    """The partition a region belongs to (aws, aws-cn, aws-us-gov)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def arn_partition(arn: str) -> str:
    return arn.split(":")[1]


def iam_arn(partition: str, account_id: str, kind: str, path: str, name: str) -> str:
    """`arn:<partition>:iam::<account>:<kind><path><name>` (kind: user, role, policy, group, mfa)."""
    return f"arn:{partition}:iam::{account_id}:{kind}{path}{name}"
