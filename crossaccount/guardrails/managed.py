"""AWS managed policies by power: what an attached `arn:aws:iam::aws:policy/...` really grants.

No list of names is kept here. The documents of AWS's managed policies come from
`crossaccount/data/aws-managed-policies.json`, which `python -m tools managed-policies` writes
from AWS's own IAM API (ListPolicies with Scope=AWS, GetPolicyVersion of each default version;
its header says from where and when), and each attached policy's default version is judged by
the same rules as a policy file:

- ADMINISTRATOR_ACCESS (error): it allows every action of every service on `"*"`
  (`AdministratorAccess`, and any other policy that does);
- MANAGED_POLICY_ESCALATION (error): it grants a privilege-escalation method
  (PRIVILEGE_ESCALATION on its document): IAM-write power (`IAMFullAccess`; also
  `AWSLambda_FullAccess`, whose PassRole and lambda:* on `*` make a method, `PowerUserAccess`,
  `AmazonEC2FullAccess`). IAM "Permissions management" alone is not enough: most service
  full-access policies carry `iam:CreateServiceLinkedRole` on `*`, which escalates nothing;
- MANAGED_POLICY_FULL_ACCESS (warning): it allows every action of a service (ACTION_WILDCARD
  on its document: `AmazonS3FullAccess`), or it is an AWS managed policy the copy does not
  have, whose power therefore cannot be judged.

Each attached policy gets one finding, the strongest that applies. The file is the read step's
(`crossaccount.read.managed_policies`, given to the guardrails as `ReferenceData.managed`, see
`given`): a policy is parsed when a rule first asks for it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any, Literal

from ..reference import ManagedPolicy
from .catalogue import CATALOGUE, covered_services, listed, strings
from .escalation import describe_paths, escalations, judge_policy_arns_with
from .given import given
from .model import ERROR, WARNING, Entity, PolicyDocument, entity_rule

AWS_MANAGED_RE = re.compile(r"^arn:aws(-cn|-us-gov)?:iam::aws:policy/(?:[\x21-\x7e]*/)?([\w+=,.@-]+)\Z", re.ASCII)
_ANY = re.compile(r"[*?]*\*[*?]*(:[*?]*\*[*?]*)?")
"""An action pattern that allows every action of every service (`*`, `*:*`, `*:?*`)."""
SOURCE = "crossaccount/data/aws-managed-policies.json"

Power = Literal["admin", "escalation", "full-access", "unknown", "limited"]


def aws_managed_policies() -> Mapping[str, ManagedPolicy]:
    """Policy name -> its record as AWS's IAM API gives it (`Arn`, `Path`, `DefaultVersionId`,
    `UpdateDate`, `Document`: the default version's document), as the read step gave it."""
    return given().managed


def _values(statement: Mapping[str, Any], element: str) -> list[str]:
    return strings(statement, element) or []


def _allows_everything(statement: Mapping[str, Any]) -> bool:
    if statement.get("Effect") != "Allow" or "*" not in _values(statement, "Resource"):
        return False
    return any(_ANY.fullmatch(a) is not None for a in _values(statement, "Action"))


@lru_cache(maxsize=256)
def power(name: str) -> tuple[Power, str]:
    """How much an AWS managed policy grants, and what shows it."""
    record = aws_managed_policies().get(name)
    if record is None:
        return "unknown", f"it is not in {SOURCE}, so what it grants cannot be judged here"
    document = record["Document"]
    doc = PolicyDocument("managed", name, json.dumps(document))
    statements = [s for _, s in doc.statements()]
    if any(_allows_everything(s) for s in statements):
        return "admin", "it allows every action of every service on every resource"
    paths = {p.id: p for found in escalations(doc) for p in found.paths}
    if paths:
        return "escalation", f"it grants the privilege-escalation paths {describe_paths([paths[k] for k in sorted(paths)])}"
    whole = sorted(
        {s for st in statements if st.get("Effect") == "Allow" for a in _values(st, "Action") for s in covered_services(a)}
    )
    if whole:
        return "full-access", f"it allows every action of {listed(whole, 3)}"
    return "limited", ""


def _holder(entity: Entity) -> str:
    """Who holds the policy, as the fix names it: a group's or a user's policy reaches people, not a role."""
    return entity.kind if entity.kind in ("group", "user") else "role"


def _judged(entity: Entity, wanted: Power) -> Iterator[tuple[str, str, str, str]]:
    for where, arn in entity.managed_policy_arns:
        match = AWS_MANAGED_RE.match(arn)
        if match:
            found, why = power(match.group(2))
            if found == wanted:
                yield where, arn, match.group(2), why


@entity_rule(
    "ADMINISTRATOR_ACCESS", ERROR, "an AWS managed policy that allows every action on every resource (`AdministratorAccess`)"
)
def administrator_access(entity: Entity) -> Iterator[tuple[str, str]]:
    for where, arn, _, why in _judged(entity, "admin"):
        yield (
            where,
            f"{arn} grants every action on every resource ({why}, per {SOURCE}); attach a policy with the actions the "
            f"{_holder(entity)} needs (policies/*.json), or waive ADMINISTRATOR_ACCESS for this {_holder(entity)} with the "
            "reason (e.g. break-glass)",
        )


@entity_rule(
    "MANAGED_POLICY_ESCALATION",
    ERROR,
    "an AWS managed policy with IAM-write power: a privilege-escalation method or IAM permissions management on wildcards (`IAMFullAccess`)",
)
def managed_policy_escalation(entity: Entity) -> Iterator[tuple[str, str]]:
    for where, arn, _, why in _judged(entity, "escalation"):
        yield (
            where,
            f"{arn} lets the {_holder(entity)} make itself or others more powerful: {why} (per {SOURCE} and the "
            f"{CATALOGUE}); attach a policy limited to the exact resources the {_holder(entity)} needs, or waive "
            "MANAGED_POLICY_ESCALATION with the reason",
        )


@entity_rule(
    "MANAGED_POLICY_FULL_ACCESS",
    WARNING,
    "an AWS managed policy that allows every action of a service (`AmazonS3FullAccess`), or one whose document is not known",
)
def managed_policy_full_access(entity: Entity) -> Iterator[tuple[str, str]]:
    wanted: Power
    for wanted in ("full-access", "unknown"):
        for where, arn, _, why in _judged(entity, wanted):
            yield (
                where,
                f"{arn}: {why} (per {SOURCE}); prefer a policy file with the actions the {_holder(entity)} needs, "
                "or waive MANAGED_POLICY_FULL_ACCESS with the reason",
            )


_judging: set[str] = set()
"""The AWS managed policies being judged (`is_harmless_policy_arn`): one whose iam:PolicyARN condition
names another being judged is not taken as harmless (no loop)."""


@lru_cache(maxsize=1024)
def is_harmless_policy_arn(policy_arn: str) -> bool:
    """Whether every policy an `iam:PolicyARN` value can name is an AWS managed policy that grants no
    path and no service's every action (`power` is "limited": `ReadOnlyAccess`, `SecurityAudit`). A
    customer managed policy (any other account), or a name crossaccount/data's copy does not have, cannot be judged.
    The value is matched in any case: a policy it might name counts."""
    parts = policy_arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != "iam" or parts[4] != "aws" or "${" in policy_arn:
        return False
    pattern = re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in parts[5]), re.IGNORECASE | re.DOTALL
    )
    named = [n for n, record in aws_managed_policies().items() if pattern.fullmatch(f"policy{record.get('Path', '/')}{n}")]
    if not named or any(n in _judging for n in named):
        return False
    _judging.update(named)
    try:
        return all(power(n)[0] == "limited" for n in named)
    finally:
        _judging.difference_update(named)


judge_policy_arns_with(is_harmless_policy_arn)
