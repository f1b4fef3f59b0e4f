"""`accessInvariants`: each invariant parsed strictly, then what pydantic cannot see: a unique
name, an action and a resource IAM could name, principals without wildcards, and an invariant
that says something. Whether each principal exists is judged against the whole project's access
model, by `check` (crossaccount.access.invariants)."""

from __future__ import annotations

import re
from typing import Any

from crossaccount.errors import key, show

from .models import AccessInvariant
from .parse import parse

KEY = "accessInvariants"
ACTION_RE = re.compile(r"^(\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)\Z", re.ASCII)
RESOURCE_RE = re.compile(r"^(\*|arn:[\x21-\x7e]+)\Z", re.ASCII)
PRINCIPAL_RE = re.compile(r"^[\x21-\x7e]+\Z", re.ASCII)


def parse_invariants(raw: dict[str, Any], problems: list[str]) -> list[AccessInvariant]:
    """The stack's access invariants, or the problems of each one that is wrong."""
    value = raw.get(KEY, [])
    if not isinstance(value, list):
        problems.append(f"{key((KEY,))}: got {show(value)}; expected a list of invariants, each with name, action and resource")
        return []
    found: list[AccessInvariant] = []
    names: dict[str, int] = {}
    for i, given in enumerate(value):
        item = given
        if isinstance(given, dict) and "allow" in given and not isinstance(given["allow"], list) and given["allow"] != "none":
            problems.append(f"{key((KEY, i, 'allow'))}: got {show(given['allow'])}; expected a list of principals, or none")
            item = {**given, "allow": "none"}  # one problem for the one mistake; the rest is still checked
        invariant = parse(AccessInvariant, item, (KEY, i), problems)
        if invariant is None:
            continue
        problems += _problems(invariant, i)
        earlier = names.setdefault(invariant.name.lower(), i)
        if earlier != i:
            problems.append(
                f"{key((KEY, i, 'name'))}: {show(invariant.name)} is also the name of {key((KEY, earlier))}; "
                "expected a name unique in the stack (case ignored)"
            )
        found.append(invariant)
    return found


def _problems(invariant: AccessInvariant, i: int) -> list[str]:
    problems = []
    if not invariant.name.strip() or not invariant.name.isprintable():
        problems.append(f"{key((KEY, i, 'name'))}: got {show(invariant.name)}; expected a short printable name")
    if not ACTION_RE.match(invariant.action):
        problems.append(
            f"{key((KEY, i, 'action'))}: got {show(invariant.action)}; expected an action as IAM names it, "
            'service:Action, with * or ? as wildcards (e.g. iam:* or s3:DeleteBucket), or "*"'
        )
    if not RESOURCE_RE.match(invariant.resource):
        problems.append(
            f"{key((KEY, i, 'resource'))}: got {show(invariant.resource)}; expected an ARN or ARN pattern "
            '(e.g. arn:aws:s3:::prod-*) without spaces, or "*"'
        )
    for j, principal in enumerate(invariant.allow if isinstance(invariant.allow, list) else []):
        if not PRINCIPAL_RE.match(principal) or "*" in principal or "?" in principal:
            problems.append(
                f"{key((KEY, i, 'allow', j))}: got {show(principal)}; expected one principal without wildcards: a user name, "
                "group:NAME, role:NAME or role:ARN, permission-set:NAME, saml:ARN, oidc:ARN, or an ARN"
            )
    if invariant.allow is None and not invariant.require_mfa:
        problems.append(
            f"{key((KEY, i))}: {show(invariant.name)} says nothing; expected allow (a list of principals, or none) "
            "or requireMfa: true"
        )
    return problems
