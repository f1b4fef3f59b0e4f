"""Who can ask for access in the model: people (IAM users), groups, trusted roles, permission
sets and SAML/OIDC providers, and how a person names one on the command line.

A principal argument is one of: a user name (`random_user`), `group:NAME`, `role:NAME` or
`role:ARN`, `permission-set:NAME`, `saml:ARN`, `oidc:ARN`, or an ARN (a user's, a role's, a
SAML or OIDC provider's). IAM names are case-insensitive (IAM refuses a second user `Alice`
beside `alice`), so a name matches whatever its case; the ARN's account and partition must be
exact. Wildcards are refused: a principal argument names one principal, and `who-can` is the
question for "anyone". Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from crossaccount.errors import SettingsError, show

from .types import Caller, Policy

PrincipalKind = Literal["user", "group", "role", "permission-set", "saml", "oidc"]
KINDS: tuple[PrincipalKind, ...] = ("user", "group", "role", "permission-set", "saml", "oidc")
PREFIXES = {"group": "group", "role": "role", "permission-set": "permission-set", "saml": "saml", "oidc": "oidc"}
FORMS = (
    "a user name, group:NAME, role:NAME or role:ARN, permission-set:NAME, saml:ARN, oidc:ARN, "
    "or the ARN of a user, role, SAML or OIDC provider"
)


@dataclass(frozen=True)
class Principal:
    """One principal of the model and everything the assume step needs to know of it."""

    kind: PrincipalKind
    name: str
    """The name as its stack writes it (a role's or provider's ARN for one not in the plan)."""
    arn: str
    account: str
    caller: Caller
    assume_action: str
    """sts:AssumeRole, sts:AssumeRoleWithSAML or sts:AssumeRoleWithWebIdentity."""
    identity: tuple[Policy, ...] = ()
    """Its identity policies in force on the assume step (a user's: its own and its groups')."""
    boundary: Policy | None = None
    context: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The condition keys its requests carry (aws:PrincipalArn, aws:username, its tags...)."""
    where: str = ""
    """The stack file and key that declare it."""
    assumed: str = ""
    """What the model takes on trust about it (a trusted role's own policies, not in the plan)."""
    members: tuple[str, ...] = ()
    """A group: its members' names."""
    groups: tuple[str, ...] = ()
    """A user: the groups it is a member of."""
    role_arn: str | None = None
    """A role of the plan: its ARN (its answers start with its own permissions)."""

    @property
    def label(self) -> str:
        return self.name if self.kind == "user" else f"{self.kind}:{self.name}"

    def has_member(self, user: Principal) -> bool:
        """Whether this group lists `user`, the name's case ignored: a stack may name the one IAM
        user `Alice` that another creates as `alice` (IAM names are case-insensitive, "IAM
        identifiers", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html)."""
        return self.kind == "group" and user.kind == "user" and user.name.lower() in {m.lower() for m in self.members}


def parse_principal(text: str) -> tuple[PrincipalKind | None, str]:
    """(kind, name or ARN): the kind None is a bare user name or an ARN, resolved by the model.
    Refuses what cannot name one principal, naming the value and the forms expected."""
    if not text or any(c in text for c in "*?"):
        what = "is empty" if not text else "holds a wildcard (* or ?)"
        raise SettingsError(
            [
                f"principal {show(text)} {what}; expected one principal: {FORMS} "
                "(to ask who may, run `python -m tools who-can ACTION RESOURCE`)"
            ],
            "nothing was evaluated",
        )
    prefix, sep, rest = text.partition(":")
    if sep and prefix.lower() in PREFIXES and not text.lower().startswith("arn:"):
        if not rest:
            raise SettingsError([f"principal {show(text)} names no {prefix}; expected {prefix}:NAME"], "nothing was evaluated")
        return PREFIXES[prefix.lower()], rest  # type: ignore[return-value]
    return None, text


def find(principals: Mapping[str, Principal], text: str) -> Principal:
    """The principal `text` names, its name's case ignored as IAM ignores it; one clear error
    naming the value when none or more than one matches."""
    kind, name = parse_principal(text)
    wanted = name.lower()
    if wanted.startswith("arn:"):
        _check_partition(principals, text, name)
        found = [p for p in principals.values() if _arn_equal(p.arn, name) and (kind is None or p.kind == kind)]
    else:
        kinds = (kind,) if kind else ("user",)
        found = [p for p in principals.values() if p.kind in kinds and (p.name.lower() == wanted or p.arn.lower() == wanted)]
    unique = {p.arn: p for p in found}
    if len(unique) == 1:
        return next(iter(unique.values()))
    if not unique:
        known = sorted(p.label for p in principals.values() if p.kind == (kind or "user"))
        listing = ", ".join(known[:8]) + (f" and {len(known) - 8} more" if len(known) > 8 else "")
        raise SettingsError(
            [
                f"principal {show(text)}: no {kind or 'user'} of that name in the project's stacks "
                f"(known: {listing or 'none'}); expected {FORMS}"
            ],
            "nothing was evaluated",
        )
    names = ", ".join(sorted(f"{p.label} ({p.where})" for p in unique.values()))
    raise SettingsError(
        [
            f"principal {show(text)} matches {len(unique)} principals whose names differ only by case: {names}; IAM treats them as one name"
        ],
        "nothing was evaluated",
    )


def _check_partition(principals: Mapping[str, Principal], text: str, arn: str) -> None:
    """One error for an ARN of a partition no principal of the project is in (aws-cn, aws-us-gov
    for a project in aws): partitions are separate, an ARN of one never names a principal of
    another ("Identify AWS resources with Amazon Resource Names (ARNs)",
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html: "A partition is a group
    of AWS Regions. Each AWS account is scoped to one partition.")."""
    partition = arn.split(":")[1] if arn.count(":") >= 1 else ""
    used = sorted(
        {p.arn.split(":")[1] for p in principals.values() if p.arn.lower().startswith("arn:") and p.arn.count(":") >= 5}
    )
    if used and partition not in used:
        raise SettingsError(
            [
                f"principal {show(text)}: partition {show(partition)} is not one the project's principals are in "
                f"(the project uses {', '.join(used)}); expected an ARN of {' or '.join(used)}, e.g. arn:{used[0]}:iam::ACCOUNT:user/NAME"
            ],
            "nothing was evaluated",
        )


def _arn_equal(arn: str, given: str) -> bool:
    """ARNs equal with the resource name's case ignored (IAM names), the rest exact."""
    head, _, tail = arn.rpartition(":")
    given_head, _, given_tail = given.rpartition(":")
    return head == given_head and tail.lower() == given_tail.lower()
