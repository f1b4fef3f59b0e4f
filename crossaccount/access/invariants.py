"""Access invariants (`accessInvariants`, docs/access.md), judged against the access model of
every stack of the project: `check` and `check --all` refuse a change that breaks one, naming
the principal, the path (principal -> role...) and the deciding statements.

An invariant `{name, action, resource, allow, requireMfa}` holds when every path that reaches
the action on the resource (a pattern: any action or resource it matches), with MFA, starts at
a principal `allow` names (a user; a member of a named group; a named role, or a path through
it; a permission set or provider), and, with `requireMfa: true`, no such path holds without
MFA. `allow: none`: no path may reach it. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

from crossaccount.errors import SettingsError, key, show
from crossaccount.guardrails import ERROR, WARNING, Finding
from crossaccount.settings.models import AccessInvariant

from .model import AccessModel, ControlPolicies, PathAnswer, Question, statement_text, who_can
from .principals import Principal, find
from .types import UnsupportedPolicy

RULE = "ACCESS_INVARIANT"
KEY = "accessInvariants"


def allowed_principals(model: AccessModel, invariants: Sequence[AccessInvariant], file_name: str) -> list[list[Principal] | None]:
    """Each invariant's `allow` as principals of the model (None: anyone); one `SettingsError`
    naming each entry that names no principal of the project."""
    problems: list[str] = []
    resolved: list[list[Principal] | None] = []
    for i, invariant in enumerate(invariants):
        if invariant.allow is None:
            resolved.append(None)
            continue
        found = []
        for j, entry in enumerate(invariant.allow if isinstance(invariant.allow, list) else []):
            try:
                found.append(find(model.principals, entry))
            except SettingsError as error:
                problems += [f"{file_name} {key((KEY, i, 'allow', j))}: {p}" for p in error.problems]
        resolved.append(found)
    if problems:
        raise SettingsError(problems, "the access invariants were not checked")
    return resolved


def permitted(path: PathAnswer, allowed: Sequence[Principal]) -> bool:
    """Whether `allowed` names the path's principal, a group it is a member of, or a role it goes through."""
    principal = path.principal
    for p in allowed:
        if p.has_member(principal):
            return True
        if p.arn.lower() == principal.arn.lower() and p.kind == principal.kind:
            return True
        if p.kind == "role" and any(p.arn.lower() == t.lower() for t in path.through):
            return True
    return False


def findings(
    model: AccessModel, invariants: Sequence[AccessInvariant], file_name: str, organisation: ControlPolicies | None = None
) -> list[Finding]:
    """One error for each (invariant, path) that breaks it."""
    found: list[Finding] = []
    for i, (invariant, allowed) in enumerate(zip(invariants, allowed_principals(model, invariants, file_name), strict=True)):
        notes: dict[str, str] = {}
        try:
            paths = who_can(model, Question(invariant.action, invariant.resource, {}, organisation), notes)
        except UnsupportedPolicy as error:
            # A policy the evaluator cannot read could hide a path: the invariant is not judged,
            # and says so as an error (never a silent pass).
            found.append(
                Finding(
                    RULE,
                    ERROR,
                    key((KEY, i)),
                    f"{show(invariant.name)} was not checked: a policy the evaluator cannot read: {error}; "
                    "use only the elements and condition operators docs/access.md (## The evaluation) lists",
                )
            )
            continue
        # The cap on pairs asked of one role (model.CANDIDATES) cut a reachable role's pairs, all
        # denied: a pair beyond them could be allowed. Said, not silently passed.
        found += [
            Finding(RULE, WARNING, key((KEY, i)), f"{show(invariant.name)} may not be fully checked: {n}") for n in notes.values()
        ]
        for path in sorted(paths, key=lambda p: (p.principal.label.lower(), p.principal.arn, p.through)):
            broken = []
            if allowed is not None and not permitted(path, allowed):
                names = ", ".join(p.label for p in allowed) if allowed else "no one"
                broken.append(f"allow names {names}")
            if invariant.require_mfa and path.without_mfa:
                broken.append("requireMfa: true, and this path holds without MFA")
            if broken:
                found.append(Finding(RULE, ERROR, key((KEY, i)), _message(invariant, path, broken)))
    return found


def _message(invariant: AccessInvariant, path: PathAnswer, broken: list[str]) -> str:
    step = path.steps[-1]
    way = f"through {path.principal.label} -> {' -> '.join(path.through)}" if path.through else "with its own policies (no role)"
    conditions = f" (conditions: {'; '.join(path.conditions)})" if path.conditions else ""
    statements = "; ".join(statement_text(s) for s in path.because)
    return (
        f"{show(invariant.name)} is broken: {path.principal.label} reaches {step.action} on {step.resource or '*'} "
        f"{way}{conditions}, and {' and '.join(broken)}; deciding statements: "
        f"{statements}. Remove the grant or the trust, or change the invariant"
    )


def not_checked(invariants: Sequence[AccessInvariant], refused: Sequence[str]) -> list[Finding]:
    """The invariants cannot be judged while a stack of the project is refused: its roles would be missing."""
    if not invariants or not refused:
        return []
    return [
        Finding(
            RULE,
            ERROR,
            key((KEY,)),
            f"not checked: {', '.join(refused)} {'is' if len(refused) == 1 else 'are'} refused by "
            f"{'its' if len(refused) == 1 else 'their'} settings, and the access model needs every stack "
            "(a refused stack's roles and grants would be missing); fix that stack first",
        )
    ]
