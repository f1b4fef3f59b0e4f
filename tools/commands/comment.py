"""The pull request's one review comment, from the plans `plan --artifact DIR` wrote.

    python -m tools comment review/ [--max-chars 65536] > comment.md

DIR holds each stack's plan (`<stack>.json`, from `make plan ... ARTIFACT=DIR`) and, in
`DIR/base/`, the base branch's plan of the same stack (`make -C base plan FORMAT=json`) where
there is one. The comment (`tools.render.comment`) leads with a table of the stacks that
change, widened access first, names the stacks that do not, then the review of each changed
stack within GitHub's 65,536 characters, however many stacks the project has.
"""

from __future__ import annotations

import argparse
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any, TextIO

from crossaccount.access.from_plan import PlanJsonError
from crossaccount.read.json_file import JsonFileError
from tools.render.budget import COMMENT_CHARS, MIN_CHARS
from tools.render.comment import StackPlans, render_comment
from tools.render.plan_file import read_plan, same_stack_problem

PLAN_FILE = re.compile(r"([A-Za-z0-9_.-]+)\.json")
"""A stack's plan in the folder (stack names: letters, digits, `_`, `.`, `-`)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="the folder of plan --artifact: <stack>.json, and base/<stack>.json")
    parser.add_argument(
        "--max-chars",
        type=_max_chars,
        default=COMMENT_CHARS,
        help=f"the comment's limit in characters (default {COMMENT_CHARS:,}, GitHub's)",
    )


def _max_chars(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number of characters") from None
    if value < 2 * MIN_CHARS:
        raise argparse.ArgumentTypeError(f"{value}: expected at least {2 * MIN_CHARS:,} characters")
    return value


def stacks_in(directory: Path) -> list[StackPlans]:
    """Every stack's plan in `directory`, with its base plan where `directory/base` has one."""
    if not directory.is_dir():
        raise JsonFileError(f"{directory}: not a folder; expected the folder plan --artifact wrote")
    found: list[StackPlans] = []
    for path in sorted(directory.iterdir()):
        match = PLAN_FILE.fullmatch(path.name)
        if match is None or path.is_dir():
            continue
        stack = match.group(1)
        base_path = directory / "base" / path.name
        plan = _plan_of(path, stack)
        base = _plan_of(base_path, stack) if os.path.lexists(base_path) else None
        whole = directory / f"{stack}.md"
        if not _regular(whole):
            raise JsonFileError(
                f"{whole}: not a regular file; expected the whole review plan --artifact writes beside {path.name} "
                "(the comment says each stack's whole review is in the artifact)"
            )
        found.append(StackPlans(stack, plan, base))
    if not found:
        raise JsonFileError(f"{directory}: no <stack>.json; expected the plans plan --artifact writes")
    return found


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _plan_of(path: Path, stack: str) -> dict[str, Any]:
    """The plan in `path`, which must be a plan of `stack` (the file's name) of this project: a
    plan renamed or copied to another stack's file would review one stack's change as another's."""
    plan = read_plan(path, str(path))
    problem = same_stack_problem(plan, stack, f" (the file's name; make plan STACK={stack} ARTIFACT=... writes it)")
    if problem is not None:
        raise JsonFileError(f"{path}: {problem}")
    return plan


def run(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    try:
        stacks = stacks_in(args.dir)
        # The access model reads each plan whole (crossaccount.access.from_plan): a plan whose
        # resources do not fit together (an attachment to a group it does not hold) is one error.
        comment = render_comment(stacks, args.max_chars)
    except (JsonFileError, PlanJsonError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    out.write(comment)
    return 0
