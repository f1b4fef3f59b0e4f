"""A plan's resources indexed once, for the reviewer's Markdown (`tools.render.review`).

The renderer asks the plan the same questions for every role (its accounts, its policies, its
attachments). Answered by a scan of every resource each time, the 4,000 x 400 stack's review
took 14 s on top of the plan, nearly all of it in those scans (17,204 resources, 400 roles,
three scans per role and two renderings of the access table). While `indexed(plan)` is active,
the scans are answered from one pass over the plan instead.

The index belongs to one plan object for the duration of one rendering (a `with` block): the
renderer does not change the plan it reads, and a caller that changes a plan between two
renderings gets a fresh index the next time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from crossaccount.access.grants import account_sides


class PlanIndex:
    """The resources of one plan by type, and its accounts, read in one pass."""

    def __init__(self, plan: Mapping[str, Any]) -> None:
        self.plan = plan
        self.by_type: dict[str, list[Mapping[str, Any]]] = {}
        for r in plan.get("resources", []):
            self.by_type.setdefault(r.get("type"), []).append(r)
        self.accounts = account_sides(plan)
        self.memo: dict[Any, Any] = {}
        """What a renderer derives from the plan once per rendering (e.g. the created policies by ARN)."""


_ACTIVE: ContextVar[PlanIndex | None] = ContextVar("plan_index", default=None)


def active(plan: Mapping[str, Any]) -> PlanIndex | None:
    """The index of `plan` if a rendering of this very plan object is under way."""
    index = _ACTIVE.get()
    return index if index is not None and index.plan is plan else None


@contextmanager
def indexed(plan: Mapping[str, Any]) -> Iterator[PlanIndex]:
    """Index `plan` for the block (re-using the index of an enclosing block for the same plan)."""
    index = active(plan)
    if index is not None:
        yield index
        return
    index = PlanIndex(plan)
    token = _ACTIVE.set(index)
    try:
        yield index
    finally:
        _ACTIVE.reset(token)
