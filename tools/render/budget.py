"""The reviewer's Markdown within a character budget: what a pull-request comment can hold.

A GitHub comment holds 65,536 characters and a job summary 1 MiB, but the whole review of a
4,000-person, 400-role stack is 20 MB (a row per user and role, a diagram, every document).
Where the whole review (`tools.render.review.render_review`) fits `max_chars`, it is the
review. Where it does not, the review is shortened, in this order:

1. the header, and a line saying the review is shortened and the whole one is an artifact;
2. **what changed**: who gains or loses access first (the access table's rows compared, pair
   by pair), then the documents' widened access, then narrowed, then other access changes, then
   the resources added, replaced, updated and removed;
3. the guardrail findings;
4. the access rows, now, of the roles and users the change touches (a touched user's first);
5. **what is unchanged, in summary**: resources counted by type, then one row per role (how
   many principals may assume it, its permissions) and one per user (how many roles), not
   one per user and role;
6. the whole access table and the diagram, each only where it fits whole.

Each part takes what it needs of what the parts before it left, so nothing is cut to make
room for something later: the change is cut only where it alone is larger than the budget.
After the change, each part leaves room for the headings of the parts after it (and the line
counting their rows), so every heading shows where the budget allows that much.
A part that does not fit ends with a blank line and `… N more rows in the artifact`, N exact. The whole review
and the plan JSON are written by `write_artifact` (`plan --artifact DIR`), which the workflow
uploads as an artifact of the run.

Sizes are counted as GitHub counts a comment's characters (JavaScript's `length`: UTF-16 code
units, so a character outside the Basic Multilingual Plane counts two).
"""

from __future__ import annotations

import errno
import os
import stat
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crossaccount.resource_types import POLICY, ROLE, USER

from . import jsontext
from .escape import code
from .plan_diff import PlanDiff, ResourceChange, change_lines, resource_change_row, who_heading, who_lines
from .plan_index import indexed
from .review import (
    Grant,
    _summary,
    access_grants,
    access_table,
    finding_line,
    header,
    mermaid,
    permissions_cells,
    plan_diff,
    render_review,
)

COMMENT_CHARS = 65_536
"""A GitHub comment's limit (the API refuses a longer body)."""
MIN_CHARS = 1_000
"""The smallest budget `plan --max-chars` takes: the header and the first changes fit."""
ROW_CHARS = 50
"""Fewer characters than any row of the access table has (nine cells of 23 characters together
at least, each with `| ` before it and a space after it)."""
EDGE_CHARS = 20
"""Fewer characters than any edge of the diagram has (`  u1 -- "AssumeRole" --> r1`)."""
NOT_SHORTENED = 0
"""`--max-chars 0`: the whole review, however long."""
MORE = "… {n:,} more rows in the artifact"
SHORTENED = (
    "_This review is shortened to {max_chars:,} characters: what changed comes first, whole; what is "
    "unchanged is summarised. The whole review (every access row, the diagram, every document) and the "
    "plan JSON are in the artifact (`plan --artifact`; on a pull request, the run's `review-plan` artifact)._"
)


def size(text: str) -> int:
    """Characters as GitHub counts them (UTF-16 code units)."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF) if not text.isascii() else len(text)


@dataclass
class Part:
    """A heading and the rows under it; the rows are cut to what the budget leaves."""

    heading: list[str]
    rows: list[str]
    tail: list[str] = field(default_factory=list)
    """Lines after the rows, kept with the heading (a closing fence)."""
    whole: bool = False
    """Only whole or not at all (the diagram, the whole access table)."""
    change: bool = False
    """Part of what changed (the header too): takes what it needs, however little that leaves."""

    def fixed(self) -> int:
        return sum(size(line) + 1 for line in (*self.heading, *self.tail))

    def least(self) -> int:
        """The heading, and the line counting the rows, when none of them fits."""
        return self.fixed() + (_more(len(self.rows)) if self.rows else 0)


def _more(n: int) -> int:
    """The size of the blank line and `… N more rows in the artifact` (after a table, a line with
    no blank line before it would be read as one more row of the table)."""
    return size(MORE.format(n=n)) + 2


def _fit(part: Part, budget: int) -> tuple[list[str], int]:
    """The part's lines within `budget` characters (each line with its newline), and what they
    use: all of them, or the first rows and `… N more rows in the artifact`, or nothing."""
    row_sizes = [size(r) + 1 for r in part.rows]
    need = part.fixed() + sum(row_sizes)
    if need <= budget:
        return [*part.heading, *part.rows, *part.tail], need
    if part.whole or part.fixed() + _more(len(part.rows)) > budget:
        return [], 0
    used, kept = part.fixed(), 0
    # A row is kept where it and the line counting the rows after it both fit; the whole part
    # does not fit, so the loop stops before the last row.
    while used + row_sizes[kept] + _more(len(part.rows) - kept - 1) <= budget:
        used += row_sizes[kept]
        kept += 1
    n = len(part.rows) - kept
    return [*part.heading, *part.rows[:kept], "", MORE.format(n=n), *part.tail], used + _more(n)


def _resource_rows(changes: Sequence[ResourceChange]) -> list[str]:
    return [resource_change_row(r, r.action) for r in changes]


def _change_parts(diff: PlanDiff) -> list[Part]:
    """What changed, in the whole review's words (`tools.render.plan_diff.diff_section`), as parts."""
    heading = f"#### What changed against the base plan (stack {code(diff.base_stack)})"
    if not diff.resources and not diff.access and not diff.who:
        no_change = "No change: the same resources and documents as the base plan (reordering is not a change)."
        return [Part([heading, "", no_change, ""], [], change=True)]
    widened, narrowed, other = diff.of("widens"), diff.of("narrows"), diff.of("other")
    parts = [Part([heading, ""], [], change=True)]
    if diff.only_narrows:
        parts[0].heading += ["**This change only narrows access.**", ""]
    elif not diff.access and not diff.who:
        parts[0].heading += ["No access changes: no document, attachment, session length or boundary differs.", ""]
    if diff.who:
        parts.append(Part([who_heading(diff), ""], who_lines(diff.who), [""], change=True))
    if widened:
        parts.append(Part([f"##### :warning: Widened access ({len(widened)})", ""], change_lines(widened), [""], change=True))
    if narrowed:
        parts.append(Part([f"##### Narrowed access ({len(narrowed)})", ""], change_lines(narrowed), [""], change=True))
    if other:
        other_heading = f"##### Other access changes: judge these yourself ({len(other)})"
        parts.append(Part([other_heading, ""], change_lines(other), [""], change=True))
    if diff.resources:
        head = ["##### Resources", "", "| change | account | type | name | inputs changed |", "| --- | --- | --- | --- | --- |"]
        parts.append(Part(head, _resource_rows(diff.resources), [""], change=True))
    return parts


def touched(diff: PlanDiff, plan: Mapping[str, Any], base: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """The roles and users (by name) whose access a changed resource is part of: the role or
    user itself, an attachment's role or user, and the roles and users a changed policy is
    attached to (in either plan)."""
    # Only the changed resources are looked up (a one-line change: one of 17,204 at 4,000 x 400).
    changed = {c.urn for c in diff.resources}
    resources = {r["urn"]: r for p in (base, plan) for r in p.get("resources", []) if r["urn"] in changed}
    attached: dict[str, set[tuple[str, str]]] = {}  # ":policy<path><name>" -> {("role"|"user", name)}
    if any(r.get("type") == POLICY for r in resources.values()):  # what a changed policy is attached to
        every = {r["urn"]: r for p in (base, plan) for r in p.get("resources", [])}
        for r in every.values():
            inputs = r.get("inputs", {})
            for kind in ("role", "user"):
                if isinstance(inputs.get(kind), str) and isinstance(inputs.get("policyArn"), str):
                    attached.setdefault(":policy" + inputs["policyArn"].split(":policy", 1)[-1], set()).add((kind, inputs[kind]))
    roles: set[str] = set()
    users: set[str] = set()
    for change in diff.resources:
        r = resources[change.urn]
        inputs = r.get("inputs", {})
        found: set[tuple[str, str]] = set()
        if r.get("type") == ROLE:
            found.add(("role", change.name))
        elif r.get("type") == USER:
            found.add(("user", change.name))
        elif r.get("type") == POLICY:
            found |= attached.get(f":policy{inputs.get('path', '/')}{change.name}", set())
        for kind in ("role", "user"):
            if isinstance(inputs.get(kind), str):
                found.add((kind, inputs[kind]))
        roles |= {name for kind, name in found if kind == "role"}
        users |= {name for kind, name in found if kind == "user"}
    return roles, users


def _unchanged_parts(
    plan: Mapping[str, Any], grants: Sequence[Grant], diff: PlanDiff | None, roles: set[str], users: set[str]
) -> list[Part]:
    """Counts, not rows: resources by type, then per role and per user the rows they have."""
    changed = {c.urn for c in diff.resources} if diff is not None else set()
    counts = Counter(r["type"] for r in plan.get("resources", []) if r["urn"] not in changed)
    total = sum(counts.values())
    by_type = ", ".join(f"{n:,} {code(t)}" for t, n in sorted(counts.items()))
    if diff is None:
        title, intro = "#### In summary", f"{total:,} resources: {by_type}."
    else:
        title, intro = (
            "#### Unchanged, in summary",
            f"{total:,} of {len(plan.get('resources', [])):,} resources unchanged: {by_type}.",
        )
    per_role: dict[str, list[Grant]] = {}
    per_user: Counter[str] = Counter()
    for g in grants:
        per_role.setdefault(g.role, []).append(g)
        per_user[g.principal] += 1
    role_rows = [
        f"| {code(role, cell=True)} | {len(rows):,} | {'<br>'.join(permissions_cells(rows[0].permissions)) or 'none'} |"
        for role, rows in sorted(per_role.items())
        if role not in roles
    ]
    user_rows = [f"| {code(user, cell=True)} | {n:,} |" for user, n in sorted(per_user.items()) if user not in users]
    return [
        Part([title, "", intro, ""], []),
        Part(["| role | principals who may assume it | permissions |", "| --- | --- | --- |"], role_rows, [""]),
        Part(["| principal | roles it may assume |", "| --- | --- |"], user_rows, [""]),
    ]


def _lower_bound(plan: Mapping[str, Any], stop: int) -> int:
    """Fewer characters than the whole review has: a row of its resources table per resource
    (at least `| x | \\`t\\` | \\`n\\` |  |` and the type's own length). Where even this exceeds the
    budget, the whole review is not rendered at all. Counted until it exceeds `stop` (a
    comment's 65,536 characters: about 1,000 of 17,204 resources at 4,000 x 400)."""
    total = 0
    for r in plan.get("resources", []):
        total += len(str(r.get("type", ""))) + len(str(r.get("name", ""))) + 12
        if total > stop:
            break
    return total


def render_within(plan: Mapping[str, Any], base: Mapping[str, Any] | None, max_chars: int) -> str:
    """The review of `plan` (against `base`) in at most `max_chars` characters (0: no limit)."""
    return review_and_whole(plan, base, max_chars, want_whole=False)[0]


def review_and_whole(
    plan: Mapping[str, Any], base: Mapping[str, Any] | None, max_chars: int, want_whole: bool
) -> tuple[str, str | None]:
    """The review within `max_chars` (0: no limit) and, with `want_whole` or where it may fit,
    the whole review; both from one index of the plan (its access rows and diff read once)."""
    if max_chars != NOT_SHORTENED and max_chars < MIN_CHARS:
        raise ValueError(f"max_chars {max_chars}: expected 0 (no limit) or at least {MIN_CHARS:,} characters")
    with indexed(plan):
        whole = None
        if want_whole or max_chars == NOT_SHORTENED or _lower_bound(plan, max_chars) <= max_chars:
            whole = render_review(plan, base)
        if whole is not None and (max_chars == NOT_SHORTENED or size(whole) <= max_chars):
            return whole, whole
        return _shortened(plan, base, max_chars), whole


def _shortened(plan: Mapping[str, Any], base: Mapping[str, Any] | None, max_chars: int) -> str:
    parts = [
        Part(
            [
                *header(plan),
                SHORTENED.format(max_chars=max_chars),
                "",
            ],
            [],
            change=True,
        )
    ]
    diff = plan_diff(plan, base) if base is not None else None
    grants = access_grants(plan)
    roles: set[str] = set()
    users: set[str] = set()
    if diff is not None:
        parts += _change_parts(diff)
        roles, users = touched(diff, plan, base or {})
    findings = plan.get("findings", [])
    parts.append(
        Part(
            ["#### Guardrails", "", f"{_summary(findings)} (rules and waivers: docs/guardrails.md)", ""],
            [finding_line(f) for f in findings],
            [""] if findings else [],
        )
    )
    if diff is not None:
        # The rows of a user the change touches first (a principal added to a role), then the
        # other rows of the roles it touches.
        rows = [g for g in grants if g.principal in users] + [g for g in grants if g.role in roles and g.principal not in users]
        if rows:
            table = access_table(rows)
            parts.append(Part(["#### Who may assume what, now, where the change touches", "", *table[:2]], table[2:], [""]))
    parts += _unchanged_parts(plan, grants, diff, roles, users)
    lines: list[str] = []
    left = max_chars
    least = [0 if part.change else part.least() for part in parts]
    for i, part in enumerate(parts):
        # What comes after the change keeps room for the headings (and counts) of the parts after it.
        reserve = 0 if part.change else sum(least[i + 1 :])
        kept, used = _fit(part, left - reserve if left - reserve >= least[i] else left)
        lines += kept
        left -= used
    if left > ROW_CHARS * len(grants):  # the whole access table, where it may fit
        kept, used = _fit(Part(["#### Who may assume what", ""], access_table(grants), [""], whole=True), left)
        lines += kept
        left -= used
    diagram = Part(["#### Diagram", "", "```mermaid"], [], ["```", ""], whole=True)
    if left > diagram.fixed() + EDGE_CHARS * len(grants):  # a diagram has an edge per row
        diagram.rows = mermaid(plan).splitlines()
        kept, used = _fit(diagram, left)
        lines += kept
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def artifact_problem(directory: Path, stack: str) -> str | None:
    """Why `plan --artifact DIR` cannot write `DIR/<stack>.md` and `.json`, judged with `lstat`
    before anything is opened: DIR must be a folder (or not exist yet) and each file a regular
    file (or not exist yet). A named pipe there would make the write wait for a reader forever;
    a link could write the review anywhere it points."""
    checks = (
        (directory, stat.S_ISDIR, "a folder to write <stack>.md and <stack>.json into"),
        (directory / f"{stack}.md", stat.S_ISREG, "a regular file or none, for the whole review"),
        (directory / f"{stack}.json", stat.S_ISREG, "a regular file or none, for the plan JSON"),
    )
    for path, wanted, expected in checks:
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:
            if path == directory:
                return None  # made by the write, empty
            continue
        except OSError as error:
            return f"{path}: cannot be looked at ({error.strerror or error}); expected {expected}"
        if not wanted(mode) and path == directory:
            return f"not a folder ({_kind(mode)}); expected {expected}"
        if not wanted(mode):
            return f"{path.name} in it is {_kind(mode)}; expected {expected}"
    return None


def _kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a FIFO, a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISREG, "a regular file"),
    ):
        if test(mode):
            return kind
    return "not a regular file"


def write_artifact(directory: Path, stack: str, whole: str, plan_json: str) -> list[Path]:
    """The whole review (`<stack>.md`) and the plan JSON (`<stack>.json`) in `directory`; each file
    opened without following a link and without waiting (`O_NOFOLLOW | O_NONBLOCK`), so a link or
    pipe put there after `artifact_problem` looked is an error, never a hang."""
    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / f"{stack}.md", directory / f"{stack}.json"]
    for path, content in zip(written, (whole, plan_json), strict=True):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(errno.EINVAL, f"{path} is not a regular file")
            stream.truncate(0)
            stream.write(content)
    return written


def plan_json(plan: Mapping[str, Any]) -> str:
    """The plan as `make plan FORMAT=json` prints it."""
    return jsontext.dumps(plan) + "\n"
