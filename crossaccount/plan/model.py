"""What the component creates for one stack, computed before anything exists: the plan's types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from crossaccount.settings.models import PasswordPolicySettings, StackSettings

from .dayone import DayOnePlan
from .route import AssumeRoute, MfaDecision, MfaSession


@dataclass(frozen=True)
class AssumePolicyPlan:
    """One customer managed policy that lets a user assume some of this stack's roles."""

    part: str
    """`""` for a user's only policy; the bits of its part once split (`crossaccount.packing`)."""
    name: str
    arn: str
    document: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class UserPlan:
    """A source-account user and the policies that let it assume this stack's roles."""

    name: str
    path: str
    arn: str
    create: bool
    tags: Mapping[str, str]
    """On the user (when created) and on its assume-role policies: stack-wide tags, then the
    user's, then the tags of `trust: tag` roles that trust it."""
    mfa_serial: str
    policy_name: str | None
    """The first (usually the only) assume-role policy's name, all of them in `assume_policies`;
    None when no role lists the user in trustedUsers (its roles come through its groups)."""
    policy_arn: str | None
    policy_document: str | None
    roles: tuple[str, ...]
    """Every role of this stack the user may assume: listed in trustedUsers or through a group."""
    profile: str = ""
    """The profile with the user's own credentials, which the copy-paste strings name."""
    adopt: bool = False
    """`import: true`: the existing IAM user is imported (Pulumi's import option, id: the name)."""
    direct_roles: tuple[str, ...] = ()
    """The roles its own assume-role policy grants (those listing it in trustedUsers)."""
    groups: tuple[str, ...] = ()
    """The groups of this stack it is a member of (UserGroupMembership, not exclusive)."""
    self_service: bool = False
    """The stack's self-service policy is attached to it (a user this stack creates)."""
    console: LoginProfilePlan | None = None
    mfa_session: MfaSession | None = None
    """The MFA session step of the user's routes, where any role of this stack requires MFA of them."""

    assume_policies: tuple[AssumePolicyPlan, ...] = ()
    """Every assume-role policy of the user, at most 6,144 characters each (`crossaccount.packing`)."""
    day_one: DayOnePlan | None = None
    """A user of this stack's own (never a roles-only stack's reference): its `~/.aws/config`
    over every role of every stack that trusts it, and its first day's steps (`crossaccount.plan.dayone`)."""

    @property
    def attached_policies(self) -> int:
        """Managed policies this stack attaches to the user: its assume-role policies and the self-service one."""
        return len(self.assume_policies) + self.self_service


@dataclass(frozen=True)
class LoginProfilePlan:
    """Console sign-in: a login profile whose generated password must be changed at first sign-in."""

    pgp_key: str | None
    """keybase:<user> or a base64 public key: the password comes back encrypted to it."""
    password_length: int
    adopt: bool = False
    """The user's `import: true`: the person's existing login profile (their password) is imported
    (id: the user name), never a new one created; no pgpKey then (the settings refuse it)."""


@dataclass(frozen=True)
class GroupPlan:
    """A source-account group, its members, and the identity side of the roles granted to it."""

    name: str
    path: str
    arn: str
    members: tuple[str, ...]
    roles: tuple[str, ...]
    """Roles that list the group in trustedGroups."""
    policy_name: str | None
    """`<group>-group-assume-roles-<stack>` (its first part), attached to the group; None when no role trusts it."""
    policy_arn: str | None
    policy_document: str | None
    managed_policy_arns: tuple[str, ...]
    tags: Mapping[str, str]
    """On the group's assume-role policy (IAM groups take no tags)."""
    assume_policies: tuple[AssumePolicyPlan, ...] = ()
    """Every assume-role policy of the group (the first is `policy_name`'s), packed as a user's are."""


@dataclass(frozen=True)
class SelfServicePlan:
    """The stack's one self-service credentials policy, attached to each user it creates."""

    name: str
    arn: str
    document: str
    users: tuple[str, ...]
    enforce_mfa: bool


@dataclass(frozen=True)
class PermissionPolicyPlan:
    """A customer managed policy in the target account, loaded from one file in policies/."""

    file_name: str
    name: str
    arn: str
    document: str


@dataclass(frozen=True)
class AccessPlan:
    """How one trusted user reaches one role: the copy-paste strings."""

    user: str
    assume_role_command: str
    aws_config_profile: str | None
    """None where the role requires a source identity: no profile key can set one (see `aws_config_profile`)."""
    profile_name: str = ""
    """The name of the `[profile ...]` block: `<role>@<target account>`, unique across stacks."""
    route: AssumeRoute | None = None
    """The calls behind the strings (`crossaccount.plan.route`): what `verify` makes, too."""
    mfa: MfaDecision = field(default_factory=lambda: MfaDecision(trust=True, identity=True))
    """What AWS requires of this person for this role, identity side and trust side together."""


@dataclass(frozen=True)
class PermissionSetAccessPlan:
    """How the people of one IAM Identity Center permission set reach a role: what Identity
    Center must grant (its inline policy) and the profiles they copy."""

    permission_set: str
    principal_arn_pattern: str
    """The `ArnLike aws:PrincipalArn` value of its trust statement: exactly its role in the source account."""
    inline_policy: str
    """The inline policy the permission set needs: sts:AssumeRole on the role's ARN."""
    aws_config_profile: str
    """`[sso-session]`, the permission set's profile and the role's profile (source_profile)."""
    profile_name: str


@dataclass(frozen=True)
class FederatedAccessPlan:
    """A SAML or OIDC provider of the target account that the role trusts, and what it pins."""

    kind: str
    """`saml` or `oidc`."""
    provider_arn: str
    audiences: tuple[str, ...]
    """SAML: the sign-in endpoints `SAML:aud` accepts (`samlAudiences`); OIDC: the one exact `aud`."""
    subject: str | None = None
    """OIDC only: the exact `sub`."""


@dataclass(frozen=True)
class RolePlan:
    """A target-account role with its trust policy, permission policies and access strings."""

    name: str
    path: str
    arn: str
    description: str
    max_session_duration: int
    permissions_boundary: str | None
    tags: Mapping[str, str]
    trust_document: str
    policies: tuple[PermissionPolicyPlan, ...]
    managed_policy_arns: tuple[str, ...]
    switch_role_url: str
    access: tuple[AccessPlan, ...]
    secret: bool = False
    """The trust document and the access strings hold a secret (`externalId` given as `secure:`)."""
    adopt: bool = False
    """`import: true`: the existing IAM role is imported (id: the name)."""
    adopt_policies: bool = False
    """`importPolicies: true`: its policies (id: ARN) and attachments (id: `<role>/<policy ARN>`) are imported."""
    permission_sets: tuple[PermissionSetAccessPlan, ...] = ()
    """The IAM Identity Center permission sets it trusts (`trustedPermissionSets`)."""
    federated: tuple[FederatedAccessPlan, ...] = ()
    """The SAML and OIDC providers it trusts (`trustedSamlProviders`, `trustedOidcProviders`)."""


@dataclass(frozen=True)
class StackPlan:
    """Everything the component creates for one stack, computed before anything exists."""

    stack: str
    settings: StackSettings
    users: tuple[UserPlan, ...]
    roles: tuple[RolePlan, ...]
    groups: tuple[GroupPlan, ...] = ()
    self_service: SelfServicePlan | None = None
    password_policy: PasswordPolicySettings | None = None
    """Set when this stack owns the source account's password policy."""
    console_sign_in_url: str = ""
    """The source account's IAM user sign-in page."""
    kind: str = "people"
    """`people`, `roles` (a roles-only stack: nothing in the source account) or `legacy`
    (`crossaccount.settings.organisation`)."""
    notes: tuple[tuple[str, str, str], ...] = ()
    """(rule id, where, message): warnings about the stack among the others (ESC_UNSEEN: what
    the offline read cannot see; ORG_SHARED_ACCOUNT), in every output, the review included."""
    problems: tuple[str, ...] = ()
    """What the settings alone could not see and AWS or the engine would refuse (two derived
    names that collide, more policies than a user takes), each naming its stack key. A plan
    with problems is never deployed: the pipeline raises them as one `SettingsError`."""
