"""Who may assume which role, under which conditions, read from a plan (`make plan FORMAT=json`):
the rows of the reviewer's access table, with the MFA that AWS requires.

Read back from each role's trust policy, so the rows show what AWS will enforce, not what the
settings meant; then, for the people's stack, each person's assume-role policies that name
another stack's roles; then the groups through which a row holds (`trustedGroups`, or a policy
attached to a group of the user: IAM evaluates a group's policies as each member's).

Plain data out: frozen dataclasses whose words are plain text, never Markdown. The review
(`tools.render.review`) prints them, escaped. Part of the core: imports nothing from `tools/`,
opens no file. Every value is read defensively (a plan `tools comment` reads is a file).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from crossaccount.iam import PERMISSION_SET_ROLE_PATTERN_RE
from crossaccount.resource_types import (
    POLICY,
    PROVIDER,
    ROLE,
    ROLE_POLICY_ATTACHMENT,
    SECRET,
    USER,
    USER_POLICY_ATTACHMENT,
)

from .canonical import Statement, statements
from .from_plan import PlanJsonError, model_from_plans
from .model import AccessModel, Asker, Question, Role, user_keys
from .plan_groups import (
    assumable_by_policy,
    group_facts,
    groups_by_member,
    groups_granting,
    other_policies_of,
    policy_documents,
)
from .principals import Principal
from .types import Caller, Decision, Policy, UnsupportedPolicy

FROM_FILE = re.compile(r"from (policies/[A-Za-z0-9._-]+\.json)")
USER_ARN = re.compile(r"^arn:[a-z-]+:iam::(\d{12}):user(/(?:[^/]+/)*)?([^/]+)$")
ROLE_ARN = re.compile(r"^arn:[a-z-]+:iam::(\d{12}):role(/(?:[^/]+/)*)?([^/]+)$")
FEDERATED_ACTIONS = {"sts:assumerolewithsaml": "AssumeRoleWithSAML", "sts:assumerolewithwebidentity": "AssumeRoleWithWebIdentity"}
ASSUME_ACTIONS = {"sts:assumerole", "sts:*", "*"}
"""The actions (lowered, as written) under which an Allow is read as allowing sts:AssumeRole."""

PermissionKind = Literal["file", "policy", "managed", "boundary"]


@dataclass(frozen=True)
class Permission:
    """One of a role's permissions as the access table names it."""

    kind: PermissionKind
    """`file`: a policy this stack creates from a file of policies/ (`name` is the file);
    `policy`: one it creates otherwise (`name` is the policy's); `managed`: a policy attached by
    ARN (`name` is what follows `:policy/`); `boundary`: the permissions boundary (the same)."""
    name: str


@dataclass(frozen=True)
class PlannedRole:
    """A role this plan creates, with its permissions in the order the table lists them."""

    name: str
    permissions: tuple[Permission, ...]


@dataclass(frozen=True)
class Grant:
    """One row of the access table: a principal that may assume a role, and how."""

    principal: str
    """The user name for a user of the source account; else the principal as written."""
    principal_arn: str
    created: bool
    """The user is created by this stack (false: referenced, owned by another stack)."""
    role: str
    account: str
    mfa: str
    external_id: str
    session_tags: str
    source_identity: str
    session: str
    permissions: tuple[Permission, ...]
    """Files of policies/ and other policies this stack creates (sorted by their words), then
    managed policies attached by ARN (sorted), then the permissions boundary."""
    via: tuple[str, ...] = ()
    """The groups of this stack through which the user is trusted (trustedGroups) or allowed to
    assume the role (a policy attached to the group), if any."""
    group_policies: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(group, policies) for the user's groups that carry policies this plan does not create:
    the person's permissions in the source account through the group."""
    kind: str = "aws"
    """`aws` (a user or role by ARN), `permission set`, `SAML provider` or `OIDC provider`."""
    action: str = "AssumeRole"
    elsewhere: bool = False
    """The role is another stack's (a roles-only stack's, in its account): the row comes from the
    person's assume-role policy in this stack; the trust, session and permissions are that stack's."""

    @property
    def is_user(self) -> bool:
        """The principal is an IAM user (by its ARN)."""
        return USER_ARN.match(self.principal_arn) is not None

    @property
    def is_role(self) -> bool:
        """The principal is a role named by its ARN (an existing role of the source account)."""
        return ":role/" in self.principal_arn


class _Plan:
    """The plan's resources by type and its accounts, read in one pass (the rows ask for them per role)."""

    def __init__(self, plan: Mapping[str, Any]) -> None:
        self.plan = plan
        self.by_type: dict[Any, list[Mapping[str, Any]]] = {}
        for r in plan.get("resources", []):
            self.by_type.setdefault(r.get("type"), []).append(r)
        self.accounts = account_sides(plan)
        self.created, self.attached = _policies_by_role(self)

    def of(self, type_: str) -> list[Mapping[str, Any]]:
        return self.by_type.get(type_, [])


def account_sides(plan: Mapping[str, Any]) -> dict[str, str]:
    """Side (`source`/`target`) -> account id, from the providers' allowedAccountIds."""
    providers = {r["name"]: r for r in plan.get("resources", []) if r.get("type") == PROVIDER}
    sides: dict[str, str] = {}
    for r in plan.get("resources", []):
        provider = providers.get(r.get("provider") or "")
        if r.get("account") and provider is not None and r["account"] not in sides:
            ids = provider.get("inputs", {}).get("allowedAccountIds") or ["?"]
            sides[r["account"]] = ", ".join(ids)
    return sides


def _name(r: Mapping[str, Any]) -> str:
    return str(r.get("inputs", {}).get("name") or r["name"])


def _duration(seconds: Any) -> str:
    if isinstance(seconds, int) and seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    return f"{seconds} s"


def _policies_by_role(plan: _Plan) -> tuple[dict[str, Permission], dict[str, list[str]]]:
    """The target account's policies this stack creates (`<account>:policy<path><name>` -> how the
    table names it), and each role's attached policy ARNs in plan order."""
    target = plan.accounts.get("target", "?")
    created: dict[str, Permission] = {}
    for r in plan.of(POLICY):
        if r.get("account") == "target":
            inputs = r.get("inputs", {})
            match = FROM_FILE.search(str(inputs.get("description", "")))
            tail = f"{target}:policy{inputs.get('path', '/')}{_name(r)}"
            created[tail] = Permission("file", match.group(1)) if match else Permission("policy", _name(r))
    attached: dict[str, list[str]] = {}
    for a in plan.of(ROLE_POLICY_ATTACHMENT):
        inputs = a.get("inputs", {})
        if isinstance(inputs.get("role"), str):
            attached.setdefault(inputs["role"], []).append(str(inputs.get("policyArn")))
    return created, attached


def _permissions(plan: _Plan, role: str, boundary: str | None) -> tuple[Permission, ...]:
    """The role's permissions: the policies this stack creates (their description names the
    file), managed policies attached by ARN, and the boundary."""
    created, managed = [], []
    for arn in plan.attached.get(role, []):
        mine = plan.created.get(arn.split("iam::", 1)[-1])
        created.append(mine) if mine else managed.append(Permission("managed", arn.split(":policy/", 1)[-1]))
    boundaries = [Permission("boundary", boundary.split(":policy/", 1)[-1])] if boundary else []
    # Files first ("policies/..." before "policy ..."), each kind by name: the words' order.
    return (
        *sorted(created, key=lambda p: (p.kind != "file", p.name)),
        *sorted(managed, key=lambda p: p.name),
        *boundaries,
    )


def planned_roles(plan: Mapping[str, Any]) -> tuple[PlannedRole, ...]:
    """The roles this plan creates, in plan order, with their permissions."""
    view = _Plan(plan)
    return tuple(
        PlannedRole(_name(r), _permissions(view, _name(r), r.get("inputs", {}).get("permissionsBoundary"))) for r in view.of(ROLE)
    )


def _conditions_of(conditions: tuple[tuple[str, str, tuple[str, ...]], ...]) -> dict[str, str]:
    found = {k.lower(): (op, v) for op, k, v in conditions}
    mfa = "no"
    if found.get("aws:multifactorauthpresent", ("", ()))[1] == ("true",):
        mfa = "required"
        age = found.get("aws:multifactorauthage")
        if age:
            mfa += f", at most {age[1][0]} s old"
    external = "no"
    if "sts:externalid" in found:
        external = SECRET if SECRET in found["sts:externalid"][1] else "required (value not shown)"
    source = found.get("sts:sourceidentity")
    return {
        "mfa": mfa,
        "external_id": external,
        "source_identity": ("= " + ", ".join(source[1])) if source else "not required",
    }


def access_grants(plan: Mapping[str, Any], model: AccessModel | None = None) -> tuple[Grant, ...]:
    """The access table: who may assume which role of this plan, as the access model decides
    (`decided_rows`), sorted by principal, account and role. `model`: the organisation's, when
    the caller has it (every stack's plan); else the model of this plan alone
    (`model_from_plans`), where a person's side or a role of another stack stands in as
    `decided_rows` says."""
    if model is None:
        key = _content_key(plan)
        hit = _ROWS.get(key)
        if hit is not None:
            return hit
        _ROWS[key] = rows = _access_grants(plan, None)
        if len(_ROWS) > MAX_REMEMBERED:
            del _ROWS[next(iter(_ROWS))]
        return rows
    return _access_grants(plan, model)


MAX_REMEMBERED = 16
_ROWS: dict[bytes, tuple[Grant, ...]] = {}
"""The rows of the last plans asked, by their content: `tools comment` asks for the rows of every
stack's base and head plan, and stacks of one shape planned alike give byte-for-byte the same
plan. The rows depend on nothing but the plan (and the AWS managed policies' data, fixed)."""


def _content_key(plan: Mapping[str, Any]) -> bytes:
    text = json.dumps(plan, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=repr)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def _access_grants(plan: Mapping[str, Any], model: AccessModel | None) -> tuple[Grant, ...]:
    rows = document_rows(plan)
    alone = model is None
    if model is None:
        try:
            model = model_from_plans({str(plan.get("stack", "")): plan})
        except PlanJsonError as error:
            # A plan the model cannot read (a hand-made or hostile file: the program's own plans
            # always fit): the rows its documents name, each saying it was not decided, and why.
            return tuple(replace(g, mfa=f"not decided: {error} (the documents say: {g.mfa})") for g in rows)
    return decided_rows(plan, model, rows, alone)


def document_rows(plan: Mapping[str, Any]) -> tuple[Grant, ...]:
    """The rows the plan's documents name, with their words: read back from each role's trust
    policy, sorted by principal, account and role. Not yet decided: `decided_rows` asks the model.

    A trust policy the plan holds as `[secret]` (a role with a `secure:` externalId makes the
    engine mark the whole roles key secret) cannot be read: its rows come from the other side
    of the trust, the source users' assume-role policies, and say that the trust is secret."""
    view = _Plan(plan)
    created_users = {_name(u) for u in view.of(USER)}
    grants = []
    for role in view.of(ROLE):
        inputs = role.get("inputs", {})
        # What every row of this role shares; the rows fill in the principal and its conditions.
        base = Grant(
            principal="",
            principal_arn="",
            created=False,
            role=_name(role),
            account=view.accounts.get("target", "?"),
            mfa="",
            external_id="",
            session_tags="",
            source_identity="",
            session=_duration(inputs.get("maxSessionDuration", 3600)),
            permissions=_permissions(view, _name(role), inputs.get("permissionsBoundary")),
        )
        if inputs.get("assumeRolePolicy") == SECRET:
            grants += _grants_from_identity_policies(view, role, created_users, base)
            continue
        grants += _grants_from_trust(view, role, created_users, base)
    grants += _grants_elsewhere(view, created_users)
    return tuple(sorted(_with_groups(view, grants), key=lambda g: (g.principal, g.account, g.role)))


def _grants_from_trust(view: _Plan, role: Mapping[str, Any], created_users: set[str], base: Grant) -> list[Grant]:
    """A role's rows from its trust policy: one per principal of each Allow of sts:AssumeRole*."""
    grants = []
    for s in statements(role.get("inputs", {}).get("assumeRolePolicy")):
        actions = {a.lower() for a in s.action}
        if s.effect != "Allow" or not actions & {*ASSUME_ACTIONS, *FEDERATED_ACTIONS}:
            continue
        conditions = _conditions_of(s.condition)
        for kind, arn in s.principal:
            match = USER_ARN.match(arn) if kind == "AWS" else None
            who = match.group(3) if match else (arn if kind == "AWS" else f"{kind} {arn}")
            row = replace(
                base,
                principal=who,
                principal_arn=arn,
                created=who in created_users,
                # What AWS decides, identity side and trust side together: the plan's
                # decision (crossaccount.plan.route.decide_mfa), carried by the outputs.
                mfa=aws_mfa(conditions["mfa"], mfa_reason(view.plan.get("outputs"), base.role, who)),
                external_id=conditions["external_id"],
                session_tags="allowed" if "sts:tagsession" in actions else "no",
                source_identity=conditions["source_identity"],
            )
            grants.append(_federated(row, kind, arn, s, actions))
    return grants


def _names_another_role(document: Any, mine: set[str]) -> bool:
    """Whether a Resource of a statement of `document` (JSON text) names a role not in `mine`:
    the test that spares parsing, into canonical form, the documents that give no such row (the
    people's stack's own assume-role policies, one per person). It reads the values as
    `canonical.statements` does, so it never skips a document that gives one."""
    if not isinstance(document, str):
        return False
    try:
        parsed = json.loads(document)
    except json.JSONDecodeError:
        return False
    raw = parsed.get("Statement") if isinstance(parsed, Mapping) else None
    for s in [raw] if isinstance(raw, Mapping) else (raw if isinstance(raw, list) else []):
        resource = s.get("Resource") if isinstance(s, Mapping) else None
        for value in [resource] if isinstance(resource, str) else (resource if isinstance(resource, list) else []):
            match = ROLE_ARN.match(str(value))
            if match is not None and f"{match.group(1)}:role{match.group(2) or '/'}{match.group(3)}" not in mine:
                return True
    return False


def _grants_elsewhere(view: _Plan, created_users: set[str]) -> list[Grant]:
    """The people's stack's rows for the roles of other stacks: each source user's attached policy
    that allows sts:AssumeRole on a role this plan does not create. A person trusted only by
    other stacks' roles has their access here, where their assume-role policies are."""
    source = view.accounts.get("source")
    if source is None:
        return []
    target = view.accounts.get("target", "?")
    mine = {f"{target}:role{r.get('inputs', {}).get('path') or '/'}{_name(r)}" for r in view.of(ROLE)}
    policies = {}
    for policy in view.of(POLICY):
        if policy.get("account") == "source":
            inputs = policy.get("inputs", {})
            policies[f"{source}:policy{inputs.get('path') or '/'}{_name(policy)}"] = inputs.get("policy")
    # A policy attached to many users (the self-service policy: to every one) is read once.
    parsed: dict[str, list[Statement]] = {}
    grants: dict[tuple[str, str], Grant] = {}
    for attachment in view.of(USER_POLICY_ATTACHMENT):
        inputs = attachment.get("inputs", {})
        user, arn = str(inputs.get("user")), str(inputs.get("policyArn"))
        key = arn.split("iam::", 1)[-1]
        if key not in parsed:
            document = policies.get(key)
            parsed[key] = statements(document) if _names_another_role(document, mine) else []
        for s in parsed[key]:
            actions = {a.lower() for a in s.action}
            if s.effect != "Allow" or not actions & ASSUME_ACTIONS:
                continue
            for resource in s.resource:
                match = ROLE_ARN.match(resource)
                if match is None or f"{match.group(1)}:role{match.group(2) or '/'}{match.group(3)}" in mine:
                    continue
                mfa = _conditions_of(s.condition)["mfa"]
                grants[(user, resource)] = Grant(
                    principal=user,
                    principal_arn=f"arn:aws:iam::{source}:user/{user}",
                    created=user in created_users,
                    role=match.group(3),
                    account=match.group(1),
                    mfa=f"{mfa} (this stack's side; the role's trust may ask more)",
                    external_id="the role's stack",
                    session_tags="allowed" if "sts:tagsession" in actions else "no",
                    source_identity="the role's stack",
                    session="the role's stack",
                    permissions=(),
                    elsewhere=True,
                )
    return list(grants.values())


def _federated(row: Grant, kind: str, arn: str, s: Statement, actions: set[str]) -> Grant:
    """A permission set's or identity provider's row: who it is, and where MFA is enforced
    (not in the trust policy: Identity Center and SAML/OIDC sessions carry no
    aws:MultiFactorAuthPresent, docs/identity-center.md)."""
    values = {k.lower(): v for _, k, v in s.condition}
    patterns = [m["permission_set"] for v in values.get("aws:principalarn", ()) if (m := PERMISSION_SET_ROLE_PATTERN_RE.match(v))]
    if kind == "AWS" and patterns and len(patterns) == len(values["aws:principalarn"]):
        return replace(
            row,
            principal=", ".join(patterns),
            principal_arn=values["aws:principalarn"][0],
            kind="permission set",
            mfa="at sign-in to IAM Identity Center (not in the trust policy)",
        )
    if kind != "Federated":
        return row
    action = next((FEDERATED_ACTIONS[a] for a in sorted(actions) if a in FEDERATED_ACTIONS), "AssumeRole")
    if ":saml-provider/" in arn:
        return replace(
            row, principal=arn.rsplit("/", 1)[-1], kind="SAML provider", action=action, mfa="at sign-in to the identity provider"
        )
    url = arn.split(":oidc-provider/", 1)[-1]
    subject = values.get(f"{url}:sub".lower(), ("(any)",))
    return replace(
        row,
        principal=f"{url} (sub {', '.join(subject)})",
        kind="OIDC provider",
        action=action,
        mfa="not applicable (a token of the provider)",
    )


def mfa_reason(outputs: Any, role: str, user: str) -> str | None:
    """`roles.<role>.access.<user>.mfaReason` of the outputs: why AWS requires MFA of the person
    though the role's `requireMfa` does not; None where it does not differ or is a secret."""
    roles = outputs.get("roles") if isinstance(outputs, dict) else None
    entry = roles.get(role) if isinstance(roles, dict) else None
    access = entry.get("access") if isinstance(entry, dict) else None
    found = access.get(user) if isinstance(access, dict) else None
    reason = found.get("mfaReason") if isinstance(found, dict) else None
    return reason if isinstance(reason, str) and reason else None


def aws_mfa(trust: str, reason: str | None) -> str:
    """The trust policy's MFA, or what AWS requires where the person's own policies ask for more."""
    return trust if reason is None else f"required ({reason})"


def _with_groups(view: _Plan, grants: Sequence[Grant]) -> list[Grant]:
    """Say which rows come through a group: the role trusts it (`trustedGroups`: the trust
    policy names the members; the outputs say which group), or a policy attached to a group of
    the user allows sts:AssumeRole on the role (IAM evaluates a group's policies as each
    member's). And which of the user's groups carry other policies (`plan_groups`)."""
    outputs = view.plan.get("outputs")
    trusting = outputs.get("groups") if isinstance(outputs, dict) else None
    trusting = trusting if isinstance(trusting, dict) else {}
    groups = group_facts(view.plan)
    documents = policy_documents(view.plan) if groups else {}
    assumable = assumable_by_policy(groups, documents)
    of_user = groups_by_member(groups)
    roles = {_name(r): r.get("inputs", {}).get("path") or "/" for r in view.of(ROLE)}
    out = []
    for g in grants:
        role_key = f"{g.account}:role{roles.get(g.role, '/')}{g.role}"
        trusted = {
            n
            for n, v in trusting.items()
            if isinstance(v, dict) and g.principal in v.get("members", []) and g.role in v.get("roles", [])
        }
        mine = of_user.get(g.principal, {}) if g.kind == "aws" else {}
        granting = groups_granting(mine, assumable, g.principal, role_key)
        others = other_policies_of(mine, documents, g.principal)
        via = tuple(sorted(trusted | set(granting)))
        out.append(replace(g, via=via, group_policies=others) if (via, others) != (g.via, g.group_policies) else g)
    return out


def _grants_from_identity_policies(view: _Plan, role: Mapping[str, Any], created_users: set[str], base: Grant) -> list[Grant]:
    """Rows for a role whose trust policy is a secret: each source user whose attached policy
    allows sts:AssumeRole on the role's ARN; what only the trust says is shown as [secret]."""
    tail = f":iam::{base.account}:role{role.get('inputs', {}).get('path', '/')}{_name(role)}"
    users_by_policy = {str(a["inputs"].get("policyArn")): str(a["inputs"].get("user")) for a in view.of(USER_POLICY_ATTACHMENT)}
    source = view.accounts.get("source", "?")
    grants = []
    for policy in view.of(POLICY):
        if policy.get("account") != "source":
            continue
        policy_tail = f":iam::{source}:policy{policy.get('inputs', {}).get('path', '/')}{_name(policy)}"
        user = next((u for arn, u in users_by_policy.items() if arn.endswith(policy_tail)), None)
        if user is None:
            continue
        for s in statements(policy.get("inputs", {}).get("policy")):
            actions = {a.lower() for a in s.action}
            if s.effect == "Allow" and "sts:assumerole" in actions and any(r.endswith(tail) for r in s.resource):
                conditions = _conditions_of(s.condition)
                grants.append(
                    replace(
                        base,
                        principal=user,
                        principal_arn=f"arn:aws:iam::{source}:user/{user}",
                        created=user in created_users,
                        mfa=conditions["mfa"] + " (trust policy is secret)",
                        external_id=SECRET,
                        session_tags="allowed" if "sts:tagsession" in actions else "no",
                        source_identity=conditions["source_identity"],
                    )
                )
    return grants


# --- the model decides ---------------------------------------------------------------------------

ASSUME = "sts:AssumeRole"
ROW_KINDS = {"user", "role", "permission-set", "saml", "oidc"}
"""The model's principals that can be a row (a group is not: its members are, `via` it)."""
OTHER_STACKS_SIDE = "this stack's side; the role's trust may ask more"


def decided_rows(plan: Mapping[str, Any], model: AccessModel, rows: Sequence[Grant], alone: bool = False) -> tuple[Grant, ...]:
    """The access table as a view of the access model: each row is the model's answer to "may
    this principal call sts:AssumeRole* on this role", asked with MFA (a row exists) and without
    (the MFA column is `no` exactly when the model allows it without MFA). The documents' rows
    (`document_rows`) give the words (ExternalId, session tags, source identity, session,
    permissions, groups); the model gives the decision:

    - a row the documents name but the model denies even with MFA says so in its MFA column
      (`denied even with MFA (...)`), rather than vanish: a trust naming someone who cannot use
      it is worth a reviewer's look;
    - a principal the model lets assume a role of the plan that no document row names (a trust
      naming an account, a path or a tag) gets a row of its own;
    - where the plan does not hold a side (a person whose identity policies are another stack's,
      or another stack's role that a person of this stack may assume), that side stands in as
      allowing, and the row says whose side was decided (`OTHER_STACKS_SIDE`).
    """
    view = _Plan(plan)
    target = view.accounts.get("target", "?")
    mine = {_role_arn_key(target, r.get("inputs", {}).get("path") or "/", _name(r)) for r in view.of(ROLE)}
    roles = {k: r for k, r in ((_role_key(r), r) for r in model.roles.values()) if k in mine}
    out: list[Grant] = []
    covered: set[tuple[str, str]] = set()
    # One asker for every row: the assume step reads the principal's action, not the question's,
    # and caches what each principal's policies decide whatever the role.
    asker = Asker(model, Question(ASSUME, "*"))
    for g in rows:
        role = None if g.elsewhere else _model_role(model, g)
        principal = _model_principal(model, g) if role is not None else None
        if role is not None:
            covered.add(((principal.arn if principal else g.principal_arn).lower(), role.arn.lower()))
        try:
            out.append(_decide_elsewhere(asker, g) if g.elsewhere else _decide(asker, g, role, alone))
        except UnsupportedPolicy as error:  # the evaluator refuses to guess: the row says so
            out.append(replace(g, mfa=f"not decided: {error} (the documents say: {g.mfa})"))
    out += _with_groups(view, _model_only_rows(view, asker, roles, covered))
    return tuple(sorted(out, key=lambda g: (g.principal, g.account, g.role)))


def _role_arn_key(account: str, path: str, name: str) -> str:
    """A role as `<account>:role<path><name>`, the name lower-cased (IAM names ignore case)."""
    return f"{account}:role{path}{name.lower()}"


def _role_key(role: Role) -> str:
    match = ROLE_ARN.match(role.arn)
    return _role_arn_key(match.group(1), match.group(2) or "/", match.group(3)) if match else role.arn.lower()


def _model_role(model: AccessModel, g: Grant) -> Role | None:
    """The model's role of a row: by account and name, the name's case ignored (one, or None)."""
    found = _roles_by_name(model).get((g.account, g.role.lower()), [])
    return found[0] if len(found) == 1 else None


_BY_NAME: dict[int, tuple[AccessModel, dict[tuple[str, str], list[Role]]]] = {}


def _roles_by_name(model: AccessModel) -> dict[tuple[str, str], list[Role]]:
    """(account, lower-case name) -> the model's roles: built once per model (the last one)."""
    hit = _BY_NAME.get(id(model))
    if hit is None or hit[0] is not model:
        index: dict[tuple[str, str], list[Role]] = {}
        for r in model.roles.values():
            index.setdefault((r.account, r.name.lower()), []).append(r)
        _BY_NAME.clear()
        _BY_NAME[id(model)] = hit = (model, index)
    return hit[1]


FEDERATED_KINDS = {"permission set": "permission-set", "SAML provider": "saml", "OIDC provider": "oidc"}


def _model_principal(model: AccessModel, g: Grant) -> Principal | None:
    """The model's principal for a row, or None where the model has none (its side is not in the plans)."""
    if g.kind == "aws":
        kind = "user" if g.is_user else "role"
        return model.principals.get(f"{kind}:{g.principal_arn.lower()}")
    if g.kind == "permission set":
        found = [p for p in model.principals.values() if p.kind == "permission-set" and p.name.lower() == g.principal.lower()]
        return found[0] if len(found) == 1 else None
    federated = FEDERATED_KINDS.get(g.kind)
    return model.principals.get(f"{federated}:{g.principal_arn.lower()}") if federated else None


def _policies_elsewhere(principal: Principal, g: Grant) -> bool:
    """Whether, in the model of this plan alone, the person's identity policies are another
    stack's: a user this plan does not create and attaches nothing to (a roles-only stack's
    trusted person). With the organisation's model the person's policies are all there."""
    return principal.kind == "user" and not g.created and not principal.identity


def _stand_in(g: Grant, role_arn: str) -> Principal | None:
    """A person whose identity side the plans given do not hold (a person of the people's stack
    seen from a roles-only stack): taken to allow sts:AssumeRole on the role, and said so. Only
    a user: the model holds every role a trust names (a role outside the project stands in as
    one of its principals already)."""
    match = USER_ARN.match(g.principal_arn) if g.kind == "aws" else None
    if match is None:
        return None
    account, name = match.group(1), match.group(3)
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ASSUME, "Resource": role_arn}]}
    source = f"{g.principal_arn} (its own policies are another stack's: taken to allow {ASSUME} on the role)"
    return Principal(
        kind="user",
        name=name,
        arn=g.principal_arn,
        account=account,
        caller=Caller("AWS", g.principal_arn, None, account),
        assume_action=ASSUME,
        identity=(Policy(document, source, "identity"),),
        context=user_keys(g.principal_arn, account, name),
        assumed="its identity policies are another stack's, not in this plan",
    )


def _decide(asker: Asker, g: Grant, role: Role | None, alone: bool) -> Grant:
    """One document row of this plan's role, with the model's decision in its MFA column (a row
    the model cannot place, a principal it cannot name, is left as read)."""
    principal = None if role is None else _model_principal(asker.model, g)
    if role is not None and (principal is None or (alone and _policies_elsewhere(principal, g))):
        principal = _stand_in(g, role.arn)
    if role is None or principal is None:
        return g
    with_mfa = asker.assume(principal, role, True).decision
    if not with_mfa.allowed:
        return replace(g, mfa=f"denied even with MFA ({with_mfa.reason})")
    # A permission set's or provider's session carries no MFA key: its MFA is at sign-in.
    federated = principal.caller.kind == "Federated" or g.kind == "permission set"
    without = None if federated else _without_mfa(asker, principal, role)
    if without is None or (not without.allowed and g.mfa.startswith("required")):
        return g
    return replace(g, mfa="no" if without.allowed else f"required ({without.reason})")


def _without_mfa(asker: Asker, principal: Principal, role: Role) -> Decision:
    """The model's answer without MFA; where the trust alone settles it (`Asker.trust_asks_mfa`),
    without a second evaluation (the review's rows are most of its cost at scale)."""
    if asker.trust_asks_mfa(principal, role):
        return Decision(False, f"{role.trust.source} allows it only with aws:MultiFactorAuthPresent true", ())
    return asker.assume(principal, role, False).decision


def _decide_elsewhere(asker: Asker, g: Grant) -> Grant:
    """A row for another stack's role: the person's side, as the model decides it. With the
    organisation's model the role is there and the row is decided whole; with this plan's alone,
    the role's trust stands in as allowing the person."""
    principal = _model_principal(asker.model, g)
    if principal is None:
        return g
    role = _model_role(asker.model, replace(g, elsewhere=False))
    arn = f"arn:aws:iam::{g.account}:role/{g.role}" if role is None else role.arn
    if role is None:
        trust = {
            "Version": "2012-10-17",
            # The person by the model's ARN (with its path: the row's is built from the user's name).
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal.arn}, "Action": ASSUME}],
        }
        match = ROLE_ARN.match(arn)
        role = Role(
            name=g.role,
            arn=arn,
            account=g.account,
            where="another stack",
            trust=Policy(trust, f"{arn} (its trust policy is another stack's: taken to allow the person)", "resource"),
            permissions=(),
            boundary=None,
            unknown=("its stack is not in the plans given",),
            external_id=None,
            require_source_identity=False,
            mfa_max_age_seconds=None,
            secret=False,
            trusted=frozenset({principal.arn.lower()}) if match else None,
        )
        side = OTHER_STACKS_SIDE
    else:
        side = ""
    with_mfa = asker.assume(principal, role, True).decision
    if not with_mfa.allowed:
        return replace(g, mfa=f"denied even with MFA ({with_mfa.reason})")
    without = asker.assume(principal, role, False).decision
    if without.allowed:
        mfa = "no"
    else:
        read = g.mfa.split(" (", 1)[0]
        mfa = read if read.startswith("required") else f"required ({without.reason})"
    return replace(g, mfa=f"{mfa} ({side})" if side else mfa)


def _model_only_rows(view: _Plan, asker: Asker, roles: Mapping[str, Role], covered: set[tuple[str, str]]) -> list[Grant]:
    """Rows the documents' reading does not name but the model allows: a principal of the model
    that may assume a role of this plan (with MFA), through a trust that names its account, a
    path, a tag or a provider rather than its ARN."""
    if not roles:
        return []
    wanted = {r.arn.lower() for r in roles.values()}
    rows: list[Grant] = []
    created_users = {_name(u) for u in view.of(USER)}
    by_name = {_name(r): r for r in view.of(ROLE)}
    for principal in asker.model.principals.values():
        if principal.kind not in ROW_KINDS:
            continue
        for role in asker.first_roles(principal):
            if role.arn.lower() not in wanted or (principal.arn.lower(), role.arn.lower()) in covered:
                continue
            try:
                with_mfa = asker.assume(principal, role, True).decision
                without = asker.assume(principal, role, False).decision if with_mfa.allowed else with_mfa
            except UnsupportedPolicy:
                # A policy the evaluator refuses to guess at: the rows the documents name for this
                # role say so (`decided_rows`); a pair they do not name is not guessed into one.
                continue
            if with_mfa.allowed:
                row = _model_row(view, principal, role, with_mfa, without.allowed, created_users, by_name.get(role.name))
                rows.append(row)
    return rows


def _model_row(
    view: _Plan,
    principal: Principal,
    role: Role,
    decision: Decision,
    without_mfa: bool,
    created_users: set[str],
    resource: Mapping[str, Any] | None,
) -> Grant:
    """A row the model alone gives: its words from the trust statement that allowed it."""
    trust = [ref for ref in decision.because if ref.kind == "resource"]
    found = statements(role.trust.document)
    s = found[trust[0].index] if trust and trust[0].index < len(found) else None
    conditions = (
        _conditions_of(s.condition) if s is not None else {"mfa": "", "external_id": "no", "source_identity": "not required"}
    )
    actions = {a.lower() for a in s.action} if s is not None else set()
    inputs = resource.get("inputs", {}) if resource is not None else {}
    mfa = "no" if without_mfa else (conditions["mfa"] if conditions["mfa"].startswith("required") else "required")
    return Grant(
        principal=principal.name,
        principal_arn=principal.arn,
        created=principal.name in created_users,
        role=role.name,
        account=role.account,
        mfa=mfa,
        external_id=conditions["external_id"],
        session_tags="allowed" if "sts:tagsession" in actions else "no",
        source_identity=conditions["source_identity"],
        session=_duration(inputs.get("maxSessionDuration", 3600)),
        permissions=_permissions(view, role.name, inputs.get("permissionsBoundary")),
        kind="aws" if principal.caller.kind == "AWS" else ("SAML provider" if principal.kind == "saml" else "OIDC provider"),
        action=principal.assume_action.split(":", 1)[1],
    )
