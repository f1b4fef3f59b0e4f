"""Everything a stack file can say, declared once: each key with its type, default and
description, whose bounds are `crossaccount.iam`'s (docs/settings.md's tables are generated from them: `python -m tools docs`). The checks of each key live in
the module named for what it checks (`accounts`, `users`, `roles`, `people`, `trust_modes`,
`policy_files`, `project`), and read IAM's limits from `crossaccount.iam`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from crossaccount.iam import (
    MAX_AGE_RANGE,
    MAX_SESSION,
    MFA_AGE_RANGE,
    MIN_SESSION,
    PASSWORD_LENGTH_RANGE,
    REUSE_RANGE,
    partition_of,
)
from crossaccount.inputs import PolicyFile

KEYS = (
    "source",
    "target",
    "users",
    "roles",
    "tags",
    "policyWaivers",
    "groups",
    "selfService",
    "passwordPolicy",
    "requirePgpKey",
    "accessInvariants",
)
"""The top-level keys under the `cross-account-roles:` namespace."""


class _Model(BaseModel):
    """Stack-file keys are camelCase; unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=False, extra="forbid", frozen=True, strict=True)


class AccountSettings(_Model):
    """One side of the pair: where the provider for that account points."""

    account_id: str = Field(description="The account's 12-digit id, as a string.")
    region: str = Field(description="The provider's region, e.g. eu-north-1.")
    profile: str | None = Field(None, description="A named profile in ~/.aws/config.")
    role_arn: str | None = Field(None, description="A role the provider assumes to deploy (CI has no profiles).")

    @property
    def partition(self) -> str:
        return partition_of(self.region)


class UserSettings(_Model):
    """An IAM user in the source account that may assume roles of this stack."""

    create: bool = Field(True, description="False: the user exists (owned elsewhere); only referenced.")
    path: str = Field("/", description="The user's IAM path.")
    mfa_device_name: str | None = Field(None, description="Name of the user's virtual MFA device (default: the user name).")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags on the user.")
    import_: bool = Field(
        False,
        alias="import",
        description="Adopt the existing IAM user of this name (Pulumi's import option, id: the name), and with "
        "consoleAccess its existing login profile; the same up then makes both what these settings say.",
    )
    profile: str | None = Field(
        None,
        description="The profile with this user's own credentials on the person's machine (default: <user>@<source account>).",
    )
    console_access: bool = Field(
        False,
        description="A console login profile (password reset at first sign-in), kept in AWS when it leaves the program; "
        "with import: the person's existing one.",
    )
    pgp_key: str | None = Field(
        None, description="keybase:<user> or a base64 PGP public key: the initial password is encrypted to it."
    )


class GroupSettings(_Model):
    """An IAM group in the source account, created by this stack, with members of this stack."""

    members: list[str] = Field(default_factory=list, description="Users (declared under users) added to the group.")
    path: str = Field("/", description="The group's IAM path.")
    managed_policy_arns: list[str] = Field(
        default_factory=list, description="Existing managed policies of the source account (or AWS's) to attach."
    )


class SelfServiceSettings(_Model):
    """The policy that lets each user of this stack manage their own credentials (crossaccount.selfservice)."""

    enabled: bool = Field(True, description="Attach the self-service policy to every user this stack creates.")
    enforce_mfa: bool = Field(True, description="Deny everything but MFA enrolment and password change until signed in with MFA.")


class PasswordPolicySettings(_Model):
    """The source account's password policy; the stack that sets this key owns it.

    Defaults: the AWS Config managed rule iam-password-policy's (length 14, reuse 24, age 90,
    all four character classes), https://docs.aws.amazon.com/config/latest/developerguide/iam-password-policy.html
    """

    minimum_password_length: int = Field(
        14,
        ge=PASSWORD_LENGTH_RANGE[0],
        le=PASSWORD_LENGTH_RANGE[1],
        description=f"{PASSWORD_LENGTH_RANGE[0]} to {PASSWORD_LENGTH_RANGE[1]}.",
    )
    require_uppercase_characters: bool = True
    require_lowercase_characters: bool = True
    require_numbers: bool = True
    require_symbols: bool = True
    password_reuse_prevention: int | None = Field(
        24,
        ge=REUSE_RANGE[0],
        le=REUSE_RANGE[1],
        description=f"{REUSE_RANGE[0]} to {REUSE_RANGE[1]} previous passwords; null: none (sent as 0, AWS's off).",
    )
    max_password_age: int | None = Field(
        90,
        ge=MAX_AGE_RANGE[0],
        le=MAX_AGE_RANGE[1],
        description=f"{MAX_AGE_RANGE[0]} to {MAX_AGE_RANGE[1]:,} days; null: passwords never expire (sent as 0, AWS's off).",
    )
    allow_users_to_change_password: bool = True
    hard_expiry: bool = Field(False, description="True: an expired password can only be reset by an administrator.")


class SmokeCheck(_Model):
    """One call that `verify` makes with the role's session, and what must happen."""

    action: str = Field(description="service:Operation as boto3 names it, e.g. s3:ListBuckets.")
    params: dict[str, Any] = Field(default_factory=dict, description="The call's parameters.")
    expect: Literal["allow", "deny"] = Field("allow", description="allow: must succeed; deny: must be AccessDenied.")


class TrustedTag(_Model):
    """`trust: tag`: the tag a source-account user must carry (the program tags the users it owns)."""

    key: str = Field(description="The tag key, e.g. team.")
    value: str = Field(description="The tag value, e.g. data.")


class TrustedOidcProvider(_Model):
    """`trustedOidcProviders`: an OIDC provider of the target account and exactly whom it vouches for."""

    arn: str = Field(description="The provider's ARN, arn:aws:iam::<target account>:oidc-provider/<url>.")
    audience: str = Field(description="The exact `aud` of its tokens (<url>:aud), e.g. sts.amazonaws.com.")
    subject: str = Field(description="The exact `sub` of its tokens (<url>:sub); no wildcard.")


class RoleSettings(_Model):
    """A role in the target account and who may assume it."""

    trusted_users: list[str] = Field(
        default_factory=list, description="Names of users (declared under users) that may assume it."
    )
    trusted_groups: list[str] = Field(
        default_factory=list, description="Groups (declared under groups): their members' ARNs are written in the trust policy."
    )
    trusted_roles: list[str] = Field(
        default_factory=list, description="ARNs of existing roles in the source account, in a trust statement of their own."
    )
    trusted_permission_sets: list[str] = Field(
        default_factory=list,
        description="IAM Identity Center permission sets assigned in the source account: their roles may assume it (no MFA condition: Identity Center enforces MFA at sign-in).",
    )
    sso_region: str | None = Field(
        None,
        description="With trustedPermissionSets: the region of the IAM Identity Center instance (sso_region), e.g. eu-west-1.",
    )
    sso_start_url: str | None = Field(
        None, description="With trustedPermissionSets: the AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start."
    )
    trusted_saml_providers: list[str] = Field(
        default_factory=list, description="ARNs of SAML providers of the target account (sts:AssumeRoleWithSAML)."
    )
    saml_audiences: list[str] | None = Field(
        None,
        description="With trustedSamlProviders: the AWS sign-in endpoints the assertions may be addressed to (SAML:aud), "
        "e.g. https://eu-west-1.signin.aws.amazon.com/saml (default: the non-regional endpoint and the target region's).",
    )
    trusted_oidc_providers: list[TrustedOidcProvider] = Field(
        default_factory=list, description="OIDC providers of the target account, each with its exact audience and subject."
    )
    require_mfa_for_roles: bool | None = Field(
        None, description="MFA rule of the trustedRoles statement; default: the same as requireMfa."
    )
    trust: Literal["users", "path", "tag"] = Field(
        "users", description="How the trust policy names them: exact user ARNs, a user path, or a user tag."
    )
    trusted_path: str | None = Field(None, description="trust: path: the users' IAM path, e.g. /team-data/.")
    trusted_tag: TrustedTag | None = Field(None, description="trust: tag: the tag key and value the users carry.")
    description: str = Field("", description="The role's description.")
    policy_files: list[str] = Field(default_factory=list, description="Permission documents, relative to policies/.")
    managed_policy_arns: list[str] = Field(default_factory=list, description="Existing managed policies to attach.")
    require_mfa: bool = Field(True, description="Trust only sessions signed in with MFA.")
    mfa_max_age_seconds: int | None = Field(
        None,
        ge=MFA_AGE_RANGE[0],
        le=MFA_AGE_RANGE[1],
        description=f"Also require MFA no older than this: {MFA_AGE_RANGE[0]:,} to {MFA_AGE_RANGE[1]:,} seconds.",
    )
    external_id: str | None = Field(None, description="Require this sts:ExternalId (third parties).")
    allow_session_tags: bool = Field(False, description="Allow sts:TagSession.")
    require_source_identity: bool = Field(False, description="Require source identity = the user name.")
    max_session_duration: int = Field(
        MIN_SESSION, ge=MIN_SESSION, le=MAX_SESSION, description=f"Longest session, {MIN_SESSION:,} to {MAX_SESSION:,} seconds."
    )
    path: str = Field("/", description="The role's IAM path.")
    permissions_boundary: str | None = Field(None, description="ARN of a permissions boundary policy.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags on the role and its policies.")
    checks: list[SmokeCheck] = Field(default_factory=list, description="What `verify` proves after deploy.")
    waivers: dict[str, str] = Field(
        default_factory=dict, description="Guardrail rules waived for this role: rule id -> why (shown in the plan)."
    )
    import_: bool = Field(
        False,
        alias="import",
        description="Adopt the existing IAM role of this name (Pulumi's import option, id: the name); the same up "
        "then makes it what these settings say (its path must already match: a new path would replace it).",
    )
    import_policies: bool = Field(
        False,
        description="Adopt the existing policies made from policyFiles (id: ARN) and every attachment (id: role/ARN); "
        "the same up then writes the files' documents.",
    )


class AccessInvariant(_Model):
    """An access invariant (docs/access.md): who may reach an action on a resource, checked by
    `check` and `check --all` against the access model of every stack of the project."""

    name: str = Field(description="A short name, unique in the stack, shown when the invariant is broken.")
    action: str = Field(description="An action or action pattern, e.g. iam:* or s3:DeleteBucket.")
    resource: str = Field(description='A resource ARN or ARN pattern, e.g. arn:aws:s3:::prod-*, or "*".')
    allow: list[str] | Literal["none"] | None = Field(
        None,
        description="The only principals that may reach it (user names, group:NAME, role:NAME or role:ARN, "
        "permission-set:NAME, saml:ARN, oidc:ARN); none: no one; absent: anyone (with requireMfa).",
    )
    require_mfa: bool = Field(False, description="Every path that reaches it must need MFA.")


class StackSettings(_Model):
    """Everything one stack (one pair of accounts) says."""

    source: AccountSettings = Field(description="The account of the people (IAM users); usually project-level, in Pulumi.yaml.")
    target: AccountSettings = Field(description="The account of this stack's roles.")
    users: dict[str, UserSettings] = Field(
        default_factory=dict,
        description="User name -> settings: the people this stack declares. Absent: a roles-only stack, "
        "whose roles trust the users of the source account's people's stack.",
    )
    roles: dict[str, RoleSettings] = Field(description="Role name -> settings: the roles of the target account.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags applied to everything.")
    policy_waivers: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="Guardrail rules waived for one file of policies/: file name -> {rule id: why}."
    )
    groups: dict[str, GroupSettings] = Field(default_factory=dict, description="Groups of the source account.")
    self_service: SelfServiceSettings = Field(default_factory=SelfServiceSettings, description="Self-service credentials.")
    password_policy: PasswordPolicySettings | None = Field(
        None, description="The source account's password policy, owned by this stack when set."
    )
    require_pgp_key: bool = Field(
        True,
        description="Every user this stack gives a new console password (consoleAccess) needs a pgpKey, so the password "
        "never sits in the stack's state; false: it does, readable by whoever holds the state's key (docs/ci.md).",
    )
    access_invariants: list[AccessInvariant] = Field(
        default_factory=list,
        description="Access invariants (docs/access.md): who may reach an action on a resource, checked by check and check --all.",
    )


Kind = Literal["people", "roles", "legacy"]
"""A stack's place in the organisation (`crossaccount.settings.organisation`)."""


@dataclass(frozen=True)
class StackView:
    """Another stack of the project, as far as the organisation needs it: what parsed of it."""

    name: str
    file_name: str
    kind: Kind
    source: AccountSettings | None
    target: AccountSettings | None
    users: Mapping[str, UserSettings]
    groups: Mapping[str, GroupSettings]
    roles: Mapping[str, RoleSettings]
    self_service: bool
    """The self-service policy is attached to the users it creates."""
    self_service_enforces_mfa: bool = False
    """And it denies all but enrolment without MFA (`selfService.enforceMfa`)."""
    problems: tuple[str, ...] = ()
    """What did not parse of the keys the organisation reads (source, target, users, groups,
    roles) and the keys it does not know: a part left out here is a grant the people's stack
    would drop (`organisation.unseen_problems`)."""
    environments: tuple[str, ...] = ()
    """The Pulumi ESC environments its file imports (their values are seen by no other stack)."""

    def same_source(self, source: AccountSettings) -> bool:
        return self.source is not None and (self.source.account_id, self.source.partition) == (
            source.account_id,
            source.partition,
        )


@dataclass(frozen=True)
class People:
    """For a roles-only stack: the people it may trust, declared by the people's stacks of its
    source account (usually one)."""

    users: Mapping[str, UserSettings]
    """Each user a people's stack creates."""
    groups: Mapping[str, GroupSettings]
    owner: Mapping[str, str]
    """User or group name -> the file of the stack that declares it (`group:<name>` for groups)."""
    files: tuple[str, ...]
    """The people's stacks' files (empty: the project has none for this source account)."""
    not_created: Mapping[str, str] = field(default_factory=dict)
    """Users that a stack of the source account lists with `create: false` only -> that file."""
    unreadable: tuple[str, ...] = ()
    """The other stack files that cannot be read: one may be the people's stack."""
    mfa_enforced: frozenset[str] = frozenset()
    """The users whose people's stack attaches a self-service policy that enforces MFA
    (`selfService.enforceMfa`): AWS refuses their AssumeRole without MFA, whatever a role says."""


@dataclass(frozen=True)
class RemoteRole:
    """A role of a roles-only stack whose identity side the people's stack holds."""

    stack: str
    file_name: str
    name: str
    target: AccountSettings
    settings: RoleSettings

    @property
    def key(self) -> str:
        """`<stack>/<role>`: unique across stacks (a role name has no `/`), and apart from the
        people's stack's own role names, whose packing therefore does not move."""
        return f"{self.stack}/{self.name}"


@dataclass(frozen=True)
class LoadedSettings:
    """The parsed settings plus the policy documents they name, as loaded from disk."""

    stack: str
    settings: StackSettings
    policy_files: Mapping[str, PolicyFile]
    source_documents: Mapping[str, PolicyFile] = field(default_factory=dict)
    """Documents of the source account read from policies/source/ (the self-service policy)."""
    secret_paths: frozenset[tuple[str, ...]] = frozenset()
    """Settings that hold a secret, e.g. `("roles", "deploy", "externalId")`: outputs that
    contain them are Pulumi secrets, and the offline plan shows `[secret]`."""

    kind: Kind = "people"
    people: People | None = None
    """A roles-only stack: the people it may trust (the people's stacks' users and groups)."""
    remote_roles: tuple[RemoteRole, ...] = ()
    """A people's stack: the roles of the roles-only stacks, whose identity side it holds."""
    others: tuple[StackView, ...] = ()
    """The project's other stacks, as parsed (the quota of a person across stacks)."""
    notes: tuple[tuple[str, str, str], ...] = ()
    """(rule id, where, message): warnings about this stack among the others (ESC_UNSEEN,
    ORG_SHARED_ACCOUNT), shown as guardrail findings."""

    def is_secret(self, *path: str) -> bool:
        return tuple(path) in self.secret_paths
