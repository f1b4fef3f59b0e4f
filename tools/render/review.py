"""The reviewer's plan: `make plan FORMAT=markdown`, the pull-request comment.

Built from the plan's data alone (the JSON document `make plan FORMAT=json` prints), so it
renders the same from a live run or from a saved plan, offline and without secrets (a value
the plan holds as a secret is `[secret]`; an ExternalId is shown as present, never its value):

1. with a base plan (`--against`), **what changed**: widened access first, in its own
   section, then narrowed and other access changes, then the resources added, replaced,
   updated and removed (`tools.render.plan_diff`);
2. the **access table**: who may assume which role, in which account, under which conditions,
   with which permissions;
3. a **Mermaid diagram** of the two accounts, users, roles and trust;
4. the resources, each policy document, the outputs and the guardrail findings.

Where that is longer than a comment holds, `tools.render.budget` shortens it (what changed
first, what did not in summary) and the whole review goes to the run's artifact.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from crossaccount.guardrails.model import Finding, summarise
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

from . import jsontext
from .escape import code, fence, html, html_code, label, text, visible
from .group_access import (
    assumable_by_policy,
    group_facts,
    groups_by_member,
    groups_granting,
    other_policies_of,
    policy_documents,
)
from .options import option_marks
from .plan_diff import AccessChange, PlanDiff, ResourceChange, diff_plans
from .plan_index import active, indexed
from .policy_docs import Statement, statements

FROM_FILE = re.compile(r"from (policies/[A-Za-z0-9._-]+\.json)")
USER_ARN = re.compile(r"^arn:[a-z-]+:iam::(\d{12}):user(/(?:[^/]+/)*)?([^/]+)$")
FEDERATED_ACTIONS = {"sts:assumerolewithsaml": "AssumeRoleWithSAML", "sts:assumerolewithwebidentity": "AssumeRoleWithWebIdentity"}


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
    permissions: tuple[str, ...]
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


def _resources(plan: Mapping[str, Any], type_: str) -> list[Mapping[str, Any]]:
    index = active(plan)
    if index is not None:
        return index.by_type.get(type_, [])
    return [r for r in plan.get("resources", []) if r.get("type") == type_]


def _accounts(plan: Mapping[str, Any]) -> dict[str, str]:
    """Side (`source`/`target`) -> account id, from the providers' allowedAccountIds."""
    index = active(plan)
    if index is not None:
        return index.accounts
    providers = {r["name"]: r for r in _resources(plan, PROVIDER)}
    sides: dict[str, str] = {}
    for r in plan.get("resources", []):
        provider = providers.get(r.get("provider") or "")
        if r.get("account") and provider is not None:
            ids = provider.get("inputs", {}).get("allowedAccountIds") or ["?"]
            sides.setdefault(r["account"], ", ".join(ids))
    return sides


def _name(r: Mapping[str, Any]) -> str:
    return str(r.get("inputs", {}).get("name") or r["name"])


def _duration(seconds: Any) -> str:
    if isinstance(seconds, int) and seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    return f"{seconds} s"


def _permissions(plan: Mapping[str, Any], role: str, boundary: str | None) -> tuple[str, ...]:
    """The role's permissions: the policy files behind the policies this stack creates (their
    description names the file), managed policies attached by ARN, and the boundary."""
    created, attached = _policies_by_role(plan)
    files, managed = [], []
    for arn in attached.get(role, []):
        mine = created.get(arn.split("iam::", 1)[-1])
        files.append(mine[0]) if mine else managed.append(f"managed {code(arn.split(':policy/', 1)[-1], cell=True)}")
    boundaries = [f"boundary {code(boundary.split(':policy/', 1)[-1], cell=True)}"] if boundary else []
    return (*sorted(files), *sorted(managed), *boundaries)


def _plain_permissions(plan: Mapping[str, Any], role: str, boundary: str | None) -> tuple[str, ...]:
    """`_permissions` as the diagram's labels name them: the same words, no Markdown."""
    created, attached = _policies_by_role(plan)
    plain = {arn: words for arn, (_, words) in created.items()}
    files, managed = [], []
    for arn in attached.get(role, []):
        mine = plain.get(arn.split("iam::", 1)[-1])
        files.append(mine) if mine else managed.append(f"managed {arn.split(':policy/', 1)[-1]}")
    boundaries = [f"boundary {boundary.split(':policy/', 1)[-1]}"] if boundary else []
    return (*sorted(files), *sorted(managed), *boundaries)


def _policies_by_role(plan: Mapping[str, Any]) -> tuple[dict[str, tuple[str, str]], dict[str, list[str]]]:
    """The target account's policies this stack creates (`<account>:policy<path><name>` -> how the
    table names it, in Markdown and in plain words), and each role's attached policy ARNs in plan order; computed once per
    rendering (`tools.render.plan_index`), not once per role."""
    index = active(plan)
    if index is not None and "policies_by_role" in index.memo:
        return index.memo["policies_by_role"]  # type: ignore[no-any-return]
    target = _accounts(plan).get("target", "?")
    created: dict[str, tuple[str, str]] = {}
    for r in _resources(plan, POLICY):
        if r.get("account") == "target":
            inputs = r.get("inputs", {})
            match = FROM_FILE.search(str(inputs.get("description", "")))
            tail = f"{target}:policy{inputs.get('path', '/')}{_name(r)}"
            if match:
                created[tail] = (code(match.group(1), cell=True), match.group(1))
            else:
                created[tail] = (f"policy {code(_name(r), cell=True)}", f"policy {_name(r)}")
    attached: dict[str, list[str]] = {}
    for a in _resources(plan, ROLE_POLICY_ATTACHMENT):
        inputs = a.get("inputs", {})
        if isinstance(inputs.get("role"), str):
            attached.setdefault(inputs["role"], []).append(str(inputs.get("policyArn")))
    if index is not None:
        index.memo["policies_by_role"] = (created, attached)
    return created, attached


def _conditions_of(conditions: tuple[tuple[str, str, tuple[str, ...]], ...], user: str) -> dict[str, str]:
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
        "user": user,
    }


def access_grants(plan: Mapping[str, Any]) -> list[Grant]:
    """Who may assume which role, read back from each role's trust policy (so it shows what
    AWS will enforce, not what the settings meant).

    A trust policy the plan holds as `[secret]` (a role with a `secure:` externalId makes the
    engine mark the whole roles key secret) cannot be read: its rows come from the other side
    of the trust, the source users' assume-role policies, and say that the trust is secret."""
    with indexed(plan) as index:  # once per rendering: the table, the diagram and the budget read them
        if "grants" not in index.memo:
            index.memo["grants"] = _access_grants(plan)
        return list(index.memo["grants"])


def _access_grants(plan: Mapping[str, Any]) -> list[Grant]:
    accounts = _accounts(plan)
    created_users = {_name(u) for u in _resources(plan, USER)}
    grants = []
    for role in _resources(plan, ROLE):
        inputs = role.get("inputs", {})
        # What every row of this role shares; the rows fill in the principal and its conditions.
        base = Grant(
            principal="",
            principal_arn="",
            created=False,
            role=_name(role),
            account=accounts.get("target", "?"),
            mfa="",
            external_id="",
            session_tags="",
            source_identity="",
            session=_duration(inputs.get("maxSessionDuration", 3600)),
            permissions=_permissions(plan, _name(role), inputs.get("permissionsBoundary")),
        )
        if inputs.get("assumeRolePolicy") == SECRET:
            grants += _grants_from_identity_policies(plan, role, created_users, base)
            continue
        for s in statements(inputs.get("assumeRolePolicy")):
            actions = {a.lower() for a in s.action}
            if s.effect != "Allow" or not actions & {"sts:assumerole", "sts:*", "*", *FEDERATED_ACTIONS}:
                continue
            for kind, arn in s.principal:
                match = USER_ARN.match(arn) if kind == "AWS" else None
                who = match.group(3) if match else (arn if kind == "AWS" else f"{kind} {arn}")
                conditions = _conditions_of(s.condition, who)
                row = replace(
                    base,
                    principal=who,
                    principal_arn=arn,
                    created=who in created_users,
                    # What AWS decides, identity side and trust side together: the plan's
                    # decision (crossaccount.plan.route.decide_mfa), carried by the outputs.
                    mfa=_aws_mfa(conditions["mfa"], _mfa_reason(plan.get("outputs"), _name(role), who)),
                    external_id=conditions["external_id"],
                    session_tags="allowed" if "sts:tagsession" in actions else "no",
                    source_identity=conditions["source_identity"],
                )
                grants.append(_federated(row, kind, arn, s, actions))
    grants += _grants_elsewhere(plan, created_users)
    return sorted(_with_groups(plan, grants), key=lambda g: (g.principal, g.account, g.role))


ROLE_ARN = re.compile(r"^arn:[a-z-]+:iam::(\d{12}):role(/(?:[^/]+/)*)?([^/]+)$")


def _grants_elsewhere(plan: Mapping[str, Any], created_users: set[str]) -> list[Grant]:
    """The people's stack's rows for the roles of other stacks: each source user's attached policy
    that allows sts:AssumeRole on a role this plan does not create. A person trusted only by
    other stacks' roles has their access here, where their assume-role policies are."""
    source = _accounts(plan).get("source")
    if source is None:
        return []
    target = _accounts(plan).get("target", "?")
    mine = {f"{target}:role{r.get('inputs', {}).get('path') or '/'}{_name(r)}" for r in _resources(plan, ROLE)}
    policies = {}
    for policy in _resources(plan, POLICY):
        if policy.get("account") == "source":
            inputs = policy.get("inputs", {})
            policies[f"{source}:policy{inputs.get('path') or '/'}{_name(policy)}"] = inputs.get("policy")
    grants: dict[tuple[str, str], Grant] = {}
    for attachment in _resources(plan, USER_POLICY_ATTACHMENT):
        inputs = attachment.get("inputs", {})
        user, arn = str(inputs.get("user")), str(inputs.get("policyArn"))
        for s in statements(policies.get(arn.split("iam::", 1)[-1])):
            actions = {a.lower() for a in s.action}
            if s.effect != "Allow" or not actions & {"sts:assumerole", "sts:*", "*"}:
                continue
            for resource in s.resource:
                match = ROLE_ARN.match(resource)
                if match is None or f"{match.group(1)}:role{match.group(2) or '/'}{match.group(3)}" in mine:
                    continue
                mfa = _conditions_of(s.condition, user)["mfa"]
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


def _mfa_reason(outputs: Any, role: str, user: str) -> str | None:
    """`roles.<role>.access.<user>.mfaReason` of the outputs: why AWS requires MFA of the person
    though the role's `requireMfa` does not; None where it does not differ or is a secret."""
    roles = outputs.get("roles") if isinstance(outputs, dict) else None
    entry = roles.get(role) if isinstance(roles, dict) else None
    access = entry.get("access") if isinstance(entry, dict) else None
    found = access.get(user) if isinstance(access, dict) else None
    reason = found.get("mfaReason") if isinstance(found, dict) else None
    return reason if isinstance(reason, str) and reason else None


def _aws_mfa(trust: str, reason: str | None) -> str:
    """The trust policy's MFA, or what AWS requires where the person's own policies ask for more."""
    return trust if reason is None else f"required ({reason})"


def _with_groups(plan: Mapping[str, Any], grants: list[Grant]) -> list[Grant]:
    """Say which rows come through a group: the role trusts it (`trustedGroups`: the trust
    policy names the members; the outputs say which group), or a policy attached to a group of
    the user allows sts:AssumeRole on the role (IAM evaluates a group's policies as each
    member's). And which of the user's groups carry other policies (`tools.render.group_access`)."""
    outputs = plan.get("outputs")
    trusting = outputs.get("groups") if isinstance(outputs, dict) else None
    trusting = trusting if isinstance(trusting, dict) else {}
    groups = group_facts(plan)
    documents = policy_documents(plan) if groups else {}
    assumable = assumable_by_policy(groups, documents)
    of_user = groups_by_member(groups)
    roles = {_name(r): r.get("inputs", {}).get("path") or "/" for r in _resources(plan, ROLE)}
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
        out.append(replace(g, via=tuple(sorted(trusted | set(granting))), group_policies=others))
    return out


def _grants_from_identity_policies(
    plan: Mapping[str, Any], role: Mapping[str, Any], created_users: set[str], base: Grant
) -> list[Grant]:
    """Rows for a role whose trust policy is a secret: each source user whose attached policy
    allows sts:AssumeRole on the role's ARN; what only the trust says is shown as [secret]."""
    tail = f":iam::{base.account}:role{role.get('inputs', {}).get('path', '/')}{_name(role)}"
    users_by_policy = {
        str(a["inputs"].get("policyArn")): str(a["inputs"].get("user")) for a in _resources(plan, USER_POLICY_ATTACHMENT)
    }
    source = _accounts(plan).get("source", "?")
    grants = []
    for policy in _resources(plan, POLICY):
        if policy.get("account") != "source":
            continue
        policy_tail = f":iam::{source}:policy{policy.get('inputs', {}).get('path', '/')}{_name(policy)}"
        user = next((u for arn, u in users_by_policy.items() if arn.endswith(policy_tail)), None)
        if user is None:
            continue
        for s in statements(policy.get("inputs", {}).get("policy")):
            actions = {a.lower() for a in s.action}
            if s.effect == "Allow" and "sts:assumerole" in actions and any(r.endswith(tail) for r in s.resource):
                conditions = _conditions_of(s.condition, user)
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


def _policy_name(arn: str) -> str:
    """`arn:aws:iam::aws:policy/ReadOnlyAccess` -> managed `ReadOnlyAccess`; `inline x` -> inline `x`."""
    if arn.startswith("inline "):
        return f"inline {code(arn.removeprefix('inline '), cell=True)}"
    return f"managed {code(arn.split(':policy/', 1)[-1], cell=True)}"


def access_table(grants: Sequence[Grant]) -> list[str]:
    lines = [
        "| user | role | account | MFA | ExternalId | session tags | source identity | longest session | permissions |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for g in grants:
        principal = code(g.principal, cell=True)
        if g.kind == "permission set":
            who = f"{principal} (IAM Identity Center permission set of the source account)"
        elif g.kind != "aws":
            who = f"{principal} ({g.kind} of the target account, {g.action})"
        elif ":role/" in g.principal_arn:
            who = f"{principal} (existing role of the source account)"
        else:
            who = principal + ("" if g.created else " (existing user, not created by this stack)")
        if g.via:
            who += f" (through group {', '.join(text(v, cell=True) for v in g.via)})"
        for group, policies in g.group_policies:
            gives = ", ".join(_policy_name(p) for p in policies)
            who += f" (group {text(group, cell=True)} gives {gives} in the source account)"
        # What the plan's documents say (values from files) is text; the permissions are Markdown already.
        said = (text(c, cell=True) for c in (g.account, g.mfa, g.external_id, g.session_tags, g.source_identity, g.session))
        role = code(g.role, cell=True) + (" (another stack's role)" if g.elsewhere else "")
        permissions = "in the role's own stack" if g.elsewhere else "<br>".join(g.permissions) or "none"
        cells = (who, role, *said, permissions)
        lines.append("| " + " | ".join(cells) + " |")
    if not grants:
        lines.append("| (nobody) | | | | | | | | |")
    return lines


# --- the diagram -----------------------------------------------------------------------------


def mermaid(plan: Mapping[str, Any]) -> str:
    """A flowchart: the source account's users, the target account's roles and their
    policies, and one edge per trust grant. Node ids are generated (u1, r1, p1), so any IAM
    name is safe; names appear only inside quoted labels."""
    with indexed(plan):
        return _mermaid(plan)


def _mermaid(plan: Mapping[str, Any]) -> str:
    accounts = _accounts(plan)
    stack = plan.get("stack", "")
    grants = access_grants(plan)
    users = sorted({(g.principal, g.created, g.principal_arn) for g in grants if USER_ARN.match(g.principal_arn)})
    # A permission set is drawn in the source account, an identity provider in the target account;
    # any other principal that is not a user of the source account, outside both accounts.
    sso = sorted({g.principal for g in grants if g.kind == "permission set"})
    providers = sorted({(g.kind, g.principal) for g in grants if g.kind in ("SAML provider", "OIDC provider")})
    user_names = {u for u, _, _ in users}
    others = sorted({g.principal for g in grants if g.kind == "aws" and g.principal not in user_names})
    role_resources = sorted(_resources(plan, ROLE), key=_name)
    roles = [_name(r) for r in role_resources]
    user_ids = {name: f"u{i + 1}" for i, (name, _, _) in enumerate(users)}
    other_ids = {who: f"x{i + 1}" for i, who in enumerate(others)}
    role_ids = {name: f"r{i + 1}" for i, name in enumerate(roles)}
    lines = ["flowchart LR"]
    lines.append(f'  subgraph source["source account {label(source_account(plan))} (stack {label(stack)})"]')
    for name, created, _ in users:
        kind = "IAM user" if created else "existing IAM user"
        lines.append(f'    {user_ids[name]}["{kind} {label(name)}"]')
    for i, name in enumerate(sso):
        lines.append(f'    s{i + 1}["IAM Identity Center permission set {label(name)}"]')
    if not users and not sso:
        lines.append('    none_source["no users"]')
    lines.append("  end")
    lines.append(f'  subgraph target["target account {label(accounts.get("target", "?"))}"]')
    policy_count = 0
    for role in role_resources:
        name = _name(role)
        lines.append(f'    {role_ids[name]}["IAM role {label(name)}"]')
        for permission in _plain_permissions(plan, name, role.get("inputs", {}).get("permissionsBoundary")):
            policy_count += 1
            lines.append(f'    p{policy_count}["{label(permission)}"] --- {role_ids[name]}')
    for i, (kind, name) in enumerate(providers):
        lines.append(f'    f{i + 1}["{kind} {label(name)}"]')
    if not roles:
        lines.append('    none_target["no roles"]')
    lines.append("  end")
    # Other stacks' roles the people of this stack may assume (their trust is drawn in their stack).
    elsewhere = sorted({(g.account, g.role) for g in grants if g.elsewhere})
    elsewhere_ids = {key: f"e{i + 1}" for i, key in enumerate(elsewhere)}
    if elsewhere:
        lines.append('  subgraph elsewhere["roles of other stacks (their trust, in their stack)"]')
        for (account, name), node in elsewhere_ids.items():
            lines.append(f'    {node}["IAM role {label(name)} in account {label(account)}"]')
        lines.append("  end")
    for who, node in other_ids.items():
        lines.append(f'  {node}["principal {label(who)}"]')
    starts = {("permission set", n): f"s{i + 1}" for i, n in enumerate(sso)}
    starts |= {p: f"f{i + 1}" for i, p in enumerate(providers)}
    for g in grants:
        start = starts.get((g.kind, g.principal)) or user_ids.get(g.principal) or other_ids[g.principal]
        how = [g.action]
        if g.kind == "aws" and g.mfa != "no":
            how.append("MFA")
        elif g.kind in ("permission set", "SAML provider"):
            how.append("MFA at sign-in")
        if g.external_id not in ("no", "the role's stack"):
            how.append("ExternalId")
        end = elsewhere_ids[(g.account, g.role)] if g.elsewhere else role_ids[g.role]
        lines.append(f'  {start} -- "{label(" + ".join(how))}" --> {end}')
    return "\n".join(lines)


# --- the comment -------------------------------------------------------------------------------


def _change_lines(changes: Sequence[AccessChange]) -> list[str]:
    return [f"- **{text(c.where)}**: {text(c.text)}" for c in changes]


def diff_section(diff: PlanDiff) -> list[str]:
    lines = [f"#### What changed against the base plan (stack {code(diff.base_stack)})", ""]
    if not diff.resources and not diff.access:
        return [*lines, "No change: the same resources and documents as the base plan (reordering is not a change)."]
    widened, narrowed, other = diff.of("widens"), diff.of("narrows"), diff.of("other")
    if widened:
        lines += [f"##### :warning: Widened access ({len(widened)})", "", *_change_lines(widened), ""]
    elif diff.only_narrows:
        lines += ["**This change only narrows access.**", ""]
    elif not diff.access:
        lines += ["No access changes: no document, attachment, session length or boundary differs.", ""]
    if narrowed:
        lines += [f"##### Narrowed access ({len(narrowed)})", "", *_change_lines(narrowed), ""]
    if other:
        lines += [f"##### Other access changes: judge these yourself ({len(other)})", "", *_change_lines(other), ""]
    if diff.resources:
        lines += ["##### Resources", "", "| change | account | type | name | inputs changed |", "| --- | --- | --- | --- | --- |"]
        for r in diff.resources:
            lines.append(resource_change_row(r, "forget (kept in AWS)" if r.action == "forget" else r.action))
    while lines[-1] == "":
        lines.pop()
    return lines


def resource_change_row(r: ResourceChange, action: str) -> str:
    """A row of what changed's resources table."""
    changed = ", ".join(code(k, cell=True) + (" (forces replacement)" if k in r.replaced_by else "") for k in r.inputs)
    return (
        f"| {action} | {text(r.account or '', cell=True)} | {code(r.type, cell=True)} | {code(r.name, cell=True)} | {changed} |"
    )


def source_account(plan: Mapping[str, Any]) -> str:
    """The source account: its provider's, or, in a roles-only stack (no resource there), the
    `sourceAccountId` output (the people's stack's account its roles trust)."""
    found = _accounts(plan).get("source")
    outputs = plan.get("outputs")
    output = outputs.get("sourceAccountId") if isinstance(outputs, dict) else None
    return found or (output if isinstance(output, str) else "?")


def header(plan: Mapping[str, Any]) -> list[str]:
    """The review's first lines: the stack, its accounts, how many resources."""
    accounts = _accounts(plan)
    source = text(source_account(plan))
    if "source" not in accounts and source != "?":
        source += " (a roles-only stack: its people, and their assume-role policies, are the people's stack's there)"
    return [
        f"### Plan for stack {code(plan.get('stack'))}",
        "",
        f"Offline plan (Pulumi's mocks; no account was called): source account {source}, "
        f"target account {text(accounts.get('target', '?'))}, {len(plan.get('resources', []))} resources.",
        "",
    ]


def finding_line(f: Mapping[str, Any]) -> str:
    """A guardrail finding as a list item; its message and waiver reason come from the plan."""
    waived = f" **waived**: {text(f['waived'])}" if f.get("waived") is not None else ""
    return f"- {text(f['severity'])} {code(f['rule_id'])} at {code(f['location'])}: {text(f['message'])}{waived}"


def json_block(document: str) -> list[str]:
    """A JSON text in a fenced block no line of it can close (its invisible characters as JSON escapes)."""
    shown = "\n".join(visible(line) for line in document.split("\n"))
    mark = fence(shown)
    return [f"{mark}json", shown, mark]


def plan_diff(plan: Mapping[str, Any], base: Mapping[str, Any]) -> PlanDiff:
    """`diff_plans(base, plan)`, once per rendering of `plan` against this very `base` object."""
    index = active(plan)
    memo = index.memo.get("diff") if index is not None else None
    if memo is not None and memo[0] is base:
        return memo[1]  # type: ignore[no-any-return]
    diff = diff_plans(base, plan)
    if index is not None:
        index.memo["diff"] = (base, diff)
    return diff


def render_review(plan: Mapping[str, Any], base: Mapping[str, Any] | None = None) -> str:
    """The Markdown comment for a plan (and, with `base`, what changed since that plan)."""
    with indexed(plan):
        return _render_review(plan, base)


def _render_review(plan: Mapping[str, Any], base: Mapping[str, Any] | None) -> str:
    lines = header(plan)
    if base is not None:
        lines += [*diff_section(plan_diff(plan, base)), ""]
    lines += ["#### Who may assume what", "", *access_table(access_grants(plan)), ""]
    lines += ["#### Diagram", "", "```mermaid", mermaid(plan), "```", ""]
    resources = plan.get("resources", [])
    lines += ["#### Resources", "", "| account | type | name | provider |", "| --- | --- | --- | --- |"]
    for r in resources:
        marks = option_marks(r.get("options"), lambda value: text(value, cell=True))
        name = code(_name(r), cell=True) + (f" {marks}" if marks else "")
        account, provider = (text(r.get(k) or "", cell=True) for k in ("account", "provider"))
        lines.append(f"| {account} | {code(r['type'], cell=True)} | {name} | {provider} |")
    for r in resources:
        for k in ("assumeRolePolicy", "policy"):
            written = r.get("inputs", {}).get(k)
            if isinstance(written, str):
                try:
                    doc = jsontext.dumps(json.loads(written), sort_keys=False)
                except json.JSONDecodeError:
                    doc = written
                summary = f"<details><summary>{html(r['type'])} {html_code(_name(r))} {k}</summary>"
                lines += ["", summary, "", *json_block(doc), "</details>"]
    lines += [
        "",
        "#### Outputs",
        "",
        *json_block(jsontext.dumps(plan.get("outputs", {}))),
    ]
    findings = plan.get("findings", [])
    lines += ["", "#### Guardrails", "", f"{_summary(findings)} (rules and waivers: docs/guardrails.md)"]
    if findings:
        lines.append("")
    lines += [finding_line(f) for f in findings]
    return "\n".join(lines) + "\n"


def _summary(findings: Sequence[Mapping[str, Any]]) -> str:
    return summarise(Finding(**f) for f in findings)
