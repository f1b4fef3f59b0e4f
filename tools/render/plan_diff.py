"""What changed between two plans (`make plan FORMAT=json`): the base branch's and this one's.

Two questions a reviewer asks, answered from the plan JSON alone (offline, no secrets):

- **resources**: added, removed, replaced or updated, matched by URN as the engine matches
  them. A change of an input the provider cannot update in place is a replacement (see
  `FORCE_NEW`).
- **access**: for every trust and permission document, the statements that gained or lost
  principals, actions, resources or conditions, each classed as *widens*, *narrows* or
  *other* (a change whose effect on access this code cannot decide, e.g. a new Bool value).
  Attachments, session length and permissions boundaries are access too.

Documents are compared in canonical form (`tools.render.policy_docs`): reordering statements or list
elements, a single string for a list of one, action-name case are not changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .policy_docs import SSO_ROLE_PATTERN, Statement, statements

# Inputs the AWS provider cannot update in place: a change replaces the resource (delete and
# create, a new ARN). From the schemas of terraform-provider-aws, which pulumi-aws wraps
# (internal/service/iam/role.go: name, name_prefix, path ForceNew; policy.go: name,
# name_prefix, path, description ForceNew; the attachments have no Update, every input
# ForceNew). An IAM user's name and path are updated in place (user.go: UpdateUser with
# NewUserName/NewPath), so a user rename is an update, not a replacement.
FORCE_NEW: Mapping[str, tuple[str, ...]] = {
    "aws:iam/role:Role": ("name", "namePrefix", "path"),
    "aws:iam/policy:Policy": ("name", "namePrefix", "path", "description"),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ("role", "policyArn"),
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": ("user", "policyArn"),
    "aws:iam/user:User": (),
}
DOCUMENT_INPUTS = ("assumeRolePolicy", "policy")
SECRET = "[secret]"  # how the plan shows a secret input (tools.offline.mocks)
ATTACHMENTS = {
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "role",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": "user",
}
Effect = Literal["widens", "narrows", "other"]
Action = Literal["add", "remove", "replace", "update"]

# Condition operators whose values are a set of allowed matches (more values: more access),
# and their negations (more values: less access). `...IfExists` is the same operator here.
POSITIVE_SET_OPERATORS = {"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "IpAddress"}
NEGATIVE_SET_OPERATORS = {
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "ArnNotEquals",
    "ArnNotLike",
    "NotIpAddress",
}
NUMERIC_LIMITS = {
    "NumericLessThan": "upper",
    "NumericLessThanEquals": "upper",
    "NumericGreaterThan": "lower",
    "NumericGreaterThanEquals": "lower",
}
MFA_KEYS = {"aws:multifactorauthpresent", "aws:multifactorauthage"}


@dataclass(frozen=True)
class AccessChange:
    effect: Effect
    where: str
    """The document or entity, as a reviewer names it: `trust policy of role s3-list-role`."""
    text: str
    wildcard: bool = False


@dataclass(frozen=True)
class ResourceChange:
    action: Action
    urn: str
    type: str
    name: str
    """The IAM name (the `name` input) or, without one, the Pulumi name."""
    account: str | None
    inputs: tuple[str, ...] = ()
    """The inputs that changed (for update and replace)."""
    replaced_by: tuple[str, ...] = ()
    """The changed inputs that force replacement."""


@dataclass(frozen=True)
class PlanDiff:
    base_stack: str
    resources: tuple[ResourceChange, ...]
    access: tuple[AccessChange, ...]

    def of(self, effect: Effect) -> list[AccessChange]:
        return [c for c in self.access if c.effect == effect]

    @property
    def only_narrows(self) -> bool:
        return bool(self.access) and all(c.effect == "narrows" for c in self.access)


def _by_urn(plan: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {r["urn"]: r for r in plan.get("resources", [])}


def _name(r: Mapping[str, Any]) -> str:
    return str(r.get("inputs", {}).get("name") or r["name"])


def _document_label(r: Mapping[str, Any], key: str) -> str:
    if key == "assumeRolePolicy":
        return f"trust policy of role {_name(r)}"
    side = {"source": "assume-role policy", "target": "permission policy"}.get(str(r.get("account")), "policy")
    return f"{side} {_name(r)}"


def _canonical(key: str, value: Any) -> Any:
    if key in DOCUMENT_INPUTS and isinstance(value, str):
        return [s.content() for s in statements(value)]
    return value


def _changed_inputs(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    keys = set(old.get("inputs", {})) | set(new.get("inputs", {}))
    # Equal values are equal in canonical form too: documents are parsed only where the text differs.
    changed = {
        k
        for k in keys
        if old["inputs"].get(k) != new["inputs"].get(k)
        and _canonical(k, old["inputs"].get(k)) != _canonical(k, new["inputs"].get(k))
    }
    if old.get("options") != new.get("options"):  # resource options (protect, retainOnDelete, ...)
        changed.add("options")
    return tuple(sorted(changed))


def _resource_changes(base: Mapping[str, Any], head: Mapping[str, Any]) -> list[ResourceChange]:
    old, new = _by_urn(base), _by_urn(head)
    out: list[ResourceChange] = []
    for urn in sorted(new.keys() - old.keys()):
        r = new[urn]
        out.append(ResourceChange("add", urn, r["type"], _name(r), r.get("account")))
    for urn in sorted(old.keys() - new.keys()):
        r = old[urn]
        out.append(ResourceChange("remove", urn, r["type"], _name(r), r.get("account")))
    for urn in sorted(old.keys() & new.keys()):
        changed = _changed_inputs(old[urn], new[urn])
        if not changed:
            continue
        r = new[urn]
        forced = tuple(k for k in changed if k in FORCE_NEW.get(r["type"], ()))
        out.append(ResourceChange("replace" if forced else "update", urn, r["type"], _name(r), r.get("account"), changed, forced))
    order = {"add": 0, "replace": 1, "update": 2, "remove": 3}
    return sorted(out, key=lambda c: (order[c.action], c.account or "", c.type, c.name))


# --- statements ------------------------------------------------------------------------


def _describe(s: Statement) -> str:
    parts = [s.effect]
    if s.principal:
        parts.append("principal " + ", ".join(_principal_text(k, p) for k, p in s.principal))
    if s.not_principal:
        parts.append("NotPrincipal " + ", ".join(_principal_text(k, p) for k, p in s.not_principal))
    if s.action:
        parts.append(", ".join(s.action))
    if s.not_action:
        parts.append("NotAction " + ", ".join(s.not_action))
    if s.resource:
        parts.append("on " + ", ".join(s.resource))
    if s.not_resource:
        parts.append("NotResource " + ", ".join(s.not_resource))
    if s.condition:
        parts.append("if " + "; ".join(_condition_text(c) for c in s.condition))
    return " ".join(parts)


def _values_text(values: tuple[str, ...]) -> str:
    return values[0] if len(values) == 1 else "[" + ", ".join(values) + "]"


def _condition_text(c: tuple[str, str, tuple[str, ...]]) -> str:
    operator, key, values = c
    return f"{operator} {key} {_values_text(values)}"


def _principal_text(kind: str, principal: str) -> str:
    return principal if kind == "AWS" else f"{kind} {principal}"


def _is_wild(value: str) -> bool:
    return "*" in value or "?" in value


def _pair(
    old: list[Statement], new: list[Statement]
) -> tuple[list[tuple[Statement, Statement]], list[Statement], list[Statement]]:
    """Pairs of (old, new) versions of one statement; then statements only in old, only in new.
    Statements equal in content are dropped first (that is what makes reordering no change)."""
    old_left = list(old)
    new_left: list[Statement] = []
    for s in new:
        match = next((o for o in old_left if o.content() == s.content()), None)
        if match is None:
            new_left.append(s)
        else:
            old_left.remove(match)
    pairs: list[tuple[Statement, Statement]] = []
    for s in list(new_left):  # same Sid and Effect: the same statement, edited
        match = next((o for o in old_left if s.sid and o.sid == s.sid and o.effect == s.effect), None)
        if match is not None:
            pairs.append((match, s))
            old_left.remove(match)
            new_left.remove(s)
    for s in list(new_left):  # no Sid: the old statement of the same Effect that shares most
        scored = [(len(o.elements() & s.elements()), i) for i, o in enumerate(old_left) if o.effect == s.effect]
        best = max(scored, default=(0, -1))
        if best[0] > 0:
            match = old_left[best[1]]
            pairs.append((match, s))
            old_left.remove(match)
            new_left.remove(s)
    return pairs, old_left, new_left


def _gained_lost(old: Iterable[str], new: Iterable[str], ignore_case: bool = False) -> tuple[list[str], list[str]]:
    old_keys = {v.lower() if ignore_case else v: v for v in old}
    new_keys = {v.lower() if ignore_case else v: v for v in new}
    return [new_keys[k] for k in sorted(new_keys.keys() - old_keys.keys())], [
        old_keys[k] for k in sorted(old_keys.keys() - new_keys.keys())
    ]


def _flip(effect: Effect, deny: bool) -> Effect:
    if not deny or effect == "other":
        return effect
    return "narrows" if effect == "widens" else "widens"


def _principal_texts(principals: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    return tuple(_principal_text(k, p) for k, p in principals)


def _statement_changes(where: str, old: Statement, new: Statement) -> list[AccessChange]:
    deny = new.effect == "Deny"
    label = f"statement {new.sid}" if new.sid else f"{new.effect} statement"
    out: list[AccessChange] = []
    # (field name, old values, new values, case-insensitive, True when more values = more access)
    fields: list[tuple[str, tuple[str, ...], tuple[str, ...], bool, bool]] = [
        ("principal", _principal_texts(old.principal), _principal_texts(new.principal), False, True),
        ("action", old.action, new.action, True, True),
        ("resource", old.resource, new.resource, False, True),
        ("NotPrincipal", _principal_texts(old.not_principal), _principal_texts(new.not_principal), False, False),
        ("NotAction", old.not_action, new.not_action, True, False),
        ("NotResource", old.not_resource, new.not_resource, False, False),
    ]
    for name, before, after, ignore_case, more_is_wider in fields:
        gained, lost = _gained_lost(before, after, ignore_case)
        for value in gained:
            effect: Effect = "widens" if more_is_wider else "narrows"
            wild = _is_wild(value) and more_is_wider and not deny
            text = f"{label} gains {name} {value}" + (" (a wildcard)" if wild else "")
            out.append(AccessChange(_flip(effect, deny), where, text, wild))
        for value in lost:
            effect = "narrows" if more_is_wider else "widens"
            out.append(AccessChange(_flip(effect, deny), where, f"{label} loses {name} {value}"))
    out += _condition_changes(where, label, old, new, deny)
    if old.extra != new.extra:
        out.append(AccessChange("other", where, f"{label} changes elements IAM does not define: {dict(new.extra)}"))
    return out


def _condition_changes(where: str, label: str, old: Statement, new: Statement, deny: bool) -> list[AccessChange]:
    out: list[AccessChange] = []
    # (operator, key lowered) -> (key as written, values): IAM compares condition keys ignoring case.
    before = {(op, k.lower()): (k, v) for op, k, v in old.condition}
    after = {(op, k.lower()): (k, v) for op, k, v in new.condition}
    for op, lowered in sorted(before.keys() - after.keys()):
        k, values = before[(op, lowered)]
        text = f"{label} drops condition {_condition_text((op, k, values))}"
        if lowered in MFA_KEYS and not deny:
            text += ": MFA is no longer required" if lowered == "aws:multifactorauthpresent" else ": the MFA age limit is gone"
        out.append(AccessChange(_flip("widens", deny), where, text))
    for op, lowered in sorted(after.keys() - before.keys()):
        k, values = after[(op, lowered)]
        out.append(AccessChange(_flip("narrows", deny), where, f"{label} adds condition {_condition_text((op, k, values))}"))
    for op, lowered in sorted(before.keys() & after.keys()):
        (k, a), (_, b) = before[(op, lowered)], after[(op, lowered)]
        if a == b:
            continue
        effect = _value_change(op, lowered, a, b)
        text = f"{label} changes condition {op} {k} from {_values_text(a)} to {_values_text(b)}"
        out.append(AccessChange(_flip(effect, deny), where, text))
    return out


def _value_change(operator: str, key: str, old: tuple[str, ...], new: tuple[str, ...]) -> Effect:
    """Whether new values of one condition widen or narrow access, where that is decidable."""
    op = operator.removesuffix("IfExists")
    effect: Effect = "other"
    if op in POSITIVE_SET_OPERATORS or op in NEGATIVE_SET_OPERATORS:
        gained, lost = set(new) - set(old), set(old) - set(new)
        if not (gained and lost):
            wider = bool(gained) if op in POSITIVE_SET_OPERATORS else bool(lost)
            effect = "widens" if wider else "narrows"
    elif op in NUMERIC_LIMITS and len(old) == len(new) == 1:
        try:
            a, b = float(old[0]), float(new[0])
        except ValueError:
            return "other"
        wider = b > a if NUMERIC_LIMITS[op] == "upper" else b < a
        effect = "widens" if wider else "narrows"
    elif op == "Bool" and key == "aws:multifactorauthpresent":
        effect = "widens" if new != ("true",) else "narrows"
    return effect


def _whole_statement(where: str, s: Statement, added: bool) -> AccessChange:
    grants = (s.effect == "Allow") == added
    wild = added and s.effect == "Allow" and any(_is_wild(v) for v in s.elements())
    verb = "new statement" if added else "removed statement"
    text = f"{verb}: {_describe(s)}" + (" (a wildcard)" if wild else "") + _federated_note(s)
    return AccessChange("widens" if grants else "narrows", where, text, wild)


def _federated_note(s: Statement) -> str:
    """Who a permission set's or identity provider's statement lets in, in the reviewer's words:
    ` (permission set DataEngineers)`, ` (SAML provider Okta)`, ` (OIDC provider <url>, sub <subject>)`."""
    values = {k.lower(): v for _, k, v in s.condition}
    names = [m.group(1) for v in values.get("aws:principalarn", ()) if (m := SSO_ROLE_PATTERN.match(v))]
    if names:
        return f" (permission set {', '.join(names)})"
    notes = []
    for kind, principal in s.principal:
        if kind == "Federated" and ":saml-provider/" in principal:
            notes.append(f"SAML provider {principal.rsplit('/', 1)[-1]}")
        elif kind == "Federated" and ":oidc-provider/" in principal:
            url = principal.split(":oidc-provider/", 1)[1]
            subject = ", ".join(values.get(f"{url}:sub".lower(), ("any",)))
            notes.append(f"OIDC provider {url}, sub {subject}")
    return f" ({'; '.join(notes)})" if notes else ""


def document_changes(where: str, old: str | None, new: str | None) -> list[AccessChange]:
    """The access changes between two versions of one document (None: it does not exist)."""
    pairs, removed, added = _pair(statements(old), statements(new))
    out = [_whole_statement(where, s, True) for s in added]
    for before, after in pairs:
        out += _statement_changes(where, before, after)
    out += [_whole_statement(where, s, False) for s in removed]
    return out


# --- entities ---------------------------------------------------------------------------


def _attachment_changes(urn: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> list[AccessChange]:
    r = new or old
    assert r is not None
    kind = ATTACHMENTS.get(r["type"])
    if kind is None:
        return []
    out: list[AccessChange] = []
    before = (old or {}).get("inputs", {})
    after = (new or {}).get("inputs", {})
    if (before.get(kind), before.get("policyArn")) == (after.get(kind), after.get("policyArn")):
        return []
    if after:
        out.append(AccessChange("widens", f"{kind} {after.get(kind)}", f"policy {after.get('policyArn')} attached"))
    if before:
        out.append(AccessChange("narrows", f"{kind} {before.get(kind)}", f"policy {before.get('policyArn')} detached"))
    return out


def _role_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[AccessChange]:
    where = f"role {_name(new)}"
    before, after = old.get("inputs", {}), new.get("inputs", {})
    out: list[AccessChange] = []
    a, b = before.get("maxSessionDuration", 3600), after.get("maxSessionDuration", 3600)
    if a != b:
        effect: Effect = "widens" if b > a else "narrows"
        out.append(AccessChange(effect, where, f"longest session {a} s -> {b} s"))
    pa, pb = before.get("permissionsBoundary"), after.get("permissionsBoundary")
    if pa != pb:
        if pb is None:
            out.append(AccessChange("widens", where, f"permissions boundary {pa} removed"))
        elif pa is None:
            out.append(AccessChange("narrows", where, f"permissions boundary {pb} added"))
        else:
            out.append(AccessChange("other", where, f"permissions boundary {pa} -> {pb}"))
    return out


def _access_changes(base: Mapping[str, Any], head: Mapping[str, Any]) -> list[AccessChange]:
    old, new = _by_urn(base), _by_urn(head)
    out: list[AccessChange] = []
    for urn in sorted(old.keys() | new.keys(), key=lambda u: (_name(new.get(u) or old[u]), u)):
        a, b = old.get(urn), new.get(urn)
        r = b or a
        assert r is not None
        for key in DOCUMENT_INPUTS:
            doc_a = a.get("inputs", {}).get(key) if a else None
            doc_b = b.get("inputs", {}).get(key) if b else None
            if SECRET in (doc_a, doc_b):
                out.append(
                    AccessChange(
                        "other",
                        _document_label(r, key),
                        "the plan holds this document as a secret (a `secure:` value in it), so its "
                        "changes cannot be compared offline: read `pulumi preview --diff`",
                    )
                )
            elif doc_a != doc_b:  # the same text has no change (and is not parsed: 4,800 documents at 4,000 x 400)
                out += document_changes(_document_label(r, key), doc_a, doc_b)
        out += _attachment_changes(urn, a, b)
        if a and b and r["type"] == "aws:iam/role:Role":
            out += _role_changes(a, b)
    return sorted(out, key=lambda c: c.where)  # stable: within one document, the statements' order


def diff_plans(base: Mapping[str, Any], head: Mapping[str, Any]) -> PlanDiff:
    """The changes from `base` (the base branch's plan JSON) to `head` (this branch's)."""
    return PlanDiff(
        base_stack=str(base.get("stack")),
        resources=tuple(_resource_changes(base, head)),
        access=tuple(_access_changes(base, head)),
    )
