"""IAM policy documents as sets, so that two versions can be compared by meaning.

A document's JSON can say the same thing many ways: one element as a string or a list of
one, list elements in any order, statements in any order, action names in any case
(`s3:GetObject` and `S3:getobject` are the same action to IAM), condition keys in any case.
`normalise` turns a statement into one canonical form where all of those are equal; the diff
(`crossaccount.access.diff`) compares documents in that form, so reordering is never a change.
Pure: plain data in, plain data out (no Pulumi import).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The fields of a statement that list what it applies to, and how IAM compares their values.
LIST_FIELDS = ("Action", "NotAction", "Resource", "NotResource")
PRINCIPAL_FIELDS = ("Principal", "NotPrincipal")


def _strings(value: Any) -> tuple[str, ...]:
    """A string or a list of strings, as a sorted tuple without duplicates."""
    items = [value] if isinstance(value, str) else (value if isinstance(value, list) else [])
    return tuple(sorted({str(v) for v in items}))


def _actions(value: Any) -> tuple[str, ...]:
    """Actions as written, one per name ignoring case (IAM compares them so), sorted."""
    seen: dict[str, str] = {}
    for a in _strings(value):
        seen.setdefault(a.lower(), a)
    return tuple(seen[k] for k in sorted(seen))


def lower(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.lower() for v in values)


def _principals(value: Any) -> tuple[tuple[str, str], ...]:
    """`"*"` or `{"AWS": ...}`, as sorted (kind, principal) pairs. `"*"` is `("AWS", "*")`:
    IAM treats `"Principal": "*"` and `{"AWS": "*"}` alike."""
    if value == "*":
        return (("AWS", "*"),)
    if not isinstance(value, Mapping):
        return ()
    return tuple(sorted({(str(kind), p) for kind, v in value.items() for p in _strings(v)}))


def _conditions(value: Any) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """`{"Bool": {"aws:MultiFactorAuthPresent": "true"}}` as sorted (operator, key, values),
    the key as written. Condition keys are case-insensitive in IAM (`Statement.content` and the
    diff compare them lowered); operators are not."""
    if not isinstance(value, Mapping):
        return ()
    out = []
    for operator, block in value.items():
        if isinstance(block, Mapping):
            for k, v in block.items():
                items = v if isinstance(v, list) else [v]
                values = tuple(sorted({x if isinstance(x, str) else json.dumps(x) for x in items}))
                out.append((str(operator), str(k), values))
    return tuple(sorted(out, key=lambda c: (c[0], c[1].lower(), c[2])))


@dataclass(frozen=True)
class Statement:
    """One statement in canonical form. `sid` is kept to pair statements, not compared."""

    effect: str
    sid: str | None
    principal: tuple[tuple[str, str], ...] = ()
    not_principal: tuple[tuple[str, str], ...] = ()
    action: tuple[str, ...] = ()
    not_action: tuple[str, ...] = ()
    resource: tuple[str, ...] = ()
    not_resource: tuple[str, ...] = ()
    condition: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    extra: tuple[tuple[str, str], ...] = field(default=())
    """Any element IAM does not define, as (name, JSON), so that a change to it still shows."""

    def content(self) -> tuple[Any, ...]:
        """Everything that decides what the statement grants (not its Sid)."""
        return (
            self.effect,
            self.principal,
            self.not_principal,
            lower(self.action),
            lower(self.not_action),
            self.resource,
            self.not_resource,
            tuple((op, k.lower(), v) for op, k, v in self.condition),
            self.extra,
        )

    def elements(self) -> set[str]:
        """What it names, to pair an old statement with its new version by overlap."""
        return {
            *self.action,
            *self.not_action,
            *self.resource,
            *self.not_resource,
            *(p for _, p in self.principal),
            *(p for _, p in self.not_principal),
        }


KNOWN = {"Sid", "Effect", *LIST_FIELDS, *PRINCIPAL_FIELDS, "Condition"}


def normalise(statement: Mapping[str, Any]) -> Statement:
    return Statement(
        effect=str(statement.get("Effect", "")),
        sid=statement["Sid"] if isinstance(statement.get("Sid"), str) and statement.get("Sid") else None,
        principal=_principals(statement.get("Principal")),
        not_principal=_principals(statement.get("NotPrincipal")),
        action=_actions(statement.get("Action")),
        not_action=_actions(statement.get("NotAction")),
        resource=_strings(statement.get("Resource")),
        not_resource=_strings(statement.get("NotResource")),
        condition=_conditions(statement.get("Condition")),
        extra=tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in statement.items() if k not in KNOWN)),
    )


def statements(document: str | Mapping[str, Any] | None) -> list[Statement]:
    """The statements of a policy document (JSON text or parsed), canonical, in a stable order.
    A document that is not JSON has no statements here (the guardrails report it)."""
    if document is None:
        return []
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError:
            return []
    if not isinstance(document, Mapping):
        return []
    raw = document.get("Statement")
    items = [raw] if isinstance(raw, Mapping) else (raw if isinstance(raw, list) else [])
    return sorted((normalise(s) for s in items if isinstance(s, Mapping)), key=lambda s: repr(s.content()))
