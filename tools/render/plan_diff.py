"""What changed between two plans, in the reviewer's Markdown: the widened access first, then
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

from .escape import code, text

__all__ = [
    "AccessChange",
    "PlanDiff",
    "ResourceChange",
    "change_lines",
    "diff_plans",
    "diff_section",
    "document_changes",
    "resource_change_row",
]


def change_lines(changes: Sequence[AccessChange]) -> list[str]:
    """Each access change as a list item: where (bold) and what, both escaped."""
    return [f"- **{text(c.where)}**: {text(c.text)}" for c in changes]


def diff_section(diff: PlanDiff) -> list[str]:
    lines = [f"#### What changed against the base plan (stack {code(diff.base_stack)})", ""]
    if not diff.resources and not diff.access:
        return [*lines, "No change: the same resources and documents as the base plan (reordering is not a change)."]
    widened, narrowed, other = diff.of("widens"), diff.of("narrows"), diff.of("other")
    if widened:
        lines += [f"##### :warning: Widened access ({len(widened)})", "", *change_lines(widened), ""]
    elif diff.only_narrows:
        lines += ["**This change only narrows access.**", ""]
    elif not diff.access:
        lines += ["No access changes: no document, attachment, session length or boundary differs.", ""]
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
