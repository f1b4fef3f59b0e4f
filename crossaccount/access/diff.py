"""What changed between two plans (`make plan FORMAT=json`): the base branch's and this one's.

Three questions a reviewer asks, answered from the plan JSON alone (offline, no secrets):

- **resources**: added, removed, replaced or updated, matched by URN as the engine matches
  them. A change of an input the provider cannot update in place is a replacement (see
  `FORCE_NEW`).
- **access**: for every trust and permission document, the statements that gained or lost
  principals, actions, resources or conditions, each classed as *widens*, *narrows* or
  *other* (a change whose effect on access this code cannot decide, e.g. a new Bool value).
  Attachments, session length and permissions boundaries are access too, and so is what
  comes through a group: a policy attached to a group, a member added to a group that
  carries policies, a role that newly trusts a group (`crossaccount.access.plan_groups`).
- **who**: the same change as the access model answers it, pair by pair: the access table's
  rows of the two plans compared (`crossaccount.access.who_gains`): who may now, or no longer,
  assume which role, and which column of a pair changed.

Documents are compared in canonical form (`crossaccount.access.canonical`): reordering statements or list
elements, a single string for a list of one, action-name case are not changes.

Plain data out (frozen dataclasses whose words are plain text, never Markdown): the review
(`tools.render.plan_diff`) prints them, escaped. Part of the core: imports nothing from `tools/`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from crossaccount.iam import PERMISSION_SET_ROLE_PATTERN_RE
from crossaccount.resource_types import (
    GROUP,
    GROUP_POLICY,
    GROUP_POLICY_ATTACHMENT,
    POLICY,
    ROLE,
    ROLE_POLICY_ATTACHMENT,
    SECRET,
    USER,
    USER_GROUP_MEMBERSHIP,
    USER_POLICY_ATTACHMENT,
)

from .canonical import Statement, statements
from .grants import Grant, access_grants
from .plan_groups import (
    GroupFacts,
    account_ids,
    assumable_roles,
    group_facts,
    policy_documents,
    policy_key,
)
from .who_gains import WhoChange, pairs, who_changes

# Inputs the AWS provider cannot update in place: a change replaces the resource (delete and
# create, a new ARN). From the schemas of terraform-provider-aws, which pulumi-aws wraps
# (internal/service/iam/role.go: name, name_prefix, path ForceNew; policy.go: name,
# name_prefix, path, description ForceNew; the attachments have no Update, every input
# ForceNew). An IAM user's name and path are updated in place (user.go: UpdateUser with
# NewUserName/NewPath), so a user rename is an update, not a replacement. Groups the same
# (group.go: UpdateGroup with NewGroupName/NewPath); group_policy_attachment.go has no Update;
# group_policy.go: name, name_prefix, group ForceNew, policy updated; user_group_membership.go:
# user ForceNew, groups updated (AddUserToGroup / RemoveUserFromGroup).
FORCE_NEW: Mapping[str, tuple[str, ...]] = {
    GROUP: (),
    GROUP_POLICY_ATTACHMENT: ("group", "policyArn"),
    GROUP_POLICY: ("name", "namePrefix", "group"),
    USER_GROUP_MEMBERSHIP: ("user",),
    ROLE: ("name", "namePrefix", "path"),
    POLICY: ("name", "namePrefix", "path", "description"),
    ROLE_POLICY_ATTACHMENT: ("role", "policyArn"),
    USER_POLICY_ATTACHMENT: ("user", "policyArn"),
    USER: (),
}
DOCUMENT_INPUTS = ("assumeRolePolicy", "policy")
ATTACHMENTS = {ROLE_POLICY_ATTACHMENT: "role", USER_POLICY_ATTACHMENT: "user"}
Effect = Literal["widens", "narrows", "other"]
Action = Literal["add", "remove", "forget", "replace", "update"]
"""`forget`: a resource that leaves the plan with `retainOnDelete` (a person's user or login
profile): the engine drops it from the state and makes no AWS call, so it stays in AWS."""

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
    """The document diff: each statement, attachment, membership or role input that changed."""
    who: tuple[WhoChange, ...] = ()
    """The same change by who: the access table's rows of the two plans compared
    (`crossaccount.access.who_gains`), widened first."""

    def of(self, effect: Effect) -> list[AccessChange]:
        return [c for c in self.access if c.effect == effect]

    def pairs(self, effect: Effect) -> int:
        """How many pairs of principal and role gain (`widens`) or lose (`narrows`) access."""
        return pairs(self.who, effect)

    @property
    def only_narrows(self) -> bool:
        effects = [c.effect for c in self.access] + [c.effect for c in self.who]
        return bool(effects) and all(e == "narrows" for e in effects)


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
    # The engine diffs an input in the new plan's ignoreChanges as unchanged: not a change in AWS,
    # and never a replacement (a policy's description, a login profile's passwordResetRequired).
    keys -= set((new.get("options") or {}).get("ignoreChanges") or ())
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
        action: Action = "forget" if (r.get("options") or {}).get("retainOnDelete") else "remove"
        out.append(ResourceChange(action, urn, r["type"], _name(r), r.get("account")))
    for urn in sorted(old.keys() & new.keys()):
        if old[urn] == new[urn]:  # the same resource, compared in C (nearly all of them in a one-line change)
            continue
        changed = _changed_inputs(old[urn], new[urn])
        if not changed:
            continue
        r = new[urn]
        forced = tuple(k for k in changed if k in FORCE_NEW.get(r["type"], ()))
        out.append(ResourceChange("replace" if forced else "update", urn, r["type"], _name(r), r.get("account"), changed, forced))
    order = {"add": 0, "replace": 1, "update": 2, "remove": 3, "forget": 4}
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
    names = [m["permission_set"] for v in values.get("aws:principalarn", ()) if (m := PERMISSION_SET_ROLE_PATTERN_RE.match(v))]
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


# --- groups -----------------------------------------------------------------------------
# A group's policies are every member's: access changes when a policy is attached to or
# detached from a group, when a group that carries policies gains or loses a member, and when a
# role starts or stops trusting a group (crossaccount.access.plan_groups). Compared as sets, not by
# URN, so a renamed resource that leaves the same attachment or membership is no change.


ROLE_ACCOUNT = re.compile(r":iam::(\d{12}):role/")


def _who(members: Iterable[str], empty: str = "no member yet (whoever joins gains it)") -> str:
    names = sorted(members)
    if not names:
        return empty
    return ("member " if len(names) == 1 else "members ") + ", ".join(names)


def _policy_text(arn: str, documents: Mapping[str, str]) -> tuple[str, bool]:
    """A policy as the reviewer needs it: its ARN and, for one the plan creates, the roles it
    lets the holder assume, and the other accounts that makes reachable (cross-account access);
    and whether one of those roles is a wildcard."""
    key = policy_key(arn)
    roles = assumable_roles(documents.get(key))
    if not roles:
        return f"policy {arn}", False
    own = key.split(":", 1)[0]
    others = sorted({m.group(1) for r in roles if (m := ROLE_ACCOUNT.search(r)) and m.group(1) != own})
    reach = f": cross-account access to account {', '.join(others)}" if others else ""
    wild = any(_is_wild(r) for r in roles)
    return f"policy {arn} (allows sts:AssumeRole on {', '.join(roles)}{reach})" + (" (a wildcard)" if wild else ""), wild


def _policies_text(group: GroupFacts, documents: Mapping[str, str]) -> tuple[str, bool]:
    texts = [_policy_text(arn, documents) for arn in sorted(group.policies)]
    texts += [(f"inline policy {name}", False) for name in sorted(group.inline)]
    return ", ".join(t for t, _ in texts), any(w for _, w in texts)


def _one_group_changes(
    a: GroupFacts | None, b: GroupFacts | None, docs_a: Mapping[str, str], docs_b: Mapping[str, str]
) -> list[AccessChange]:
    group = b or a
    assert group is not None
    where = f"group {group.name}"
    out: list[AccessChange] = []
    if a is None or b is None:  # the whole group comes or goes, with its members and policies
        if group.carries_policies and group.members:
            text, wild = _policies_text(group, docs_b if b else docs_a)
            verb = "new group" if b else "group removed"
            reach = "reaches" if b else "no longer reaches"
            out.append(AccessChange("widens" if b else "narrows", where, f"{verb}: {text} {reach} {_who(group.members)}", wild))
    else:
        for arn in sorted(b.policies - a.policies):
            text, wild = _policy_text(arn, docs_b)
            out.append(AccessChange("widens", where, f"{text} attached: reaches {_who(b.members)}", wild))
        for arn in sorted(a.policies - b.policies):
            text, _ = _policy_text(arn, docs_a)
            out.append(AccessChange("narrows", where, f"{text} detached: no longer reaches {_who(a.members)}"))
        for name in sorted(b.inline - a.inline):
            out.append(AccessChange("widens", where, f"inline policy {name} added: reaches {_who(b.members)}"))
        for name in sorted(a.inline - b.inline):
            out.append(AccessChange("narrows", where, f"inline policy {name} removed: no longer reaches {_who(a.members)}"))
        if b.carries_policies:
            text, wild = _policies_text(b, docs_b)
            out += [AccessChange("widens", where, f"user {u} joins: gains {text}", wild) for u in sorted(b.members - a.members)]
        if a.carries_policies:
            text, _ = _policies_text(a, docs_a)
            out += [AccessChange("narrows", where, f"user {u} leaves: loses {text}") for u in sorted(a.members - b.members)]
    before, after = a.roles if a else frozenset(), b.roles if b else frozenset()
    for role in sorted(after - before):
        out.append(
            AccessChange(
                "widens",
                where,
                f"now trusted by role {role} (trustedGroups): "
                + (f"{_who(group.members)} may assume it" if group.members else "whoever joins may assume it"),
            )
        )
    for role in sorted(before - after):
        out.append(AccessChange("narrows", where, f"no longer trusted by role {role} (trustedGroups)"))
    return out


def _group_changes(
    base: Mapping[str, Any], head: Mapping[str, Any], old: Mapping[str, GroupFacts], new: Mapping[str, GroupFacts]
) -> list[AccessChange]:
    if not old and not new:
        return []
    docs_a, docs_b = policy_documents(base), policy_documents(head)
    out: list[AccessChange] = []
    for name in sorted(old.keys() | new.keys()):
        out += _one_group_changes(old.get(name), new.get(name), docs_a, docs_b)
    return out


def _group_labels(plan: Mapping[str, Any], groups: Mapping[str, GroupFacts]) -> dict[str, str]:
    """URN -> the name of a document that reaches people through a group: a managed policy the
    plan creates and attaches to groups, or a group's inline policy, with the members it reaches."""
    if not groups and all(r.get("type") != GROUP_POLICY for r in plan.get("resources", [])):
        return {}  # no group and no group's inline policy: nothing to label (and no account to read)
    accounts = account_ids(plan)
    holders: dict[str, list[GroupFacts]] = {}
    for g in groups.values():
        for arn in sorted(g.policies):
            holders.setdefault(policy_key(arn), []).append(g)
    labels: dict[str, str] = {}
    for r in plan.get("resources", []):
        inputs = r.get("inputs", {})
        if r.get("type") == GROUP_POLICY and isinstance(inputs.get("group"), str):
            facts = groups.get(inputs["group"], GroupFacts(inputs["group"]))
            labels[r["urn"]] = f"inline policy {_name(r)} of group {facts.name} ({_who(facts.members, 'no member yet')})"
        elif r.get("type") == POLICY and r.get("account") in accounts:
            key = f"{accounts[r['account']]}:policy{inputs.get('path') or '/'}{_name(r)}"
            if key in holders:
                attached = "; ".join(f"group {g.name} ({_who(g.members, 'no member yet')})" for g in holders[key])
                labels[r["urn"]] = f"{_document_label(r, 'policy')}, attached to {attached}"
    return labels


PRINCIPAL_CHANGE = re.compile(
    r"^(?:statement \S+|Allow statement) (gains|loses) principal arn:[^:]+:iam::\d{12}:user/(?:.*/)?([^/]+)$"
)


def _through_groups(
    changes: list[AccessChange], old: Mapping[str, GroupFacts], new: Mapping[str, GroupFacts]
) -> list[AccessChange]:
    """A trust policy's new (or lost) user principal that comes with a group the role trusts
    (`trustedGroups` reach the trust policy as the members' ARNs): say which group."""
    out = []
    for c in changes:
        match = PRINCIPAL_CHANGE.match(c.text) if c.where.startswith("trust policy of role ") else None
        if match is not None:
            role = c.where.removeprefix("trust policy of role ")
            groups = new if match.group(1) == "gains" else old
            names = sorted(g.name for g in groups.values() if role in g.roles and match.group(2) in g.members)
            if names:
                out.append(replace(c, text=f"{c.text} (through group {', '.join(names)})"))
                continue
        out.append(c)
    return out


def _holds_secret(r: Mapping[str, Any]) -> bool:
    inputs = r.get("inputs", {})
    return any(inputs.get(key) == SECRET for key in DOCUMENT_INPUTS)


def _access_changes(base: Mapping[str, Any], head: Mapping[str, Any]) -> list[AccessChange]:
    old, new = _by_urn(base), _by_urn(head)
    out: list[AccessChange] = []
    groups_a, groups_b = group_facts(base), group_facts(head)
    labels = {**_group_labels(base, groups_a), **_group_labels(head, groups_b)}  # the head's members where both have it
    # A resource the same in both plans changes nothing, but a document the plan holds as a secret
    # (which cannot be compared: it is said so).
    differ = [u for u in old.keys() | new.keys() if old.get(u) != new.get(u) or _holds_secret(new[u])]
    for urn in sorted(differ, key=lambda u: (_name(new.get(u) or old[u]), u)):
        a, b = old.get(urn), new.get(urn)
        r = b or a
        assert r is not None
        for key in DOCUMENT_INPUTS:
            doc_a = a.get("inputs", {}).get(key) if a else None
            doc_b = b.get("inputs", {}).get(key) if b else None
            if doc_a == doc_b and doc_a != SECRET:
                continue  # the same text has no change (and is not parsed: 4,800 documents at 4,000 x 400)
            label = labels.get(urn) or _document_label(r, key) if key == "policy" else _document_label(r, key)
            if SECRET in (doc_a, doc_b):
                out.append(
                    AccessChange(
                        "other",
                        label,
                        "the plan holds this document as a secret (a `secure:` value in it), so its "
                        "changes cannot be compared offline: read `pulumi preview --diff`",
                    )
                )
            else:
                out += document_changes(label, doc_a, doc_b)
        out += _attachment_changes(urn, a, b)
        if a and b and r["type"] == ROLE:
            out += _role_changes(a, b)
    out = _through_groups(out, groups_a, groups_b) + _group_changes(base, head, groups_a, groups_b)
    return sorted(out, key=lambda c: c.where)  # stable: within one document, the statements' order


def diff_plans(
    base: Mapping[str, Any],
    head: Mapping[str, Any],
    base_rows: Sequence[Grant] | None = None,
    head_rows: Sequence[Grant] | None = None,
) -> PlanDiff:
    """The changes from `base` (the base branch's plan JSON) to `head` (this branch's). The access
    table's rows of either plan (`access_grants`), where the caller has them already, are
    reused; else they are computed here, unless the two plans hold the same resources and outputs
    (what the rows are read from: then no one gains or loses anything, and no row is computed)."""
    same = same_access_inputs(base, head)
    return PlanDiff(
        base_stack=str(base.get("stack")),
        resources=tuple(_resource_changes(base, head)),
        access=tuple(_access_changes(base, head)),
        who=()
        if same
        else who_changes(
            access_grants(base) if base_rows is None else base_rows,
            access_grants(head) if head_rows is None else head_rows,
        ),
    )


def same_access_inputs(base: Mapping[str, Any], head: Mapping[str, Any]) -> bool:
    """Whether two plans hold the same resources and outputs: the access rows of each
    (`access_grants`) are then the same, whatever else differs (the findings)."""
    return base.get("resources") == head.get("resources") and base.get("outputs") == head.get("outputs")
