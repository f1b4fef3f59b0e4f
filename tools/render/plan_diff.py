"""What changed between two plans, in the reviewer's Markdown: who gains or loses access first
(the access table's rows compared, pair by pair), then the widened access of the documents, then
the narrowed and other access changes, then the resources.

The changes themselves (which statement, attachment, membership or session length widens or
narrows access) are computed in the core, `crossaccount.access.diff`; this module only prints
them, every word from a file escaped (`tools.render.escape`). The core's names are re-exported
here for the renderers and the commands that read them with the Markdown.
"""

from __future__ import annotations

from collections.abc import Sequence

from crossaccount.access.diff import (
    AccessChange,
    PlanDiff,
    ResourceChange,
    diff_plans,
    document_changes,
)
from crossaccount.access.who_gains import WhoChange

from .escape import code, text

__all__ = [
    "AccessChange",
    "PlanDiff",
    "ResourceChange",
    "WhoChange",
    "change_lines",
    "diff_plans",
    "diff_section",
    "document_changes",
    "resource_change_row",
    "who_heading",
    "who_lines",
]

WHO_MARK = {"widens": ":warning: widens", "narrows": "narrows", "other": "other (judge it yourself)"}


def who_heading(diff: PlanDiff) -> str:
    return f"##### Who gains or loses access ({len(diff.who)})"


def who_lines(changes: Sequence[WhoChange]) -> list[str]:
    """Each change of who may assume what as a list item: its effect, the principals (bold), the
    role and account, and what changed; every word from a plan escaped."""
    return [
        f"- {WHO_MARK[c.effect]}: **{_principals(c.who)}**, role {code(c.role)} in account {text(c.account)}: {text(c.text)}"
        for c in changes
    ]


def _principals(who: Sequence[str]) -> str:
    """`user a`, or for many users `users a, b, c`; else each as the core names it, escaped."""
    if len(who) > 1 and all(w.startswith("user ") for w in who):
        return "users " + ", ".join(text(w.removeprefix("user ")) for w in who)
    return ", ".join(text(w) for w in who)


def change_lines(changes: Sequence[AccessChange]) -> list[str]:
    """Each access change as a list item: where (bold) and what, both escaped."""
    return [f"- **{text(c.where)}**: {text(c.text)}" for c in changes]


def diff_section(diff: PlanDiff) -> list[str]:
    lines = [f"#### What changed against the base plan (stack {code(diff.base_stack)})", ""]
    if not diff.resources and not diff.access and not diff.who:
        return [*lines, "No change: the same resources and documents as the base plan (reordering is not a change)."]
    widened, narrowed, other = diff.of("widens"), diff.of("narrows"), diff.of("other")
    if diff.only_narrows:
        lines += ["**This change only narrows access.**", ""]
    elif not diff.access and not diff.who:
        lines += ["No access changes: no document, attachment, session length or boundary differs.", ""]
    if diff.who:
        lines += [who_heading(diff), "", *who_lines(diff.who), ""]
    if widened:
        lines += [f"##### :warning: Widened access ({len(widened)})", "", *change_lines(widened), ""]
    if narrowed:
        lines += [f"##### Narrowed access ({len(narrowed)})", "", *change_lines(narrowed), ""]
    if other:
        lines += [f"##### Other access changes: judge these yourself ({len(other)})", "", *change_lines(other), ""]
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
