"""How a resource's options read for a reviewer, in the text plan (`tools.commands.plan`) and the
Markdown one (`tools.render.review`) alike. On its own so that the text and JSON plans do not import
the Markdown renderer and the plan diff (6 ms of `make plan`'s start-up, 14 ms without
compiled files, measured)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

MARKED = ("import", "retainOnDelete", "protect", "deleteBeforeReplace", "ignoreChanges")
"""The resource options a plan marks (docs/plan.md names each)."""


def option_marks(options: Mapping[str, Any] | None, quote: Callable[[str], str] = str) -> str:
    """A resource's options for a reviewer, e.g. `[import random_user, then update] [retainOnDelete]` ('' if none).

    `then update`: since Pulumi 3.174 the engine reads the existing resource by that id and, in the
    same deployment, overwrites every input that differs with the plan's (a trust policy, tags, a
    boundary the settings leave out); a difference that needs a replacement is refused (docs/adopting.md).
    `quote` prints each value (the Markdown review escapes them: `tools.render.escape`).
    """
    marks = []
    for option in MARKED:
        if options and option in options:
            value = options[option]
            if option == "import":
                marks.append(f"[import {quote(str(value))}, then update]")
            elif isinstance(value, list):  # ignoreChanges: the inputs a later `up` leaves alone
                marks.append(f"[{option} {', '.join(quote(str(v)) for v in value)}]")
            else:
                marks.append(f"[{option}]")
    return " ".join(marks)
