"""What changed between two plans, by who: the access table's rows of the base plan against the
head plan's (`crossaccount.access.grants.access_grants`), pair by pair.

A **pair** is a principal and a role it may assume (one row of the access table). Between two
plans:

- a pair only in the head plan **widens**: the principal may now assume a role it could not
  (through a group too: the row says `via`); a pair only in the base plan **narrows**;
- for a pair in both, each column that changed, classed (`_COLUMNS`): MFA `required` -> `no`
  widens and the reverse narrows, a longer MFA age limit (or none) widens; ExternalId required
  -> `no` widens; session tags `no` -> `allowed` widens; a pinned source identity -> `not
  required` widens (more allowed values widen); a longer session widens; a permission added
  widens and one removed narrows, a permissions boundary added narrows and removed widens; a
  change of the groups a pair comes through (`via`), or of words this code cannot order (a
  secret ExternalId against a shown one), is *other*.

Rows are matched by the principal's ARN (its name's case ignored, as IAM ignores it: a user
renamed only by case is the same principal), its kind, the account and the role's name (case
ignored). The rows are the model's answers (`access_grants`); this module only compares them,
so the diff by who can never disagree with the access table.

Plain data out (frozen dataclasses whose words are plain text, never Markdown): the review
(`tools.render.plan_diff`) prints them, escaped. Part of the core: imports nothing from `tools/`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from .grants import Grant, Permission

Effect = Literal["widens", "narrows", "other"]
Column = Literal["access", "MFA", "ExternalId", "session tags", "source identity", "longest session", "permissions", "via"]

MFA_AGE = re.compile(r"at most (\d+) s old")
SESSION = re.compile(r"^(\d+) (h|s)$")
EFFECT_ORDER = {"widens": 0, "narrows": 1, "other": 2}
COLUMN_ORDER = {
    c: i
    for i, c in enumerate(
        ("access", "MFA", "ExternalId", "session tags", "source identity", "longest session", "permissions", "via")
    )
}


@dataclass(frozen=True)
class WhoChange:
    """One change of who may assume what: pairs gained or lost, or one column of pairs, for one
    role and one or more principals (the same change of a role for each of its principals, a
    longer session, is one change naming them all)."""

    effect: Effect
    who: tuple[str, ...]
    """The principals as a reviewer names them: `user bob`, `role arn:...`, `permission set X`,
    `SAML provider Okta`, `OIDC provider <url> (sub <subject>)`; sorted, case ignored first."""
    role: str
    account: str
    column: Column
    """`access`: the pairs are gained or lost; else the column of the access table that changed."""
    text: str
    """What changed, in plain words: `may now assume it (MFA required)`, `MFA required -> no`."""

    def pairs(self) -> set[tuple[str, str, str]]:
        """The pairs of principal and role this change is about (for counting pairs, not changes)."""
        return {(who.lower(), self.account, self.role.lower()) for who in self.who}


def _who(g: Grant) -> str:
    if g.kind != "aws":
        return f"{g.kind} {g.principal}"
    if g.is_user:
        return f"user {g.principal}"
    if g.is_role:
        return f"role {g.principal_arn}"
    return f"principal {g.principal}"


Key = tuple[str, str, str, str, str]


def _key(g: Grant) -> Key:
    """What identifies a pair: the principal's kind and ARN (an OIDC provider's subject too: two
    rows of one provider differ by it; a subject is case-sensitive), the account, the role."""
    kind = g.kind
    return (kind, g.principal_arn.lower(), g.principal if kind == "OIDC provider" else "", g.account, g.role.lower())


def _gained_text(g: Grant) -> str:
    notes = [f"MFA {g.mfa}"]
    if g.external_id not in ("no", "the role's stack"):
        notes.append(f"ExternalId {g.external_id}")
    if g.via:
        notes.append(f"through group {', '.join(g.via)}")
    if g.elsewhere:
        notes.append("another stack's role")
    return f"may now assume it ({'; '.join(notes)})"


def _lost_text(g: Grant) -> str:
    return "may no longer assume it" + (f" (it came through group {', '.join(g.via)})" if g.via else "")


# --- the columns -------------------------------------------------------------------------------


def _mfa_level(value: str) -> tuple[bool, float] | None:
    """(required, the longest MFA age allowed: infinite where no limit), or None for words that
    are not `no` or `required...` (`at sign-in to ...`: enforced elsewhere)."""
    if value == "no":
        return (False, float("inf"))
    if value.startswith("required"):
        age = MFA_AGE.search(value)
        return (True, float(age.group(1)) if age else float("inf"))
    return None


def _mfa_effect(before: str, after: str) -> Effect:
    a, b = _mfa_level(before), _mfa_level(after)
    if a is None or b is None or a == b:
        return "other"
    if a[0] != b[0]:
        return "widens" if a[0] else "narrows"  # required -> no widens
    return "widens" if b[1] > a[1] else "narrows"  # both required: a longer age widens


def _toggle_effect(closed: str) -> Callable[[str, str], Effect]:
    """For a column where `closed` is the narrower word (`no` session tags): `closed` -> any
    other word widens, the reverse narrows."""

    def effect(before: str, after: str) -> Effect:
        if closed not in (before, after):
            return "other"
        return "narrows" if after == closed else "widens"

    return effect


def _external_id_effect(before: str, after: str) -> Effect:
    # `no` is the open value: any ExternalId required -> `no` widens.
    if "no" not in (before, after) or "the role's stack" in (before, after):
        return "other"
    return "widens" if after == "no" else "narrows"


def _source_identity_effect(before: str, after: str) -> Effect:
    def values(v: str) -> frozenset[str] | None:
        if v == "not required":
            return None
        return frozenset(x.strip() for x in v.removeprefix("= ").split(",")) if v.startswith("= ") else frozenset()

    if not (before == "not required" or before.startswith("= ")) or not (after == "not required" or after.startswith("= ")):
        return "other"
    a, b = values(before), values(after)
    if a is None:
        return "narrows"  # not required -> pinned
    if b is None:
        return "widens"  # pinned -> not required
    if a < b:
        return "widens"
    return "narrows" if b < a else "other"


def _seconds(value: str) -> int | None:
    match = SESSION.match(value)
    if match is None:
        return None
    return int(match.group(1)) * (3600 if match.group(2) == "h" else 1)


def _session_effect(before: str, after: str) -> Effect:
    a, b = _seconds(before), _seconds(after)
    if a is None or b is None or a == b:
        return "other"
    return "widens" if b > a else "narrows"


_COLUMNS: tuple[tuple[Column, Callable[[Grant], str], Callable[[str, str], Effect]], ...] = (
    ("MFA", lambda g: g.mfa, _mfa_effect),
    ("ExternalId", lambda g: g.external_id, _external_id_effect),
    ("session tags", lambda g: g.session_tags, _toggle_effect("no")),
    ("source identity", lambda g: g.source_identity, _source_identity_effect),
    ("longest session", lambda g: g.session, _session_effect),
)
"""(column, its words in a row, how a change of them is classed)."""


def _permission_text(p: Permission) -> str:
    return p.name if p.kind == "file" else f"{'permissions boundary' if p.kind == 'boundary' else p.kind} {p.name}"


def _permission_changes(before: Grant, after: Grant) -> list[tuple[Effect, str]]:
    if before.elsewhere or after.elsewhere:  # another stack's role: its permissions are that stack's
        return []
    a, b = set(before.permissions), set(after.permissions)
    out: list[tuple[Effect, str]] = []
    for p in sorted(b - a, key=lambda p: (p.kind, p.name)):
        # A boundary caps the role: one added narrows what the role may do.
        out.append(("narrows" if p.kind == "boundary" else "widens", f"gains {_permission_text(p)}"))
    for p in sorted(a - b, key=lambda p: (p.kind, p.name)):
        out.append(("widens" if p.kind == "boundary" else "narrows", f"loses {_permission_text(p)}"))
    return out


def _joined(rows: Sequence[Grant], column: Callable[[Grant], str]) -> str:
    """A column's words over the rows of one pair (one row, nearly always: two statements of
    one trust policy may name the same principal)."""
    return " / ".join(sorted({column(r) for r in rows}))


def _pair_changes(before: Sequence[Grant], after: Sequence[Grant]) -> list[tuple[Effect, Column, str]]:
    out: list[tuple[Effect, Column, str]] = []
    for column, words, classify in _COLUMNS:
        a, b = _joined(before, words), _joined(after, words)
        if a != b:
            effect = classify(a, b) if len(before) == len(after) == 1 else "other"
            out.append((effect, column, f"{column} {a} -> {b}"))
    if len(before) == len(after) == 1:
        out += [(effect, "permissions", words) for effect, words in _permission_changes(before[0], after[0])]
    else:
        a, b = _joined(before, _permissions_words), _joined(after, _permissions_words)
        if a != b:
            out.append(("other", "permissions", f"permissions {a} -> {b}"))
    via_a, via_b = _joined(before, _via_words), _joined(after, _via_words)
    if via_a != via_b:
        out.append(("other", "via", f"through group {via_a or '(none)'} -> {via_b or '(none)'}"))
    return out


def _permissions_words(g: Grant) -> str:
    return ", ".join(_permission_text(p) for p in g.permissions) or "none"


def _via_words(g: Grant) -> str:
    return ", ".join(g.via)


def _by_pair(rows: Iterable[Grant]) -> dict[Key, list[Grant]]:
    out: dict[Key, list[Grant]] = {}
    for g in rows:
        key = _key(g)
        found = out.get(key)
        if found is None:
            out[key] = [g]
        else:
            found.append(g)
    return out


def who_changes(base: Sequence[Grant], head: Sequence[Grant]) -> tuple[WhoChange, ...]:
    """The changes of who may assume what from the rows of `base` to those of `head`: widened
    first, then narrowed, then other; within, by principal, account, role and column."""
    old, new = _by_pair(base), _by_pair(head)
    # (effect, role, account, column, words) -> the principals it holds for, in the rows' words.
    found: dict[tuple[Effect, str, str, Column, str], set[str]] = {}
    for key in new.keys() - old.keys():
        g = new[key][0]
        found.setdefault(("widens", g.role, g.account, "access", _gained_text(g)), set()).add(_who(g))
    for key in old.keys() - new.keys():
        g = old[key][0]
        found.setdefault(("narrows", g.role, g.account, "access", _lost_text(g)), set()).add(_who(g))
    for key in old.keys() & new.keys():
        a, b = old[key], new[key]
        if a == b:
            continue
        g = b[0]
        for effect, column, words in _pair_changes(a, b):
            found.setdefault((effect, g.role, g.account, column, words), set()).add(_who(g))
    out = [
        WhoChange(effect, tuple(sorted(who, key=lambda w: (w.lower(), w))), role, account, column, words)
        for (effect, role, account, column, words), who in found.items()
    ]
    return tuple(
        sorted(
            out,
            key=lambda c: (
                EFFECT_ORDER[c.effect],
                [(w.lower(), w) for w in c.who],
                c.account,
                c.role.lower(),
                c.role,
                COLUMN_ORDER[c.column],
                c.text,
            ),
        )
    )


def pairs(changes: Iterable[WhoChange], effect: Effect) -> int:
    """How many pairs of principal and role have a change of `effect` (a pair gained and its
    columns are one pair: a trust that gains one person is one, whatever its documents say)."""
    return len(set().union(*(c.pairs() for c in changes if c.effect == effect)))
