"""`python -m tools aws-config --person NAME`: one person's `~/.aws/config`, over the whole organisation.

    python -m tools aws-config --person alice [--steps] [--project-dir DIR]

Read-only and offline: every stack of the project is read and planned as `check --all` does it,
and the person's day one is taken from the people's stack that holds them (its plan knows every
role of every roles-only stack, `crossaccount.plan.dayone`): the same lines as that stack's output
`users.<person>.dayOne.awsConfig`, and with `--steps` the numbered steps of `dayOne.steps`.
Nothing is written: append it yourself, once (`... >> ~/.aws/config`).

Exit 0 with the lines; 2 when no people's stack that passed its settings holds the person (the
error names the people it found, and each refused stack is listed on stderr).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from crossaccount.errors import SettingsError, show
from crossaccount.pipeline import Checked, check_organisation
from crossaccount.plan.dayone import DayOnePlan
from crossaccount.read.project import stack_file_name
from tools.paths import PROJECT_DIR


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--person", required=True, help="the IAM user name, as the people's stack lists it")
    parser.add_argument("--steps", action="store_true", help="print the numbered day-one steps instead of the config")
    parser.add_argument(
        "--project-dir", type=Path, default=None, help="folder with Pulumi.<stack>.yaml and policies/ (default: this repo)"
    )


def find(project_dir: Path, person: str, err: TextIO | None = None) -> DayOnePlan:
    """The person's day one from the people's stack that holds them; one error otherwise."""
    results = check_organisation(project_dir)
    people: list[str] = []
    for stack, result in results.items():
        if isinstance(result, SettingsError):
            (err or sys.stderr).write(
                f"warning: {stack_file_name(stack)} refused by its settings ({len(result.problems)} problem(s)); run make check-all\n"
            )
            continue
        if not isinstance(result, Checked) or result.loaded.kind == "roles":
            continue
        for user in result.plan.users:
            if user.day_one is None:
                continue
            if user.name == person:
                return user.day_one
            people.append(user.name)
    known = ", ".join(sorted(set(people))) or "none"
    raise SettingsError(
        [f"--person: got {show(person)}; expected a person of a people's stack of this project ({known})"], "nothing was printed"
    )


def run(args: argparse.Namespace, out: TextIO | None = None, project_dir: Path = PROJECT_DIR) -> int:
    plan = find(getattr(args, "project_dir", None) or project_dir, args.person)
    if args.steps:
        text = "".join(f"{i}. {step}\n" for i, step in enumerate(plan.steps, 1))
    else:
        text = "".join(f"{line}\n" for line in plan.aws_config)
    (out or sys.stdout).write(text)
    return 0
