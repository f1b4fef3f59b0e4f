"""The reviewer's plan: `make plan FORMAT=markdown`, the pull-request comment.

Built from the plan's data alone (the JSON document `make plan FORMAT=json` prints), so it
renders the same from a live run or from a saved plan, offline and without secrets (a value
the plan holds as a secret is `[secret]`; an ExternalId is shown as present, never its value):

1. with a base plan (`--against`), **what changed**: who gains or loses access first (the
   access rows of the two plans compared, pair by pair), then the documents' widened access,
   in its own section, then narrowed and other access changes, then the resources added, replaced,
   updated and removed (computed by `crossaccount.access.diff`, printed by `tools.render.plan_diff`);
2. the **access table**: who may assume which role, in which account, under which conditions,
   with which permissions (its rows computed by `crossaccount.access.grants`);
3. a **Mermaid diagram** of the two accounts, users, roles and trust;
4. the resources, each policy document, the outputs and the guardrail findings.

Where that is longer than a comment holds, `tools.render.budget` shortens it (what changed
first, what did not in summary) and the whole review goes to the run's artifact.

Rendering only: what the review says about access is decided in the core (`crossaccount/access`);
here it is put into Markdown, every string from a file escaped (`tools.render.escape`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from crossaccount.access.grants import Grant, Permission, PlannedRole, account_sides, planned_roles
from crossaccount.access.grants import access_grants as _grants_of
from crossaccount.guardrails.model import Finding, summarise

from . import jsontext
from .escape import code, fence, html, html_code, label, text, visible
from .options import option_marks
from .plan_diff import PlanDiff, diff_plans, diff_section
from .plan_index import active, indexed

__all__ = ["Grant", "access_grants", "access_table", "diff_section", "mermaid", "permissions_cells", "render_review"]


def _accounts(plan: Mapping[str, Any]) -> dict[str, str]:
    """Side (`source`/`target`) -> account id, from the providers' allowedAccountIds."""
    index = active(plan)
    return index.accounts if index is not None else account_sides(plan)


def _name(r: Mapping[str, Any]) -> str:
    return str(r.get("inputs", {}).get("name") or r["name"])


def access_grants(plan: Mapping[str, Any]) -> list[Grant]:
    """The access table's rows (`crossaccount.access.grants.access_grants`), computed once per
    rendering: the table, the diagram and the budget read them."""
    with indexed(plan) as index:
        if "grants" not in index.memo:
            index.memo["grants"] = _grants_of(plan)
        return list(index.memo["grants"])


def _planned_roles(plan: Mapping[str, Any]) -> tuple[PlannedRole, ...]:
    """`crossaccount.access.grants.planned_roles`, once per rendering."""
    with indexed(plan) as index:
        if "roles" not in index.memo:
            index.memo["roles"] = planned_roles(plan)
        return index.memo["roles"]  # type: ignore[no-any-return]


def _permission(p: Permission) -> str:
    """A permission in the table's Markdown: a file as code, the others by kind and code."""
    return code(p.name, cell=True) if p.kind == "file" else f"{p.kind} {code(p.name, cell=True)}"


def permissions_cells(permissions: Sequence[Permission]) -> tuple[str, ...]:
    """A role's permissions as the table lists them: the policies the stack creates, then the
    managed ones, each group in the order of its Markdown, then the boundary."""
    created = sorted(_permission(p) for p in permissions if p.kind in ("file", "policy"))
    managed = sorted(_permission(p) for p in permissions if p.kind == "managed")
    return (*created, *managed, *(_permission(p) for p in permissions if p.kind == "boundary"))


def plain_permission(p: Permission) -> str:
    """A permission as the diagram's labels name it: the same words, no Markdown."""
    return p.name if p.kind == "file" else f"{p.kind} {p.name}"


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
        elif g.is_role:
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
        permissions = "in the role's own stack" if g.elsewhere else "<br>".join(permissions_cells(g.permissions)) or "none"
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
    users = sorted({(g.principal, g.created, g.principal_arn) for g in grants if g.is_user})
    # A permission set is drawn in the source account, an identity provider in the target account;
    # any other principal that is not a user of the source account, outside both accounts.
    sso = sorted({g.principal for g in grants if g.kind == "permission set"})
    providers = sorted({(g.kind, g.principal) for g in grants if g.kind in ("SAML provider", "OIDC provider")})
    user_names = {u for u, _, _ in users}
    others = sorted({g.principal for g in grants if g.kind == "aws" and g.principal not in user_names})
    role_list = sorted(_planned_roles(plan), key=lambda r: r.name)
    roles = [r.name for r in role_list]
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
    for role in role_list:
        lines.append(f'    {role_ids[role.name]}["IAM role {label(role.name)}"]')
        for permission in role.permissions:
            policy_count += 1
            lines.append(f'    p{policy_count}["{label(plain_permission(permission))}"] --- {role_ids[role.name]}')
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
    # One test of the whole text where it is plain (printable ASCII lines: each is shown as it is),
    # not one per line: the outputs alone are 190,000 lines at 2,000 x 200.
    plain = document.isascii() and document.replace("\n", "").isprintable()
    shown = document if plain else "\n".join(visible(line) for line in document.split("\n"))
    mark = fence(shown)
    return [f"{mark}json", shown, mark]


def plan_diff(plan: Mapping[str, Any], base: Mapping[str, Any]) -> PlanDiff:
    """`diff_plans(base, plan)`, once per rendering of `plan` against this very `base` object."""
    index = active(plan)
    memo = index.memo.get("diff") if index is not None else None
    if memo is not None and memo[0] is base:
        return memo[1]  # type: ignore[no-any-return]
    # The head plan's rows are the access table's, computed once for both (the base plan's here).
    diff = diff_plans(base, plan, head_rows=access_grants(plan) if index is not None else None)
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
                    doc = jsontext.dumps(json.loads(written), sort_keys=False, text=written)
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
