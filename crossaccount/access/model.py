"""The access model (issue 30): every principal, every role and every policy in force, built once
from the plans of every stack of the project, and the answers `can`, `who-can` and the access
invariants read from it.

A path is principal -> sts:AssumeRole* (allowed by the principal's identity policies AND the
role's trust, with the context the trust needs) -> role [-> role, where a role may assume
another: role chaining] -> the role's permissions (its identity policies, limited by its
permissions boundary, and by the organisation's SCPs and RCPs when given). Each step is one
request to `crossaccount.access.evaluate`, AWS's documented evaluation logic, so every answer
carries the statements that decided it.

Where the plan does not hold a document (a customer managed policy of another stack or none, a
trusted role's own policies), the answer says what was taken for it (`Role.unknown`,
`Principal.assumed`). Pure: no I/O; the AWS managed policies' documents are passed in.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Any, Protocol

from crossaccount.errors import key
from crossaccount.guardrails import catalogue
from crossaccount.guardrails.managed import AWS_MANAGED_RE, aws_managed_policies
from crossaccount.iam import OIDC_PROVIDER_ARN_RE, SAML_PROVIDER_ARN_RE
from crossaccount.plan.model import RolePlan, StackPlan
from crossaccount.resource_types import SECRET

from .conditions import normalise_context, substitute
from .evaluate import NEVER_APPLIES, NEVER_APPLIES_IN_TRUST, evaluate
from .principals import Principal
from .types import Caller, Decision, Policy, Request, StatementRef

MFA_KEYS = ("aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge")
WITH_MFA: Mapping[str, tuple[str, ...]] = {
    "aws:MultiFactorAuthPresent": ("true",),
    "aws:MultiFactorAuthAge": ("0",),
    "aws:SecureTransport": ("true",),
}
"""What a person's request normally carries: signed with an MFA session just started, over TLS."""
SELF_SERVICE = f" {key(('selfService',))} (policy "
"""How the self-service policy's source reads (`_people`)."""
CHAIN_DEPTH = 4
"""How many roles one path may go through (role chaining)."""
ASSUME_ACTIONS = ("sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity")
VARIABLE = re.compile(r"\$\{[^}]*\}")
ARN_ACCOUNT = re.compile(r"^arn:[^:]*:[^:]*:[^:]*:(\d{12}):")


class ControlPolicies(Protocol):
    """The organisation's SCPs and RCPs (crossaccount.access.organisation): per level, root first."""

    @property
    def id(self) -> str: ...

    @property
    def accounts(self) -> Mapping[str, str]: ...

    def scps(self, account: str) -> Sequence[Sequence[Policy]]: ...

    def rcps(self, account: str) -> Sequence[Sequence[Policy]]: ...


# --- wildcards ---------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def glob_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """IAM's wildcard match: `*` any run of characters, `?` one."""
    return _glob(pattern, ignore_case).fullmatch(value) is not None


def witness(left: str, right: str, ignore_case: bool = False) -> str | None:
    """The shortest string both wildcard patterns match (None: they share none): a concrete
    action or resource to ask about when a question or a policy names a pattern. A 0-1
    breadth-first search over the pair of positions; `?` and `*` become `x` where they must
    stand for a character."""
    best: dict[tuple[int, int], str] = {(0, 0): ""}
    queue: deque[tuple[int, int]] = deque([(0, 0)])
    done: set[tuple[int, int]] = set()
    while queue:
        state = queue.popleft()
        if state in done:
            continue
        done.add(state)
        i, j = state
        here = best[state]
        if i == len(left) and j == len(right):
            return here
        for nxt, char in _moves(left, right, i, j, ignore_case):
            if nxt in done or (nxt in best and len(best[nxt]) <= len(here) + len(char)):
                continue
            best[nxt] = here + char
            (queue.appendleft if not char else queue.append)(nxt)
    return None


def _moves(left: str, right: str, i: int, j: int, ignore_case: bool) -> list[tuple[tuple[int, int], str]]:
    a = left[i] if i < len(left) else None
    b = right[j] if j < len(right) else None
    moves: list[tuple[tuple[int, int], str]] = []
    if a == "*":
        moves.append(((i + 1, j), ""))
    if b == "*":
        moves.append(((i, j + 1), ""))
    if a is not None and b is not None and a != "*" and b != "*":
        if "?" in (a, b) or a == b or (ignore_case and a.lower() == b.lower()):
            char = b if a == "?" else a
            moves.append(((i + 1, j + 1), "x" if char == "?" else char))
    elif a == "*" and b is not None and b != "*":
        moves.append(((i, j + 1), "x" if b == "?" else b))
    elif b == "*" and a is not None and a != "*":
        moves.append(((i + 1, j), "x" if a == "?" else a))
    return moves


def is_pattern(text: str) -> bool:
    return "*" in text or "?" in text


def account_of(arn: str) -> str | None:
    found = ARN_ACCOUNT.match(arn)
    return found.group(1) if found else None


# --- the model ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    """A role of some stack, with everything in force for a request made with its session."""

    name: str
    arn: str
    account: str
    where: str
    """`Pulumi.<stack>.yaml cross-account-roles:roles.<name>`."""
    trust: Policy
    permissions: tuple[Policy, ...]
    boundary: Policy | None
    unknown: tuple[str, ...]
    """What the plan does not hold and the answers therefore leave out (a managed policy's document)."""
    external_id: str | None
    """The ExternalId its trust requires (`sts:ExternalId`, which the route sends), or None;
    `[secret]` (`SECRET`) where the plan holds it as a secret and the value is not known."""
    require_source_identity: bool
    """Its trust pins `sts:SourceIdentity` to the person's user name (`requireSourceIdentity`)."""
    mfa_max_age_seconds: int | None
    """The largest MFA age its trust accepts (`NumericLessThan aws:MultiFactorAuthAge`), or None."""
    secret: bool
    """The plan holds its trust policy as a secret (`secure:` externalId)."""
    trusted: frozenset[str] | None
    """The lower-case ARNs its trust names exactly; None: it names an account, a path or a tag."""
    federated: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    """Provider ARN (lower case) -> the token's keys the trust pins (SAML:aud, <url>:aud, <url>:sub)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """The role's tags: its sessions' aws:PrincipalTag/KEY."""


@dataclass(frozen=True)
class Step:
    """One request of a path and AWS's decision on it."""

    caller: str
    action: str
    resource: str
    decision: Decision

    def as_dict(self) -> dict[str, Any]:
        return {
            "caller": self.caller,
            "action": self.action,
            "resource": self.resource,
            "decision": "allowed" if self.decision.allowed else "denied",
            "reason": self.decision.reason,
            "because": [statement_dict(s) for s in self.decision.because],
        }


@dataclass(frozen=True)
class PathAnswer:
    """One way a principal reaches the action: through these roles, under these conditions."""

    principal: Principal
    through: tuple[str, ...]
    """Role ARNs in the order they are assumed."""
    allowed: bool
    steps: tuple[Step, ...]
    conditions: tuple[str, ...] = ()
    without_mfa: bool | None = None
    """Whether it also holds without MFA (None: the context given pins MFA)."""
    notes: tuple[str, ...] = ()

    @property
    def because(self) -> tuple[StatementRef, ...]:
        """The allowing statements of every step, or the deciding ones of the step that denied."""
        if self.allowed:
            return tuple(s for step in self.steps for s in step.decision.because)
        return self.steps[-1].decision.because if self.steps else ()

    @property
    def reason(self) -> str:
        return "allowed" if self.allowed else (self.steps[-1].decision.reason if self.steps else "no path")

    def as_dict(self) -> dict[str, Any]:
        return {
            "principal": self.principal.label,
            "principalArn": self.principal.arn,
            "through": list(self.through),
            "decision": "allowed" if self.allowed else "denied",
            "withoutMfa": None if self.without_mfa is None else ("allowed" if self.without_mfa else "denied"),
            "conditions": list(self.conditions),
            "reason": self.reason,
            "because": [statement_dict(s) for s in self.because],
            "steps": [s.as_dict() for s in self.steps],
            "notes": list(self.notes),
        }


def statement_dict(ref: StatementRef) -> dict[str, Any]:
    return {"source": ref.source, "kind": ref.kind, "statement": ref.index, "sid": ref.sid, "effect": ref.effect}


def statement_text(ref: StatementRef) -> str:
    sid = f" ({ref.sid})" if ref.sid else ""
    return f"{ref.effect} {ref.source} Statement[{ref.index}]{sid}"


@dataclass(frozen=True)
class AccessModel:
    """Every principal and role of the project: built once, asked many times."""

    principals: Mapping[str, Principal]
    """Key: `<kind>:<lower-case ARN>`."""
    roles: Mapping[str, Role]
    """Key: the role's lower-case ARN."""
    by_trusted: Mapping[str, tuple[str, ...]]
    """Lower-case principal ARN -> the roles whose trust names it exactly."""
    open_roles: tuple[str, ...]
    """Roles whose trust names an account, a path or a tag (any caller there may match)."""
    notes: tuple[str, ...] = ()

    def role(self, arn: str) -> Role | None:
        return self.roles.get(arn.lower())

    @cached_property
    def mfa_sensitive(self) -> bool:
        """Whether some policy could allow a request without MFA that it does not allow with MFA
        (`_helps_without_mfa`): only then is every question also asked without MFA."""
        policies: list[Policy] = []
        for r in self.roles.values():
            policies += [*r.permissions, r.trust, *([r.boundary] if r.boundary else [])]
        for p in self.principals.values():
            policies += [*p.identity, *([p.boundary] if p.boundary else [])]
        return any(_helps_without_mfa(s) for policy in policies for s in _statements(policy))


def _file(stack: str) -> str:
    return f"Pulumi.{stack}.yaml"


def _document(text: str) -> Mapping[str, Any]:
    document: Mapping[str, Any] = json.loads(text)
    return document


def _trusted(document: Mapping[str, Any]) -> frozenset[str] | None:
    """The exact principal ARNs a trust policy's Allow statements name, or None when any names
    an account root, a wildcard or carries NotPrincipal."""
    found: set[str] = set()
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if "NotPrincipal" in statement or not isinstance(principal, Mapping):
            return None
        for kind, values in principal.items():
            for value in values if isinstance(values, list) else [values]:
                if not isinstance(value, str) or (kind == "AWS" and (value.endswith(":root") or is_pattern(value))):
                    return None
                if kind != "Service":
                    found.add(value.lower())
    return frozenset(found)


ManagedLookup = Callable[[str], "Mapping[str, Any] | None"]
"""An AWS managed policy's ARN -> its default version's document (None: not in the copy)."""


def build_model(plans: Mapping[str, StackPlan], managed: ManagedLookup | None = None) -> AccessModel:
    """The model of the project whose stacks planned to `plans` (stack -> plan)."""
    managed = managed or aws_managed_document
    created = {p.arn.lower(): (stack, p) for stack, plan in plans.items() for r in plan.roles for p in r.policies}
    roles: dict[str, Role] = {}
    for stack in sorted(plans):
        for role in plans[stack].roles:
            roles[role.arn.lower()] = _role(stack, plans[stack], role, created, managed)
    principals = _people(plans, managed)
    _add_trusted(principals, plans, roles)
    return assemble(roles, principals)


def assemble(roles: Mapping[str, Role], principals: Mapping[str, Principal]) -> AccessModel:
    """The model of these roles (by lower-case ARN) and principals (by `<kind>:<lower-case ARN>`),
    whichever builder read them (`build_model` from the stacks' plans,
    `crossaccount.access.from_plan` from their plan JSON)."""
    by_trusted: dict[str, list[str]] = {}
    for arn, model_role in sorted(roles.items()):
        for name in sorted(model_role.trusted or ()):
            by_trusted.setdefault(name, []).append(arn)
    return AccessModel(
        principals=dict(sorted(principals.items())),
        roles=dict(sorted(roles.items())),
        by_trusted={k: tuple(v) for k, v in sorted(by_trusted.items())},
        open_roles=tuple(a for a, r in sorted(roles.items()) if r.trusted is None),
    )


def _managed(arn: str, managed: ManagedLookup, created: Mapping[str, tuple[str, Any]], kind: str) -> Policy | str:
    """The policy `arn` names, by its document, or what is not known about it."""
    if arn.lower() in created:
        _, policy = created[arn.lower()]
        return Policy(_document(policy.document), f"policies/{policy.file_name}", kind)  # type: ignore[arg-type]
    document = managed(arn)
    if document is not None:
        return Policy(document, arn, kind)  # type: ignore[arg-type]
    return f"{arn}: its document is not in the plan (a policy no stack of the project creates), so it is left out"


def by_source(policies: Iterable[Policy]) -> tuple[Policy, ...]:
    """Policies attached by ARN in one order whatever the order of the settings (which a plan JSON
    does not keep: its resources are in URN order): the files of policies/ by name, then the
    others by ARN."""
    return tuple(sorted(policies, key=lambda p: (not p.source.startswith("policies/"), p.source)))


def _role(stack: str, plan: StackPlan, role: RolePlan, created: Mapping[str, Any], managed: ManagedLookup) -> Role:
    where = f"{_file(stack)} {key(('roles', role.name))}"
    permissions = [Policy(_document(p.document), f"policies/{p.file_name}", "identity") for p in role.policies]
    unknown: list[str] = []
    for arn in role.managed_policy_arns:
        found = _managed(arn, managed, created, "identity")
        permissions.append(found) if isinstance(found, Policy) else unknown.append(found)
    permissions, unknown = list(by_source(permissions)), sorted(unknown)
    boundary = None
    if role.permissions_boundary:
        found = _managed(role.permissions_boundary, managed, created, "boundary")
        if isinstance(found, Policy):
            boundary = found
        else:
            unknown.append(f"permissions boundary {found}: answers are as if it allowed everything")
    trust = _document(role.trust_document)
    settings = plan.settings.roles[role.name]
    federated = {f.provider_arn.lower(): token_keys(f.kind, f.provider_arn, f.audiences, f.subject) for f in role.federated}
    return Role(
        name=role.name,
        arn=role.arn,
        account=plan.settings.target.account_id,
        where=where,
        trust=Policy(trust, f"{where} (trust policy)", "resource"),
        permissions=tuple(permissions),
        boundary=boundary,
        unknown=tuple(unknown),
        external_id=settings.external_id,
        require_source_identity=settings.require_source_identity,
        mfa_max_age_seconds=settings.mfa_max_age_seconds,
        secret=role.secret,
        trusted=_trusted(trust),
        federated=federated,
        tags=dict(role.tags),
    )


def token_keys(kind: str, provider_arn: str, audiences: Sequence[str], subject: str | None) -> dict[str, tuple[str, ...]]:
    """The keys a provider's token carries for a role that pins them (`Role.federated`): a SAML
    assertion's `SAML:aud` (the first audience the trust accepts), an OIDC token's `<url>:aud`
    and `<url>:sub`."""
    if kind == "saml":
        return {"SAML:aud": tuple(audiences[:1])}
    url = provider_arn.split(":oidc-provider/", 1)[-1]
    return {f"{url}:aud": tuple(audiences[:1]), f"{url}:sub": (subject or "",)}


UserEntry = tuple[str, str, str, Mapping[str, str], tuple[str, ...]]
"""A user as the model keeps it while reading: (name, ARN, where it is declared, tags, the stacks that create it)."""
GroupEntry = tuple[str, str, list[str], list[Policy], list[str], str]
"""A group while reading: (name, where, members' names, identity policies, what is not known, ARN)."""


def _people(plans: Mapping[str, StackPlan], managed: ManagedLookup) -> dict[str, Principal]:
    """Every user of every stack, with the identity policies each stack attaches to it (its own,
    the self-service policy and its groups'), merged by ARN with the name's case ignored."""
    policies: dict[str, list[Policy]] = {}
    first: dict[str, UserEntry] = {}
    group_members: dict[str, GroupEntry] = {}
    for stack in sorted(plans):
        plan = plans[stack]
        groups = {g.name: g for g in plan.groups}
        for g in plan.groups:
            where = f"{_file(stack)} {key(('groups', g.name))}"
            docs = [Policy(_document(a.document), f"{where} (policy {a.name})", "identity") for a in g.assume_policies]
            notes: list[str] = []
            attached_docs: list[Policy] = []
            for arn in g.managed_policy_arns:
                attached = _managed(arn, managed, {}, "identity")
                attached_docs.append(attached) if isinstance(attached, Policy) else notes.append(attached)
            docs += by_source(attached_docs)
            notes.sort()
            group_members[g.arn.lower()] = (g.name, where, list(g.members), docs, notes, g.arn)
        for u in plan.users:
            arn = u.arn.lower()
            mine = policies.setdefault(arn, [])
            where = f"{_file(stack)} {key(('users', u.name))}"
            mine += [Policy(_document(a.document), f"{where} (policy {a.name})", "identity") for a in u.assume_policies]
            if u.self_service and plan.self_service is not None:
                ss = plan.self_service
                mine.append(self_service_policy(stack, ss.name, _document(ss.document)))
            for group_name in u.groups:
                group = groups.get(group_name)
                if group is not None:
                    mine += group_members[group.arn.lower()][3]
            if arn not in first or (u.create and not first[arn][4]):
                # Only the stack that creates the user tags it (a stack's tags are not on a user
                # it references: create: false); its tags are then unknown, so none.
                first[arn] = (u.name, u.arn, where, u.tags if u.create else {}, (stack,) if u.create else ())
    return people_principals(first, policies, group_members)


def self_service_policy(stack: str, name: str, document: Mapping[str, Any]) -> Policy:
    """The self-service policy of `stack`, as its source names it (`SELF_SERVICE`)."""
    return Policy(document, f"{_file(stack)} {key(('selfService',))} (policy {name})", "identity")


def people_principals(
    first: Mapping[str, UserEntry],
    policies: Mapping[str, Sequence[Policy]],
    group_members: Mapping[str, GroupEntry],
    notes: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Principal]:
    """The users (lower-case ARN -> `UserEntry`, with their identity policies in `policies` and
    what is not known of them in `notes`) and the groups (lower-case ARN -> `GroupEntry`) as principals."""
    found: dict[str, Principal] = {}
    for arn, (name, user_arn, where, tags, _) in first.items():
        account = account_of(user_arn) or ""
        member_of = tuple(sorted(entry[0] for entry in group_members.values() if name.lower() in {m.lower() for m in entry[2]}))
        context = user_keys(user_arn, account, name, tags)
        found[f"user:{arn}"] = Principal(
            kind="user",
            name=name,
            arn=user_arn,
            account=account,
            caller=Caller("AWS", user_arn, None, account),
            assume_action="sts:AssumeRole",
            identity=_unique(policies.get(arn, ())),
            context=context,
            where=where,
            assumed="; ".join((notes or {}).get(arn, ())),
            groups=member_of,
        )
    for g_arn, (name, where, members, docs, unknown, written) in sorted(group_members.items()):
        account = account_of(g_arn) or ""
        found[f"group:{g_arn}"] = Principal(
            kind="group",
            name=name,
            arn=written,
            account=account,
            caller=Caller("AWS", g_arn, None, account),
            assume_action="sts:AssumeRole",
            identity=tuple(docs),
            where=where,
            assumed="; ".join(unknown),
            members=tuple(sorted(members)),
        )
    return found


def _unique(policies: Iterable[Policy]) -> tuple[Policy, ...]:
    seen: dict[str, Policy] = {}
    for p in policies:
        seen.setdefault(p.source, p)
    return tuple(seen.values())


def _add_trusted(principals: dict[str, Principal], plans: Mapping[str, StackPlan], roles: Mapping[str, Role]) -> None:
    """The roles of the plan (as principals of their own), the roles outside it that trust names
    (`trustedRoles`), permission sets and SAML/OIDC providers."""
    principals.update(role_principals(roles))
    outside: dict[str, list[str]] = {}
    sets: dict[str, tuple[str, str, list[Policy]]] = {}
    for stack in sorted(plans):
        plan = plans[stack]
        for r in plan.roles:
            settings = plan.settings.roles[r.name]
            for trusted in settings.trusted_roles:
                if trusted.lower() not in roles:
                    outside.setdefault(trusted, []).append(r.arn)
            for p in r.permission_sets:
                entry = sets.setdefault(p.permission_set.lower(), (p.permission_set, p.principal_arn_pattern, []))
                entry[2].append(permission_set_policy(stack, r.name, p.permission_set, _document(p.inline_policy)))
            for f in r.federated:
                add_provider(principals, f.kind, f.provider_arn, f"{_file(stack)} {key(('roles', r.name))}")
    add_outside(principals, outside, sets)


def role_principals(roles: Mapping[str, Role]) -> dict[str, Principal]:
    """Each role of the plan as a principal of its own (`role:<lower-case ARN>`): its permissions."""
    return {
        f"role:{arn}": Principal(
            kind="role",
            name=role.name,
            arn=role.arn,
            account=role.account,
            caller=Caller("AWS", role.arn, _session(role.arn, role.name), role.account),
            assume_action="sts:AssumeRole",
            identity=role.permissions,
            boundary=role.boundary,
            context=_role_keys(role.arn, role.account, role.tags),
            where=role.where,
            role_arn=role.arn,
        )
        for arn, role in roles.items()
    }


def permission_set_policy(stack: str, role: str, permission_set: str, document: Mapping[str, Any]) -> Policy:
    """The inline policy a permission set needs for a role of `stack`, as its source names it."""
    where = f"{_file(stack)} {key(('roles', role, 'trustedPermissionSets'))}"
    return Policy(document, f"{where} (the inline policy of permission set {permission_set})", "identity")


def add_outside(
    principals: dict[str, Principal],
    outside: Mapping[str, Sequence[str]],
    sets: Mapping[str, tuple[str, str, Sequence[Policy]]],
) -> None:
    """The roles outside the plan that trusts name (role ARN as written -> the ARNs of the roles
    that trust it) and the permission sets (lower-case name -> name, role pattern, inline policies)."""
    for arn, assumable in sorted(outside.items()):
        account = account_of(arn) or ""
        name = arn.rsplit("/", 1)[-1]
        document = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": sorted(assumable)}],
        }
        principals[f"role:{arn.lower()}"] = Principal(
            kind="role",
            name=arn,
            arn=arn,
            account=account,
            caller=Caller("AWS", arn, _session(arn, name), account),
            assume_action="sts:AssumeRole",
            identity=(
                Policy(
                    document,
                    f"{arn} (its own policies, not in the plan: taken to allow sts:AssumeRole on the roles that trust it)",
                    "identity",
                ),
            ),
            context=_role_keys(arn, account),
            where="trustedRoles",
            assumed=f"{arn} is not a role of the project: its own policies are taken to allow sts:AssumeRole on the roles that trust it",
        )
    for lower, (name, pattern, inline) in sorted(sets.items()):
        arn = pattern.replace("?", "0")
        account = account_of(arn) or ""
        principals[f"permission-set:{lower}"] = Principal(
            kind="permission-set",
            name=name,
            arn=arn,
            account=account,
            caller=Caller("AWS", arn, _session(arn, "person"), account),
            assume_action="sts:AssumeRole",
            identity=_unique(inline),
            context=_role_keys(arn, account),
            where="trustedPermissionSets",
            assumed=f"permission set {name}: its role is {pattern} (the suffix as zeros), and it is taken to carry the inline policy the plan asks for",
        )


def add_provider(principals: dict[str, Principal], kind: str, arn: str, where: str) -> None:
    pattern = SAML_PROVIDER_ARN_RE if kind == "saml" else OIDC_PROVIDER_ARN_RE
    found = pattern.match(arn)
    account = found.group("account") if found else (account_of(arn) or "")
    principals.setdefault(
        f"{kind}:{arn.lower()}",
        Principal(
            kind="saml" if kind == "saml" else "oidc",
            name=arn,
            arn=arn,
            account=account,
            caller=Caller("Federated", arn, None, account),
            assume_action="sts:AssumeRoleWithSAML" if kind == "saml" else "sts:AssumeRoleWithWebIdentity",
            where=where,
            assumed="a federated sign-in: no identity policy of its own; the token is taken to carry what the trust pins",
        ),
    )


def _session(arn: str, name: str) -> str:
    account = account_of(arn) or ""
    partition = arn.split(":", 2)[1] if arn.count(":") >= 2 else "aws"
    return f"arn:{partition}:sts::{account}:assumed-role/{name.rsplit('/', 1)[-1]}/session"


def user_keys(arn: str, account: str, name: str, tags: Mapping[str, str] | None = None) -> dict[str, tuple[str, ...]]:
    """The keys an IAM user's request carries (its ARN, account, type, user name and tags)."""
    return {
        "aws:PrincipalArn": (arn,),
        "aws:PrincipalAccount": (account,),
        "aws:PrincipalType": ("User",),
        "aws:username": (name,),
        **{f"aws:PrincipalTag/{k}": (v,) for k, v in sorted((tags or {}).items())},
    }


def _role_keys(arn: str, account: str, tags: Mapping[str, str] | None = None) -> dict[str, tuple[str, ...]]:
    """The keys a session of the role carries: a role session's aws:PrincipalTag/KEY are the
    role's tags (session tags are not modelled): IAM User Guide, "AWS global condition context
    keys", aws:PrincipalTag, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltag"""
    return {
        "aws:PrincipalArn": (arn,),
        "aws:PrincipalAccount": (account,),
        "aws:PrincipalType": ("AssumedRole",),
        **{f"aws:PrincipalTag/{k}": (v,) for k, v in sorted((tags or {}).items())},
    }


# --- the questions -----------------------------------------------------------------------------

Context = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Question:
    """An action on a resource (either may be a wildcard pattern: then "any action or resource
    it matches"), in the context the person gives (`--context`), with the organisation's
    policies or without them."""

    action: str
    resource: str
    context: Context = field(default_factory=dict)
    organisation: ControlPolicies | None = None
    mfa: bool = True
    """False: asked without MFA (no MFA key at all, as a request signed with long-term keys)."""

    @property
    def pins_mfa(self) -> bool:
        return not self.mfa or any(k.lower() == MFA_KEYS[0].lower() for k in self.context)


@dataclass(frozen=True)
class Answer:
    """`can`'s answer for one principal: every path it has, allowed or denied (`shown` picks
    those an answer shows)."""

    principal: Principal
    question: Question
    allowed: bool
    paths: tuple[PathAnswer, ...]
    notes: tuple[str, ...] = ()
    unsure: Mapping[str, str] = field(default_factory=dict)
    """Role or person ARN -> why its "denied" may not hold (`Asker.unsure`)."""

    @property
    def through(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for p in self.paths:
            if p.allowed:
                seen.update(dict.fromkeys(p.through))
        return tuple(seen)

    @property
    def because(self) -> tuple[StatementRef, ...]:
        seen: dict[StatementRef, None] = {}
        for p in self.paths:
            if p.allowed == self.allowed:
                seen.update(dict.fromkeys(p.because))
        return tuple(seen)


def base_context(mfa: bool) -> dict[str, tuple[str, ...]]:
    """What a request carries before the principal's keys and `--context`: `WITH_MFA`, or without its MFA keys."""
    return dict(WITH_MFA) if mfa else {k: v for k, v in WITH_MFA.items() if k not in MFA_KEYS}


def question_context(question: Question) -> dict[str, tuple[str, ...]]:
    """The context the answer is for (the MFA side): the base, then the person's `--context`."""
    return merge_context(base_context(not question.pins_mfa), question.context)


def merge_context(*layers: Context) -> dict[str, tuple[str, ...]]:
    """Later layers win; keys compared ignoring case, as AWS compares condition key names."""
    merged: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for layer in layers:
        for name, values in layer.items():
            merged[name.lower()] = (name, name, values)
    return {name: values for name, _, values in merged.values()}


class Asker:
    """One question asked of the model: caches each step's decision, so asking it for every
    principal evaluates each role's permissions once."""

    def __init__(self, model: AccessModel, question: Question):
        self.model = model
        self.question = question
        self._permission: dict[tuple[str, bool], Step] = {}
        self._edges: dict[str, tuple[str, ...]] = {}
        self._identity_deny: dict[str, bool] = {}
        self._idle_policies: dict[tuple[str, bool], frozenset[int]] = {}
        self.unsure: dict[str, str] = {}
        """Principal or role ARN -> why its "denied" may not hold: a pattern question whose pairs
        the cap cut, all denied (`capped_note`), or a request denied only by a conditional Deny
        that another context would not meet (`conditional_note`)."""
        self._trusts: dict[str, tuple[Policy, list[frozenset[str] | None]]] = {}
        self._last_pair: tuple[tuple[str, str, str], tuple[Policy, ...], Policy, Policy, tuple[Policy, ...]] | None = None

    # context -------------------------------------------------------------------------------
    def base(self, mfa: bool) -> dict[str, tuple[str, ...]]:
        return base_context(mfa and not self.question.pins_mfa)

    def session_base(self, caller: Caller, mfa: bool) -> dict[str, tuple[str, ...]]:
        """`base` for a request `caller` makes; a role session's request made without MFA carries
        aws:MultiFactorAuthPresent "false", where a person's long-term keys carry no MFA key:
        IAM User Guide, "AWS global condition context keys", aws:MultiFactorAuthPresent
        (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent):
        "This key is included in the request context only when the principal uses temporary
        credentials to make the request. The key is not present in AWS CLI, AWS API, or AWS SDK
        requests that are made using long-term credentials"; "Temporary credentials are used to
        authenticate IAM roles"; the key tells "whether multi-factor authentication (MFA) was used
        to validate the temporary security credentials that made the request" (not used: false).
        aws:MultiFactorAuthAge stays absent ("If MFA was not used, this key is not present")."""
        base = self.base(mfa)
        if caller.kind == "AWS" and caller.session_arn is not None and MFA_KEYS[0] not in base:
            base[MFA_KEYS[0]] = ("false",)
        return base

    def _route(self, principal: Principal, role: Role) -> dict[str, tuple[str, ...]]:
        route: dict[str, tuple[str, ...]] = {}
        if role.external_id is not None:
            route["sts:ExternalId"] = (role.external_id,)
        if role.require_source_identity and principal.kind == "user":
            route["sts:SourceIdentity"] = (principal.name,)
        route.update(role.federated.get(principal.arn.lower(), {}))
        return route

    def _org(self, account: str) -> dict[str, tuple[str, ...]]:
        """aws:PrincipalOrgID of a principal of an account of the organisation given (RCPs read it)."""
        organisation = self.question.organisation
        return {"aws:PrincipalOrgID": (organisation.id,)} if organisation is not None and account in organisation.accounts else {}

    def _scps(self, account: str) -> Sequence[Sequence[Policy]]:
        organisation = self.question.organisation
        return organisation.scps(account) if organisation is not None else ()

    def _rcps(self, account: str | None) -> Sequence[Sequence[Policy]]:
        organisation = self.question.organisation
        return organisation.rcps(account) if organisation is not None and account else ()

    # steps ---------------------------------------------------------------------------------
    def assume(self, principal: Principal, role: Role, mfa: bool) -> Step:
        """The principal (a person, or a role's session when chaining) asks STS for `role`."""
        context = merge_context(
            self.session_base(principal.caller, mfa),
            self._org(principal.account),
            principal.context,
            self._route(principal, role),
            self.question.context,
        )
        request = Request(principal.caller, principal.assume_action, role.arn, role.account, context)
        idle = self._idle(principal, mfa)
        narrowed, trust = self._pair(principal, role)
        identity = tuple(n for p, n in zip(principal.identity, narrowed, strict=True) if id(p) not in idle)
        if principal.caller.kind == "Federated":
            identity = ()
        decision = evaluate(
            request,
            identity=identity,
            resource=(trust,),
            boundary=principal.boundary,
            scps=self._scps(principal.account) if principal.caller.kind != "Federated" else (),
            rcps=self._rcps(role.account),
        )
        return Step(principal.label, principal.assume_action, role.arn, decision)

    def trust_asks_mfa(self, principal: Principal, role: Role) -> bool:
        """Whether the role's trust, as it applies to the principal, can allow it only with MFA:
        one statement can apply to the principal (`_narrowed_trust`), an Allow whose `Bool`
        condition asks `aws:MultiFactorAuthPresent` to be `true`. A request without MFA then
        carries no such key (or `false`, a role session's), the Bool test fails on it (a missing
        key fails every operator but IfExists and Null: reference_policies_elements_condition_operators.html),
        so the trust, which must allow every AssumeRole, does not: denied without asking."""
        trust = self._pair(principal, role)[1]
        live = [s for s in _statements(trust) if s is not TRUST_PLACEHOLDER]
        if len(live) != 1 or live[0].get("Effect") != "Allow":
            return False
        condition = live[0].get("Condition")
        tests = condition.get("Bool") if isinstance(condition, Mapping) else None
        if not isinstance(tests, Mapping):
            return False
        values = [v for k, v in tests.items() if k.lower() == MFA_KEYS[0].lower()]
        return len(values) == 1 and values[0] in ("true", ["true"])

    def _pair(self, principal: Principal, role: Role) -> tuple[tuple[Policy, ...], Policy]:
        """The principal's identity policies narrowed to the role, and the role's trust narrowed
        to the principal: kept for the last pair asked, which is asked again without MFA (the
        same objects then, so the evaluator reads their statements once)."""
        key = (principal.arn, principal.assume_action, role.arn)
        last = self._last_pair
        if last is None or last[0] != key or last[3] is not role.trust or last[4] is not principal.identity:
            narrowed = tuple(_narrowed(p, principal.assume_action, role.arn) for p in principal.identity)
            last = self._last_pair = (key, narrowed, self._trust_for(role, principal.caller), role.trust, principal.identity)
        return last[1], last[2]

    def _trust_for(self, role: Role, caller: Caller) -> Policy:
        """The role's trust as it applies to `caller` (`_narrowed_trust`), its statements indexed once."""
        hit = self._trusts.get(role.arn)
        if hit is None or hit[0] is not role.trust:  # a stand-in role may share a real one's ARN
            hit = self._trusts[role.arn] = (role.trust, _trust_index(role.trust))
        return _narrowed_trust(role.trust, hit[1], caller)

    def permission(self, role: Role, mfa: bool) -> Step:
        """The role's session asks for the question's action on its resource (a pattern: the
        first pair of the candidates that is allowed, else the last denied)."""
        cached = self._permission.get((role.arn, mfa))
        if cached is not None:
            return cached
        caller = Caller("AWS", role.arn, _session(role.arn, role.name), role.account)
        context = merge_context(
            self.session_base(caller, mfa),
            self._org(role.account),
            _role_keys(role.arn, role.account, role.tags),
            self.question.context,
        )
        step: Step | None = None
        pairs, cut = capped_candidates(
            role.permissions, role.boundary, self.question.action, self.question.resource, context, self._scps(role.account)
        )
        for action, resource in pairs:
            account = account_of(resource) or role.account
            elsewhere = _other_partition(role.arn, resource)
            if elsewhere is not None:
                step = Step(f"role:{role.name}", action, resource, Decision(False, elsewhere, ()))
                continue
            request = Request(caller, action, resource, account, context)
            decision = evaluate(
                request,
                identity=role.permissions,
                boundary=role.boundary,
                scps=self._scps(role.account),
                rcps=self._rcps(account),
            )
            step = Step(f"role:{role.name}", action, resource, decision)
            if decision.allowed:
                break
            if role.arn not in self.unsure:
                note = conditional_note(
                    f"role:{role.name}",
                    request,
                    decision,
                    identity=role.permissions,
                    boundary=role.boundary,
                    scps=self._scps(role.account),
                    rcps=self._rcps(account),
                )
                if note is not None:
                    self.unsure[role.arn] = note
        if step is None:
            reason = f"no Allow statement of the role's policies names an action matching {self.question.action} on a resource matching {self.question.resource}"
            step = Step(f"role:{role.name}", self.question.action, self.question.resource, Decision(False, reason, ()))
        if cut and not step.decision.allowed and role.arn not in self.unsure:
            self.unsure[role.arn] = capped_note(role.name, self.question.action, self.question.resource)
        self._permission[(role.arn, mfa)] = step
        return step

    def direct(self, principal: Principal, mfa: bool) -> Step | None:
        """A person asks for the question's action with their own credentials, no role in between:
        their identity policies (their own, the self-service policy, their groups' and the
        groups' managed policies) in their own account, where an identity policy alone allows
        ("Policy evaluation logic", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html);
        a resource of another account is denied, as without a resource policy. What the
        self-service policy alone allows (a person's own password, keys and MFA device, which
        every person has, docs/people.md) is not counted. None when no Allow statement of
        theirs covers the question."""
        context = merge_context(self.base(mfa), self._org(principal.account), principal.context, self.question.context)
        step: Step | None = None
        pairs, cut = capped_candidates(
            principal.identity,
            principal.boundary,
            self.question.action,
            self.question.resource,
            context,
            self._scps(principal.account),
        )
        for action, resource in pairs:
            account = account_of(resource) or principal.account
            elsewhere = _other_partition(principal.arn, resource)
            if elsewhere is not None:
                step = Step(principal.label, action, resource, Decision(False, elsewhere, ()))
                continue
            request = Request(principal.caller, action, resource, account, context)
            decision = evaluate(
                request,
                identity=principal.identity,
                boundary=principal.boundary,
                scps=self._scps(principal.account),
                rcps=self._rcps(account),
            )
            if decision.allowed and all(SELF_SERVICE in ref.source for ref in decision.because if ref.effect == "Allow"):
                decision = Decision(
                    False, "only the self-service policy allows it: every person's own credentials, not counted", ()
                )
            step = Step(principal.label, action, resource, decision)
            if decision.allowed:
                break
            if principal.arn not in self.unsure:
                note = conditional_note(
                    principal.label,
                    request,
                    decision,
                    identity=principal.identity,
                    boundary=principal.boundary,
                    scps=self._scps(principal.account),
                    rcps=self._rcps(account),
                    counts=lambda d: not all(SELF_SERVICE in r.source for r in d.because if r.effect == "Allow"),
                )
                if note is not None:
                    self.unsure[principal.arn] = note
        if cut and step is not None and not step.decision.allowed and principal.arn not in self.unsure:
            self.unsure[principal.arn] = capped_note(principal.label, self.question.action, self.question.resource)
        return step

    def direct_path(self, principal: Principal) -> PathAnswer | None:
        """The person's own path (`direct`), when it allows the question."""
        if principal.kind != "user":
            return None
        step = self.direct(principal, True)
        if step is None or not step.decision.allowed:
            return None
        without: bool | None = None
        if not self.question.pins_mfa:
            bare = self.direct(principal, False)
            without = bare is not None and bare.decision.allowed
        return PathAnswer(
            principal,
            (),
            True,
            (step,),
            conditions=("MFA",) if without is False else (),
            without_mfa=without,
            notes=(principal.assumed,) if principal.assumed else (),
        )

    # graph ---------------------------------------------------------------------------------
    def first_roles(self, principal: Principal) -> tuple[Role, ...]:
        """The roles the principal may be able to assume: named by its identity policies, or by
        a trust that names it, its account, or its provider."""
        found: dict[str, None] = {}
        for policy in principal.identity:
            for pattern in _resources_for(policy, principal.assume_action):
                found.update(dict.fromkeys(self._matching_roles(pattern)))
        found.update(dict.fromkeys(self.model.by_trusted.get(principal.arn.lower(), ())))
        if principal.caller.kind == "Federated":
            found.update(dict.fromkeys(a for a, r in self.model.roles.items() if principal.arn.lower() in r.federated))
        found.update(dict.fromkeys(a for a in self.model.open_roles if self.model.roles[a].account == principal.account))
        found.pop((principal.role_arn or "").lower(), None)
        return tuple(self.model.roles[a] for a in sorted(found) if a in self.model.roles)

    def _matching_roles(self, pattern: str) -> list[str]:
        # A policy variable stands for a value only the request knows: as `*` here, a superset of
        # the roles it can name (each is then evaluated with the variable's real value).
        pattern = VARIABLE.sub("*", pattern)
        if not is_pattern(pattern):
            return [pattern.lower()] if pattern.lower() in self.model.roles else []
        return [a for a, r in self.model.roles.items() if glob_match(pattern, r.arn, ignore_case=False)]

    def next_roles(self, role: Role) -> tuple[str, ...]:
        """The roles a session of `role` may assume (role chaining), with MFA as the question has it."""
        cached = self._edges.get(role.arn)
        if cached is not None:
            return cached
        me = self.model.principals[f"role:{role.arn.lower()}"]
        found = []
        for other in self.first_roles(me):
            if self.assume(me, other, True).decision.allowed:
                found.append(other.arn.lower())
        self._edges[role.arn] = tuple(found)
        return self._edges[role.arn]

    # answers -------------------------------------------------------------------------------
    def paths(self, principal: Principal, wanted: Callable[[Role], bool] | None = None) -> list[PathAnswer]:
        """Every path of `principal`, allowed or not, to roles that `wanted` keeps (default: all)."""
        found: list[PathAnswer] = []
        own = self.direct_path(principal) if wanted is None else None
        if own is not None:
            found.append(own)
        if principal.role_arn is not None:
            role = self.model.roles[principal.role_arn.lower()]
            found.append(self._finish(principal, (role,), ()))
            starts = [self.model.roles[a] for a in self.next_roles(role)]
            hops = [self.assume(principal, r, True) for r in starts]
        else:
            starts = list(self.first_roles(principal))
            hops = [self.assume(principal, r, True) for r in starts]
        for role, hop in zip(starts, hops, strict=True):
            if not hop.decision.allowed:
                if wanted is None or wanted(role):
                    found.append(PathAnswer(principal, (role.arn,), False, (hop,), notes=_notes(principal, (role,))))
                continue
            self._walk(principal, (role,), (hop,), found, wanted)
        self.beyond(principal, [(r, h) for r, h in zip(starts, hops, strict=True) if h.decision.allowed], found, wanted)
        return found

    def beyond(
        self,
        principal: Principal,
        firsts: Sequence[tuple[Role, Step]],
        found: list[PathAnswer],
        wanted: Callable[[Role], bool] | None,
    ) -> None:
        """The roles only a chain longer than `CHAIN_DEPTH` reaches, each by its shortest chain:
        AWS sets no limit on how many roles one chain goes through (IAM User Guide, "Roles terms
        and concepts", role chaining: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html#iam-term-role-chaining),
        so a longer chain must not hide a path from an answer or an invariant. A breadth-first
        search: each role once, whatever the number of chains."""
        seen: dict[str, tuple[tuple[Role, ...], tuple[Step, ...]]] = {}
        if principal.role_arn is not None:
            seen[principal.role_arn.lower()] = ((), ())
        queue: deque[tuple[tuple[Role, ...], tuple[Step, ...]]] = deque()
        for role, hop in firsts:
            if role.arn.lower() not in seen:
                seen[role.arn.lower()] = ((role,), (hop,))
                queue.append(((role,), (hop,)))
        while queue:
            chain, hops = queue.popleft()
            me = self.model.principals[f"role:{chain[-1].arn.lower()}"]
            for arn in self.next_roles(chain[-1]):
                if arn in seen:
                    continue
                nxt = self.model.roles[arn]
                item = ((*chain, nxt), (*hops, self.assume(me, nxt, True)))
                seen[arn] = item
                queue.append(item)
                if len(item[0]) > CHAIN_DEPTH and (wanted is None or wanted(nxt)):
                    found.append(self._finish(principal, *item))

    def _walk(
        self,
        principal: Principal,
        chain: tuple[Role, ...],
        hops: tuple[Step, ...],
        found: list[PathAnswer],
        wanted: Callable[[Role], bool] | None,
    ) -> None:
        if wanted is None or wanted(chain[-1]):
            found.append(self._finish(principal, chain, hops))
        if len(chain) >= CHAIN_DEPTH:
            return
        for arn in self.next_roles(chain[-1]):
            nxt = self.model.roles[arn]
            if nxt in chain:
                continue
            me = self.model.principals[f"role:{chain[-1].arn.lower()}"]
            self._walk(principal, (*chain, nxt), (*hops, self.assume(me, nxt, True)), found, wanted)

    def _finish(self, principal: Principal, chain: tuple[Role, ...], hops: tuple[Step, ...]) -> PathAnswer:
        last = self.permission(chain[-1], True)
        allowed = last.decision.allowed
        without: bool | None = None
        if allowed and not self.question.pins_mfa:
            without = self._holds_without_mfa(principal, chain)
        return PathAnswer(
            principal,
            tuple(r.arn for r in chain),
            allowed,
            (*hops, last),
            conditions=self._conditions(principal, chain, allowed, without),
            without_mfa=without,
            notes=(*_notes(principal, chain), *([self.unsure[chain[-1].arn]] if chain[-1].arn in self.unsure else [])),
        )

    def _holds_without_mfa(self, principal: Principal, chain: tuple[Role, ...]) -> bool:
        me = principal
        for i, role in enumerate(chain):
            own = i == 0 and principal.role_arn is not None and role.arn == principal.role_arn
            if not own and (self._denies_any_role(me) or not self.assume(me, role, False).decision.allowed):
                return False
            me = self.model.principals[f"role:{role.arn.lower()}"]
        return self.permission(chain[-1], False).decision.allowed

    def _idle(self, principal: Principal, mfa: bool) -> frozenset[int]:
        """The principal's identity policies that apply to none of its AssumeRole requests, whatever
        the role, in this context: each statement of theirs that could match the action names
        Resource "*" and no condition key a role's route sets (sts:*, a provider's), so one
        evaluation of them alone answers for every role; left out of each role's evaluation, the
        decision is the same. At least one policy is kept, so a denial says what it says."""
        cached = self._idle_policies.get((principal.arn, mfa))
        if cached is not None:
            return cached
        constant = [p for p in principal.identity if _role_independent(p, principal.assume_action)]
        idle: frozenset[int] = frozenset()
        if constant and len(constant) < len(principal.identity) and principal.caller.kind != "Federated":
            context = merge_context(
                self.session_base(principal.caller, mfa), self._org(principal.account), principal.context, self.question.context
            )
            request = Request(principal.caller, principal.assume_action, "*", principal.account, context)
            # Each narrowed to the request (`_narrowed`: the same decision, most statements of the
            # self-service policy name other actions and stand as placeholders).
            decision = evaluate(request, identity=tuple(_narrowed(p, principal.assume_action, "*") for p in constant))
            if not decision.allowed and not decision.because:
                idle = frozenset(id(p) for p in constant)
        self._idle_policies[(principal.arn, mfa)] = idle
        return idle

    def _denies_any_role(self, principal: Principal) -> bool:
        """Whether the principal's own policies deny its assume action without MFA whatever the
        role (the self-service Deny): an explicit Deny wins over anything the role's trust says,
        so one evaluation answers for every role. Only when each Deny statement of its policies
        names Resource "*" (else the role's ARN could matter, and each role is evaluated)."""
        cached = self._identity_deny.get(principal.arn)
        if cached is not None:
            return cached
        denies = False
        if principal.caller.kind != "Federated" and all(_any_resource(p) for p in principal.identity):
            context = merge_context(
                self.session_base(principal.caller, False), self._org(principal.account), principal.context, self.question.context
            )
            request = Request(principal.caller, principal.assume_action, "*", principal.account, context)
            decision = evaluate(request, identity=principal.identity, boundary=principal.boundary)
            denies = any(ref.effect == "Deny" for ref in decision.because)
        self._identity_deny[principal.arn] = denies
        return denies

    def _conditions(self, principal: Principal, chain: tuple[Role, ...], allowed: bool, without: bool | None) -> tuple[str, ...]:
        found: list[str] = []
        if allowed and without is False:
            found.append("MFA")
        for role in chain:
            if role.mfa_max_age_seconds is not None:
                found.append(f"MFA no older than {role.mfa_max_age_seconds} s ({role.name})")
            if role.external_id is not None:
                value = SECRET if role.secret else role.external_id
                found.append(f"sts:ExternalId {value} ({role.name})")
            if role.require_source_identity and principal.kind == "user":
                found.append(f"source identity {principal.name} ({role.name})")
            for k, v in sorted(role.federated.get(principal.arn.lower(), {}).items()):
                found.append(f"token {k} = {', '.join(v)} ({role.name})")
        return tuple(dict.fromkeys(found))


def _other_partition(role_arn: str, resource: str) -> str | None:
    """Why a session of the role cannot reach `resource` whatever the policies say: the resource's
    ARN names another partition (aws, aws-cn, aws-us-gov are separate: credentials of one are
    not valid in another; "Amazon Resource Names (ARNs)",
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html). None: the same one."""
    if not resource.startswith("arn:") or resource.count(":") < 5:
        return None
    mine, theirs = role_arn.split(":", 2)[1], resource.split(":", 2)[1]
    if is_pattern(theirs) or mine == theirs:
        return None
    return f"the resource is in partition {theirs} and the role in {mine}: a partition's credentials are not valid in another"


def _notes(principal: Principal, chain: tuple[Role, ...]) -> tuple[str, ...]:
    notes = [principal.assumed] if principal.assumed else []
    for role in chain:
        notes += [f"{role.name}: {u}" for u in role.unknown]
    return tuple(notes)


# What stands in for a statement that cannot apply to a request (`_narrowed`, `_narrowed_trust`):
# its index stays; the evaluator passes over these two objects at once (evaluate.NEVER_APPLIES).
PLACEHOLDER = NEVER_APPLIES
TRUST_PLACEHOLDER = NEVER_APPLIES_IN_TRUST
EXACT_IAM_ARN = re.compile(r"^arn:[^:*?]+:iam::\d{12}:(?:user|role)/[^*?]+\Z")


def _trust_index(policy: Policy) -> list[frozenset[str] | None]:
    """Per statement of a trust: the lower-cased ARNs its Principal names when it names only
    exact IAM users and roles (`{"AWS": [...]}`, no account, wildcard or NotPrincipal); None for a
    statement that must be kept whole."""
    raw = policy.document.get("Statement") if isinstance(policy.document, Mapping) else None
    if not isinstance(raw, (list, Mapping)) or (isinstance(raw, list) and not all(isinstance(s, Mapping) for s in raw)):
        return []  # the evaluator reads (and refuses) it whole
    index: list[frozenset[str] | None] = []
    for statement in _statements(policy):
        principal = statement.get("Principal") if isinstance(statement, Mapping) else None
        values = principal.get("AWS") if isinstance(principal, Mapping) and set(principal) == {"AWS"} else None
        values = [values] if isinstance(values, str) else values
        exact = (
            isinstance(values, list)
            and values
            and "NotPrincipal" not in statement
            and all(isinstance(v, str) and EXACT_IAM_ARN.match(v) for v in values)
        )
        index.append(frozenset(v.lower() for v in values) if exact else None)  # type: ignore[union-attr]
    return index


def _narrowed_trust(policy: Policy, index: Sequence[frozenset[str] | None], caller: Caller) -> Policy:
    """A trust as it applies to one caller: a statement that names only exact IAM users and roles
    keeps just the ARNs that can name the caller, or stands as `TRUST_PLACEHOLDER` (its index
    kept). An IAM ARN names a caller only when it equals the caller's ARN, or its session's, with
    the name's case ignored and the rest exact (`evaluate._same_principal`), so an ARN whose lower
    case differs from both cannot: the decision is the same, at the cost of one set lookup per
    statement instead of an ARN match per principal it lists."""
    if all(names is None for names in index):  # [] too: a document to read whole
        return policy
    mine = {caller.arn.lower(), (caller.session_arn or "").lower()}
    statements: list[Mapping[str, Any]] = []
    for statement, names in zip(_statements(policy), index, strict=True):
        if names is None:
            statements.append(statement)
            continue
        kept = sorted(mine & names)
        if not kept:
            statements.append(TRUST_PLACEHOLDER)
            continue
        values = statement["Principal"]["AWS"]
        values = [values] if isinstance(values, str) else values
        statements.append({**statement, "Principal": {"AWS": [v for v in values if v.lower() in mine]}})
    return Policy({**policy.document, "Statement": statements}, policy.source, policy.kind)


@dataclass(frozen=True)
class _Prepared:
    """A policy's statements as `_narrowed` reads them: per statement, its Action patterns (None:
    NotAction) and its exact Resource ARNs apart from its patterns (None: NotResource or none)."""

    statements: tuple[tuple[Mapping[str, Any], tuple[str, ...] | None, frozenset[str] | None, tuple[str, ...]], ...]


_PREPARED: dict[int, tuple[Policy, _Prepared]] = {}


def _prepared(policy: Policy) -> _Prepared:
    found = _PREPARED.get(id(policy))
    if found is not None and found[0] is policy:
        return found[1]
    rows: list[tuple[Mapping[str, Any], tuple[str, ...] | None, frozenset[str] | None, tuple[str, ...]]] = []
    for s in _statements(policy):
        actions = tuple(_listed(s, "Action")) if "Action" in s else None
        if "Resource" in s and "NotResource" not in s:
            listed = _listed(s, "Resource")
            exact = frozenset(r for r in listed if not is_pattern(r) and "${" not in r)
            rows.append((s, actions, exact, tuple(r for r in listed if r not in exact)))
        else:
            rows.append((s, actions, None, ()))
    prepared = _Prepared(tuple(rows))
    _PREPARED[id(policy)] = (policy, prepared)
    return prepared


def _narrowed(policy: Policy, action: str, resource: str) -> Policy:
    """`policy` as it applies to one request for `action` on the exact `resource`: a statement
    whose Action cannot match, or whose Resource names none that can, stands as `PLACEHOLDER`
    (its index kept, so every statement named still is the policy's own); a Resource list keeps
    only what may match (by the wildcard match, which lets `*` span colons and so keeps at least
    what IAM's part-by-part match would). The decision on that request is the same; the
    evaluation is faster on long lists (a person's assume-role policy names every role)."""
    if not isinstance(policy.document, Mapping) or not isinstance(policy.document.get("Statement"), list):
        return policy
    changed = False
    statements: list[Mapping[str, Any]] = []
    for statement, actions, exact, patterns in _prepared(policy).statements:
        if actions is not None and not any(glob_match(a, action, ignore_case=True) for a in actions):
            statements.append(PLACEHOLDER)
            changed = True
            continue
        if exact is None:
            statements.append(statement)
            continue
        kept = [resource] if resource in exact else []
        kept += [p for p in patterns if "${" in p or glob_match(p, resource)]
        if len(kept) == len(exact) + len(patterns):
            statements.append(statement)
            continue
        changed = True
        statements.append({**statement, "Resource": kept} if kept else PLACEHOLDER)
    if not changed:
        return policy
    return Policy({**policy.document, "Statement": statements}, policy.source, policy.kind)


ROUTE_KEYS = re.compile(r"sts:|saml:|:aud|:sub|:amr|\$\{", re.IGNORECASE)
"""Condition keys a role's route sets (ExternalId, source identity, a provider's token) and policy
variables: a statement reading one may answer differently for each role."""


def _role_independent(policy: Policy, action: str) -> bool:
    """Each statement of `policy` that could match `action` names Resource "*" (no NotResource)
    and reads no key a role's route sets (`ROUTE_KEYS`)."""
    for statement in _statements(policy):
        if "Action" in statement and not any(glob_match(a, action, ignore_case=True) for a in _listed(statement, "Action")):
            continue
        if _listed(statement, "Resource") != ["*"] or "NotResource" in statement:
            return False
        if ROUTE_KEYS.search(json.dumps(statement.get("Condition", {}))):
            return False
    return True


def _any_resource(policy: Policy) -> bool:
    """Every Deny statement of the policy names Resource "*" (and no NotResource)."""
    return all(
        _listed(s, "Resource") == ["*"] and "NotResource" not in s for s in _statements(policy) if s.get("Effect") == "Deny"
    )


def _statements(policy: Policy) -> list[Mapping[str, Any]]:
    statements = policy.document.get("Statement", [])
    return [s for s in (statements if isinstance(statements, list) else [statements]) if isinstance(s, Mapping)]


def _listed(statement: Mapping[str, Any], element: str) -> list[str]:
    value = statement.get(element)
    values = value if isinstance(value, list) else [value] if value is not None else []
    return [v for v in values if isinstance(v, str)]


def _resources_for(policy: Policy, action: str) -> list[str]:
    """The Resource patterns of the Allow statements of `policy` that cover `action`."""
    found: list[str] = []
    for s in _statements(policy):
        if s.get("Effect") != "Allow":
            continue
        actions = _listed(s, "Action")
        covers = (
            any(glob_match(a, action, ignore_case=True) for a in actions)
            if "Action" in s
            else not any(glob_match(a, action, ignore_case=True) for a in _listed(s, "NotAction"))
        )
        if covers:
            found += _listed(s, "Resource") if "Resource" in s else ["*"]
    return found


CANDIDATES = 400
"""At most this many concrete (action, resource) pairs are asked of one role for a pattern question."""


def candidates(role: Role, action: str, resource: str, context: Context | None = None) -> list[tuple[str, str]]:
    """`policy_candidates` of the role's permissions and boundary."""
    return policy_candidates(role.permissions, role.boundary, action, resource, context)


def policy_candidates(
    permissions: Sequence[Policy], boundary: Policy | None, action: str, resource: str, context: Context | None = None
) -> list[tuple[str, str]]:
    """`capped_candidates` without whether the cap cut them."""
    return capped_candidates(permissions, boundary, action, resource, context)[0]


def conditional_note(
    who: str,
    request: Request,
    decision: Decision,
    *,
    identity: Sequence[Policy],
    boundary: Policy | None,
    scps: Sequence[Sequence[Policy]],
    rcps: Sequence[Sequence[Policy]],
    counts: Callable[[Decision], bool] = lambda d: True,
) -> str | None:
    """What an answer says when `decision` denies `request` only by Deny statements with a
    Condition that reads a key other than MFA's (the MFA side is asked on its own): the request
    context the model assumes (keys not given are absent) meets it, another may not. None unless
    the same request, those statements left out, is allowed (and `counts`)."""
    if decision.allowed or not decision.because or any(r.effect != "Deny" for r in decision.because):
        return None
    groups: dict[str, list[Policy]] = {"identity": list(identity), "boundary": [boundary] if boundary else []}
    groups.update({f"scp{n}": list(level) for n, level in enumerate(scps)})
    groups.update({f"rcp{n}": list(level) for n, level in enumerate(rcps)})
    keys: set[str] = set()
    denying = {(r.source, r.kind, r.index) for r in decision.because}
    for policies in groups.values():
        for i, policy in enumerate(policies):
            statements = _statements(policy)
            hits = [j for j in range(len(statements)) if (policy.source, policy.kind, j) in denying]
            if not hits:
                continue
            for j in hits:
                condition = statements[j].get("Condition")
                if not isinstance(condition, Mapping) or not condition:
                    return None
                keys |= {str(k) for block in condition.values() if isinstance(block, Mapping) for k in block}
            gone = {**PLACEHOLDER, "Principal": "*"} if policy.kind in ("rcp", "resource") else PLACEHOLDER
            document = {**policy.document, "Statement": [gone if j in hits else st for j, st in enumerate(statements)]}
            policies[i] = Policy(document, policy.source, policy.kind)
    if not keys or all("multifactorauth" in k.lower() for k in keys):
        return None
    without = evaluate(
        request,
        identity=groups["identity"],
        boundary=groups["boundary"][0] if groups["boundary"] else None,
        scps=[groups[f"scp{n}"] for n in range(len(scps))],
        rcps=[groups[f"rcp{n}"] for n in range(len(rcps))],
    )
    if not without.allowed or not counts(without):
        return None
    denies = "; ".join(statement_text(r) for r in decision.because)
    return (
        f"{who}: {request.action} on {request.resource} is denied only by a conditional Deny ({denies}) that reads "
        f"{', '.join(sorted(keys))}: a request whose context does not meet it is allowed (ask with --context KEY=VALUE)"
    )


def capped_note(who: str, action: str, resource: str) -> str:
    """What an answer says when `CANDIDATES` cut the pairs asked of `who` and none was allowed."""
    return (
        f"{who}: only the first {CANDIDATES} (action, resource) pairs its policies allow within {action} on {resource} "
        "were asked, and none was allowed; a pair beyond them could be (ask an exact action and resource)"
    )


def capped_candidates(
    permissions: Sequence[Policy],
    boundary: Policy | None,
    action: str,
    resource: str,
    context: Context | None = None,
    scps: Sequence[Sequence[Policy]] = (),
) -> tuple[list[tuple[str, str]], bool]:
    """(pairs, whether `CANDIDATES` cut them): concrete (action, resource) pairs to ask of a role
    (or a person's own policies) for a question that may name patterns: the question itself when it names none; else, for each
    Allow statement of the policies, the catalogue's actions both its Action and the question's pattern cover (or the
    shortest name both match, for a service the catalogue lacks) on the shortest resource both
    its Resource and the question's pattern match, its policy variables replaced by their values
    in `context` first (the role session's keys: `${aws:PrincipalAccount}` is the account, and
    a statement whose variable has no value matches no resource; IAM User Guide, "IAM policy
    elements: Variables and tags", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html)."""
    keys = normalise_context(context or {})
    if not is_pattern(action) and not is_pattern(resource):
        return [(action, resource)], False
    limits = [p for level in scps for p in level]
    denies = [
        s for p in (*permissions, *([boundary] if boundary else []), *limits) for s in _statements(p) if s.get("Effect") == "Deny"
    ]
    # What a Deny leaves out and the boundary allows is tried first (the candidates are cut at
    # CANDIDATES, and the first ones could all be denied while another action or resource the
    # pattern covers is not): the actions no Deny's Action covers (or that its NotAction lists)
    # and an Allow of the boundary covers, and the resources a Deny's NotResource lists, or one
    # longer than the shortest (a Deny may name exactly that one).
    gaps = [witness(n, resource) for s in denies for n in _listed(s, "NotResource")]
    good: dict[tuple[str, str], None] = {}
    bad: dict[tuple[str, str], None] = {}
    for policy in permissions:
        for s in _statements(policy):
            if s.get("Effect") != "Allow":
                continue
            actions = _actions(s, action)
            if not actions:
                continue
            resources = _resources(s, resource, keys)
            if denies:
                longer = _resources(s, resource, keys, longer=True) if resource != "*" else []
                resources += [g for g in [*gaps, *longer] if g is not None and _covers(s, g, keys)]
            for a in actions:
                allowed = _bounded([boundary] if boundary else [], a) and all(_bounded(level, a) for level in scps)
                into = bad if (denies and _denied_action(denies, a)) or not allowed else good
                into.update(dict.fromkeys((a, r) for r in dict.fromkeys(resources)))
                if len(good) >= CANDIDATES:
                    return list(good)[:CANDIDATES], True
    every = [*good, *(p for p in bad if p not in good)]
    return every[:CANDIDATES], len(every) > CANDIDATES


def _bounded(limit: Sequence[Policy], action: str) -> bool:
    """Whether some Allow statement of `limit` (a boundary, or one level of SCPs) covers `action`
    (no policy: yes). An action none covers is denied whatever the permissions say
    ("Permissions boundaries for IAM entities": the effective permissions are what both allow,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html; each SCP
    level must allow, "Policy evaluation logic"), so it is tried last: the cap must not be spent on it."""
    if not limit:
        return True
    for s in (st for p in limit for st in _statements(p)):
        if s.get("Effect") != "Allow":
            continue
        if "Action" in s and any(glob_match(a, action, ignore_case=True) for a in _listed(s, "Action")):
            return True
        if "NotAction" in s and not any(glob_match(a, action, ignore_case=True) for a in _listed(s, "NotAction")):
            return True
    return False


def _denied_action(denies: Sequence[Mapping[str, Any]], action: str) -> bool:
    """Whether some Deny statement covers `action` (by its Action, or by not listing it in NotAction)."""
    for s in denies:
        if "Action" in s and any(glob_match(a, action, ignore_case=True) for a in _listed(s, "Action")):
            return True
        if "NotAction" in s and not any(glob_match(a, action, ignore_case=True) for a in _listed(s, "NotAction")):
            return True
    return False


def _covers(statement: Mapping[str, Any], resource: str, keys: Context) -> bool:
    """Whether the statement's Resource (or NotResource) covers the concrete `resource`."""
    if "Resource" in statement:
        patterns = [substitute(p, keys, True) for p in _listed(statement, "Resource")]
        return any(p is not None and glob_match(p, resource) for p in patterns)
    return not any(glob_match(x, resource) for x in _listed(statement, "NotResource"))


def _actions(statement: Mapping[str, Any], wanted: str) -> list[str]:
    if "Action" in statement:
        found: list[str] = []
        for pattern in _listed(statement, "Action"):
            if not is_pattern(wanted):
                found += [wanted] if glob_match(pattern, wanted, ignore_case=True) else []
                continue
            real = [a.name for a in catalogue.expand(pattern) if glob_match(wanted, a.name, ignore_case=True)]
            shortest = witness(pattern, wanted, ignore_case=True)
            found += real or ([shortest] if shortest is not None else [])
        return list(dict.fromkeys(found))
    excluded = _listed(statement, "NotAction")
    options = [a.name for a in catalogue.expand(wanted)] if is_pattern(wanted) else [wanted]
    return [a for a in options if not any(glob_match(x, a, ignore_case=True) for x in excluded)]


def _resources(statement: Mapping[str, Any], wanted: str, keys: Context, longer: bool = False) -> list[str]:
    """The shortest resource both the statement's Resource and `wanted` match (`longer`: one where
    each `*` of `wanted` stands for at least one character)."""
    if longer:
        wanted = wanted.replace("*", "?*")
    if "Resource" in statement:
        patterns = [substitute(p, keys, True) for p in _listed(statement, "Resource")]
        found = [witness(p, wanted) for p in patterns if p is not None]
        return list(dict.fromkeys(r or "*" for r in found if r is not None))
    excluded = _listed(statement, "NotResource")
    own = witness(wanted, wanted) or "*"
    return [own] if own is not None and not any(glob_match(x, own) for x in excluded) else []


MFA_SAFE_ALLOW = {
    ("bool", "aws:multifactorauthpresent", "true"),
    ("numericlessthan", "aws:multifactorauthage", None),
    ("numericlessthanequals", "aws:multifactorauthage", None),
}
MFA_SAFE_DENY = {
    ("bool", "aws:multifactorauthpresent", "false"),
    ("boolifexists", "aws:multifactorauthpresent", "false"),
    ("numericgreaterthan", "aws:multifactorauthage", None),
    ("numericgreaterthanifexists", "aws:multifactorauthage", None),
}


def _helps_without_mfa(statement: Mapping[str, Any]) -> bool:
    """Whether the statement reads an MFA key in a way that could allow a request without MFA that
    it does not allow with it: anything but an Allow that requires MFA (`Bool ... "true"`, an age
    limit) or a Deny that applies without it (`Bool`/`BoolIfExists ... "false"`, an age above)."""
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    safe = MFA_SAFE_ALLOW if statement.get("Effect") == "Allow" else MFA_SAFE_DENY
    for operator, keys in condition.items():
        for name, value in keys.items() if isinstance(keys, Mapping) else [("?", None)]:
            if "multifactorauth" not in str(name).lower():
                continue
            wanted = str(value[0] if isinstance(value, list) and len(value) == 1 else value).lower()
            entry = (str(operator).lower(), str(name).lower())
            if (*entry, wanted) not in safe and (*entry, None) not in safe:
                return True
    return False


def _also_without_mfa(
    model: AccessModel, question: Question, paths: list[PathAnswer], ask: Callable[[Question], list[PathAnswer]]
) -> list[PathAnswer]:
    """`paths` (asked with MFA) and the paths that allow only without MFA: a policy may allow
    only when the MFA key is missing (`BoolIfExists aws:MultiFactorAuthPresent false`), and a
    request signed with long-term keys carries none ("AWS global condition context keys",
    aws:MultiFactorAuthPresent, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent).
    Asked only when some policy of the model could do that."""
    if question.pins_mfa or not model.mfa_sensitive:
        return paths
    allowed = {(p.principal.arn, p.through) for p in paths if p.allowed}
    extra = [
        replace(p, without_mfa=True, conditions=("without MFA only", *p.conditions))
        for p in ask(replace(question, mfa=False))
        if p.allowed and (p.principal.arn, p.through) not in allowed
    ]
    if not extra:
        return paths
    replaced = {(p.principal.arn, p.through) for p in extra}
    return [p for p in paths if (p.principal.arn, p.through) not in replaced] + extra


def can(model: AccessModel, principal: Principal, question: Question, asker: Asker | None = None) -> Answer:
    """Can `principal` (a group: any of its members) perform the question's action on its resource?"""
    asker = asker or Asker(model, question)
    members = [p for p in model.principals.values() if principal.has_member(p)] if principal.kind == "group" else [principal]
    paths = [path for m in members for path in asker.paths(m)]
    paths = _also_without_mfa(
        model, question, paths, lambda bare: [path for m in members for path in Asker(model, bare).paths(m)]
    )
    allowed = any(p.allowed for p in paths)
    notes = tuple(dict.fromkeys(n for p in paths for n in p.notes))
    return Answer(principal, question, allowed, tuple(paths), notes, dict(sorted(asker.unsure.items())))


def shown(paths: Sequence[PathAnswer]) -> tuple[bool, tuple[PathAnswer, ...]]:
    """(allowed, the paths an answer shows): those that allow, or, when none does, every path with why it is denied."""
    allowed = any(p.allowed for p in paths)
    return allowed, tuple(p for p in paths if p.allowed) if allowed else tuple(paths)


def who_can(model: AccessModel, question: Question, notes: dict[str, str] | None = None) -> list[PathAnswer]:
    """Every principal (people, roles outside the plan, permission sets, providers) with a path
    that allows the question, each path once, in order of principal and roles (and then the
    paths that allow only without MFA). `notes`, when given, receives (by role or person ARN)
    each reachable role's and each person's reason a "denied" may not hold (`Asker.unsure`: the
    cap, a conditional Deny)."""
    asker = Asker(model, question)
    found = _also_without_mfa(model, question, _who_can(asker), lambda bare: _who_can(Asker(model, bare)))
    if notes is not None and asker.unsure:
        reached = _reached(asker)
        notes.update((a, n) for a, n in sorted(asker.unsure.items()) if a.lower() not in model.roles or a.lower() in reached)
    return found


def _reached(asker: Asker) -> set[str]:
    """The roles (lower-case ARNs) some principal reaches by an allowed AssumeRole chain, with MFA:
    a role nobody reaches hides no path (only asked when the cap cut a role's pairs)."""
    model = asker.model
    reached: set[str] = set()
    queue: deque[str] = deque()
    for principal in model.principals.values():
        if principal.kind in ("group", "role") and (principal.kind == "group" or principal.role_arn is not None):
            continue
        for role in asker.first_roles(principal):
            if role.arn.lower() not in reached and asker.assume(principal, role, True).decision.allowed:
                reached.add(role.arn.lower())
                queue.append(role.arn.lower())
    while queue:
        for arn in asker.next_roles(model.roles[queue.popleft()]):
            if arn not in reached:
                reached.add(arn)
                queue.append(arn)
    return reached


def _who_can(asker: Asker) -> list[PathAnswer]:
    model = asker.model
    useful = {a for a, r in model.roles.items() if asker.permission(r, True).decision.allowed}
    reaching = set(useful)
    changed = True
    while changed:
        changed = False
        for arn, role in model.roles.items():
            if arn not in reaching and any(n in reaching for n in asker.next_roles(role)):
                reaching.add(arn)
                changed = True
    found: list[PathAnswer] = []
    for principal in model.principals.values():
        if principal.kind in ("group", "role") and (principal.kind == "group" or principal.role_arn is not None):
            continue
        own = asker.direct_path(principal)
        if own is not None:
            found.append(own)
        starts = [r for r in asker.first_roles(principal) if r.arn.lower() in reaching]
        firsts = []
        for role in starts:
            hop = asker.assume(principal, role, True)
            if hop.decision.allowed:
                asker._walk(principal, (role,), (hop,), found, lambda r: r.arn.lower() in useful)
                firsts.append((role, hop))
        if firsts:
            asker.beyond(principal, firsts, found, lambda r: r.arn.lower() in useful)
    return [p for p in found if p.allowed]


def aws_managed_document(arn: str) -> Mapping[str, Any] | None:
    """The default version's document of the AWS managed policy `arn`, from the copy of IAM's
    answer (crossaccount/data/aws-managed-policies.json), or None when it is not one or not there."""
    found = AWS_MANAGED_RE.match(arn)
    if found is None:
        return None
    record = aws_managed_policies().get(found.group(2))
    if record is None or str(record.get("Arn", "")).split(":", 2)[2] != arn.split(":", 2)[2]:
        return None
    document: Mapping[str, Any] = record["Document"]
    return document
