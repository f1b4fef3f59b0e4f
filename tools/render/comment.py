"""The one pull-request comment for every stack of the project, within GitHub's limit.

    python -m tools.commands.review_comment review/ [--max-chars 65536]

A GitHub comment holds 65,536 characters (`budget.COMMENT_CHARS`), whatever the number of
stacks. An organisation has 20 to 500 accounts, a stack each, and a pull request usually
changes one or two of them. An equal share per stack (the first design) gives each of 500
stacks 131 characters, less than the header of one review, and cuts the change of the stacks
listed last. So the comment is shared out by what changed:

1. a header and a table with a row per **changed** stack, widened access first: **who gains
   access** (how many pairs of principal and role gain access or widen: a person added to a
   trust is one, however many documents carry the change), then how many of the documents'
   changes widen, narrow or are other, and how many resources change; so the reviewer sees at
   once where access grows, however many stacks changed;
2. one line naming the stacks with **no change** (nothing but their names: no review);
3. the review of each changed stack (`budget.render_within`: what changed first), in the
   table's order, each with an equal share of what is left or, where that is under
   `budget.MIN_CHARS`, that least while it lasts; the stacks whose review no longer fits are
   named in a last line (their whole reviews are in the artifact).

A stack without a base plan (a new stack, or one the base branch cannot plan) is compared with
nothing: every grant it makes is widened access (each row of its access table a pair that
gains access), its row says it is new, and its review's
"what changed" lists them. Where the names of the unchanged stacks would take the room of a
changed stack's review, that line counts them and names the first while it fits (their plans
and whole reviews are in the artifact: `tools comment` refuses a folder without them).
Every review, whole, and every plan stay in the artifact (`plan --artifact`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crossaccount.access.diff import same_access_inputs
from crossaccount.access.grants import access_grants

from .budget import COMMENT_CHARS, MIN_CHARS, render_within, size
from .escape import code
from .plan_diff import PlanDiff, diff_plans
from .plan_file import PROJECT
from .plan_index import indexed
from .review import Grant

TAIL_CHARS = 200
"""Room for the last line, which counts the reviews that did not fit."""
MARKER = "<!-- cross-account-roles review plan -->"
"""The first line of the comment: the workflow updates the one comment that starts with it."""


@dataclass(frozen=True)
class StackPlans:
    stack: str
    plan: Mapping[str, Any]
    base: Mapping[str, Any] | None
    """The base branch's plan of the stack; None: a new stack, or the base cannot plan it."""


def empty_plan(stack: str) -> dict[str, Any]:
    """The base of a stack the base branch does not have: nothing, so all it grants is new."""
    return {"project": PROJECT, "stack": stack, "resources": [], "outputs": {}, "findings": []}


@dataclass(frozen=True)
class _Changed:
    plans: StackPlans
    diff: PlanDiff
    rows: tuple[Grant, ...]
    """The plan's access rows: the diff's, and the review's table (computed once)."""

    @property
    def new(self) -> bool:
        return self.plans.base is None

    def counts(self) -> tuple[int, int, int, int, int]:
        """Pairs of principal and role that gain access; the documents' widened, narrowed and
        other access changes; resources changed."""
        d = self.diff
        return (d.pairs("widens"), len(d.of("widens")), len(d.of("narrows")), len(d.of("other")), len(d.resources))

    def row(self) -> str:
        gains, widened, narrowed, other, resources = self.counts()
        name = code(self.plans.stack, cell=True) + (" (new: no base plan)" if self.new else "")
        return f"| {name} | {_warn(gains)} | {_warn(widened)} | {narrowed} | {other} | {resources} |"


def _warn(n: int) -> str:
    return f"**{n}** :warning:" if n else "0"


def _changed(stacks: Sequence[StackPlans]) -> tuple[list[_Changed], list[str]]:
    """The stacks that change, each with its diff (a new stack's against nothing: every grant of
    it is widened access), and the names of those that do not."""
    changed: list[_Changed] = []
    unchanged: list[str] = []
    for s in stacks:
        base = s.base if s.base is not None else empty_plan(s.stack)
        # Where nothing the rows read changed (most stacks of a pull request), no row is computed:
        # the access model's rows cost milliseconds a stack.
        same = s.base is not None and same_access_inputs(base, s.plan)
        rows = () if same else access_grants(s.plan)  # once: the diff's, and the review's table (its memo below)
        diff = diff_plans(base, s.plan, head_rows=rows)
        if s.base is not None and not diff.access and not diff.resources and not diff.who:
            unchanged.append(s.stack)
        else:
            changed.append(_Changed(s, diff, access_grants(s.plan) if same else rows))
    # Who gains access first (most pairs first), then the documents' widened access, then new
    # stacks, then the rest; by name within.
    changed.sort(key=lambda c: (-c.counts()[0], -c.counts()[1], not c.new, c.plans.stack))
    return changed, sorted(unchanged)


def _unchanged_line(unchanged: Sequence[str], room: int) -> str:
    """The stacks with no change, by name while `room` allows, then how many more: each one's plan
    and whole review are in the artifact whatever this line shows (`tools comment` checks both)."""
    whole = "No change: " + ", ".join(code(name) for name in unchanged) + "."
    if size(whole) + 2 <= room:
        return whole
    n = len(unchanged)
    named: list[str] = []
    for name in unchanged:
        line = _unchanged_cut(n, [*named, code(name)])
        if size(line) + 2 > room:
            break
        named.append(code(name))
    return _unchanged_cut(n, named)


def _unchanged_cut(n: int, named: list[str]) -> str:
    more = n - len(named)
    listed = (": " + ", ".join(named) + f", and {more:,} more") if named else ""
    return (
        f"No change in {n:,} stack(s){listed} (each one's plan and whole review are in the artifact: "
        "`review/<stack>.json`, `review/<stack>.md`)."
    )


def render_comment(stacks: Sequence[StackPlans], max_chars: int = COMMENT_CHARS) -> str:
    """The comment for `stacks` in at most `max_chars` characters (GitHub's count). The list of
    unchanged stacks is shortened before any changed stack's review is left out."""
    if max_chars < 2 * MIN_CHARS:
        raise ValueError(f"max_chars {max_chars}: expected at least {2 * MIN_CHARS:,} characters")
    changed, unchanged = _changed(stacks)
    head = [MARKER, "## Review plan", ""]
    if not changed:
        head.append(f"No stack changes: {len(unchanged)} stack(s) planned against the base branch, the same plan.")
    else:
        head += [
            f"{len(changed)} of {len(stacks)} stack(s) change, widened access first (who gains access: pairs of "
            "principal and role that gain or widen; a new stack's every grant is widened access). Each stack's whole review and plan are in the run's `review-plan` artifact "
            "(`review/<stack>.md`, `review/<stack>.json`).",
            "",
            "| stack | who gains access | widened | narrowed | other access changes | resources changed |",
            "| --- | --- | --- | --- | --- | --- |",
            *(c.row() for c in changed),
        ]
    text = "\n".join(head) + "\n"
    if size(text) > max_chars:  # a table of hundreds of changed stacks: its rows stop, the count stays
        return _cut_table(head, max_chars)
    if unchanged:
        # The reviews of the changed stacks come first: the list of unchanged stacks takes what
        # the least of each review leaves, and never less than its count.
        room = max_chars - size(text) - TAIL_CHARS - len(changed) * (MIN_CHARS + 1)
        head += ["", _unchanged_line(unchanged, room)]
        text = "\n".join(head) + "\n"
    left = max_chars - size(text) - TAIL_CHARS  # room kept for the line naming the reviews not shown
    skipped: list[str] = []
    for i, c in enumerate(changed):
        # An equal share of what is left, and where that is too little for a review, the first
        # stacks (widened first) get the least a review takes while it lasts.
        # (Each review takes a newline before it too.)
        share = max(MIN_CHARS, left // (len(changed) - i) - 1)
        if left < MIN_CHARS + 1:
            skipped = [d.plans.stack for d in changed[i:]]
            break
        base = c.plans.base if c.plans.base is not None else empty_plan(c.plans.stack)
        with indexed(c.plans.plan) as index:
            index.memo["diff"] = (base, c.diff)  # the diff the table counted is the review's (review.plan_diff's memo)
            index.memo["grants"] = c.rows  # and the rows it compared, the review's table (review.access_grants's memo)
            review = "\n" + render_within(c.plans.plan, base, share)
        text += review
        left -= size(review)
    if skipped:
        tail = "\n_Not shown for want of room (whole, in the artifact): " + ", ".join(code(s) for s in skipped) + "._\n"
        if size(tail) > left + TAIL_CHARS:
            tail = f"\n_{len(skipped)} more stack review(s) not shown for want of room: see the artifact._\n"
        text += tail
    return text


def _cut_table(head: list[str], max_chars: int) -> str:
    note = "… more rows of this table in the artifact (`review/`), and no review shown for want of room."
    kept: list[str] = []
    for line in head:
        if size("\n".join([*kept, line, "", note])) + 2 > max_chars:
            break
        kept.append(line)
    return "\n".join([*kept, "", note]) + "\n"
