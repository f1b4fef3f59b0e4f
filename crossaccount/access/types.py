"""The access model's shared vocabulary (issue 30): policies, the caller, the request and the
decision, as `evaluate` takes and returns them.

Plain frozen dataclasses and no behaviour: the model, the organisation reader, the grants and
the commands all speak in these names. Pure: no I/O, no Pulumi.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

PolicyKind = Literal["identity", "resource", "boundary", "scp", "rcp", "session"]
"""Which of AWS's policy types a document is, as the evaluation logic treats it."""


class UnsupportedPolicy(Exception):  # noqa: N818 (the name the shared interface of issue 30 fixed)
    """A policy uses an element, operator or value the evaluator does not implement: the
    evaluator refuses it rather than guess (a condition it cannot read is never ignored). The
    message names the policy's source, the statement and the element."""


@dataclass(frozen=True)
class Policy:
    """One policy document in force for a request."""

    document: Mapping[str, Any]
    """The parsed policy JSON (Version, Statement...), exactly as deployed."""
    source: str
    """Where a person edits it: "policies/s3-list.json",
    "cross-account-roles:roles.s3-list-role (trust policy)",
    "arn:aws:iam::aws:policy/ReadOnlyAccess", "scp p-abc123 (FullAWSAccess)"."""
    kind: PolicyKind


@dataclass(frozen=True)
class Caller:
    """Who makes the request."""

    kind: Literal["AWS", "Federated", "Service"]
    """Which key of a Principal element can name it."""
    arn: str
    """User ARN, role ARN, SAML/OIDC provider ARN, or service principal ("ec2.amazonaws.com")."""
    session_arn: str | None = None
    """arn:aws:sts::ACCT:assumed-role/ROLE/SESSION for a role session."""
    account: str | None = None
    """The caller's account id (None for a service)."""


@dataclass(frozen=True)
class Request:
    """One request: who, which action, on what, in which context."""

    caller: Caller
    action: str
    """"s3:ListAllMyBuckets" (any case)."""
    resource: str
    """An ARN, or "*"."""
    resource_account: str | None
    """The account owning the resource (decides same-account or cross-account)."""
    context: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Condition keys (case-insensitive names) -> values; a key absent here is missing, e.g.
    {"aws:MultiFactorAuthPresent": ("true",), "aws:MultiFactorAuthAge": ("300",)}."""


@dataclass(frozen=True)
class StatementRef:
    """One statement that decided a request, as messages name it."""

    source: str
    """Policy.source."""
    kind: PolicyKind
    index: int
    """Position in Statement (0-based): Statement[i] in messages."""
    sid: str | None
    effect: Literal["Allow", "Deny"]


@dataclass(frozen=True)
class Decision:
    """The answer to one request."""

    allowed: bool
    reason: str
    """One line: "explicit Deny in ...", "no Allow in the identity policies", "allowed"."""
    because: tuple[StatementRef, ...]
    """The deciding statements: the Deny(s); or, when allowed, the Allow in each policy type
    that had to allow; or empty for an implicit deny where no statement matched (the reason
    says which type lacked an Allow)."""
