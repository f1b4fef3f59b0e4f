"""`make review`: the pull request's review comment, made locally exactly as the workflow makes it.

    python -m tools review --base origin/main > review.md          (make review BASE=origin/main)
    python -m tools review --base-dir base --base-python base/.venv/bin/python > review.md   (the workflow)

For every stack file of the project (`Pulumi.<stack>.yaml`):

1. the base plan: the base's own code plans the stack as the base has it (`plan --format json`
   run in the base's folder), into `OUT/base/<stack>.json`. The base is a git ref (`--base`:
   `git archive` of it into a temporary folder; the work tree, its changes and the index are
   not touched: no stash, no checkout) or a folder already checked out (`--base-dir`). A stack
   the base does not have, or cannot plan, is compared with nothing: all it grants is new;
2. this change's plan, against that base: `plan --format markdown --against ... --artifact OUT
   --max-chars 0` writes the whole review and the plan JSON into OUT;
3. the comment from OUT (`tools comment`), on stdout.

The workflow's plan step runs this very command, so the comment a reviewer gets and the one
made locally cannot drift apart (docs/reviewing.md).
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from crossaccount.access.from_plan import PlanJsonError
from crossaccount.read.json_file import JsonFileError
from tools.commands.comment import stacks_in
from tools.paths import PROJECT_DIR
from tools.render.budget import COMMENT_CHARS, MIN_CHARS
from tools.render.comment import empty_plan, render_comment

STACK_FILE = re.compile(r"Pulumi\.([A-Za-z0-9_.-]+)\.yaml")
REF = re.compile(r"[A-Za-z0-9_./@^~{}-]+")
"""A git ref or revision as `git rev-parse` takes one; nothing that could read as an option."""
GIT_TIMEOUT = 300


class ReviewError(Exception):
    """A usage problem: one line naming the option, the value and what is expected (exit 2)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    base = parser.add_mutually_exclusive_group(required=True)
    base.add_argument("--base", metavar="REF", help="the git ref to compare with (e.g. origin/main), read with git archive")
    base.add_argument("--base-dir", type=Path, metavar="DIR", help="the base already checked out in DIR (the workflow's base/)")
    parser.add_argument(
        "--base-python",
        type=Path,
        metavar="PYTHON",
        help="the interpreter that runs the base's code (default: this one; the workflow: base/.venv/bin/python)",
    )
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="the project with the change (default: this repo)")
    parser.add_argument("--out", type=Path, default=Path("review"), help="the artifact folder (default: review)")
    parser.add_argument(
        "--max-chars", type=int, default=COMMENT_CHARS, help=f"the comment's limit (default {COMMENT_CHARS:,}, GitHub's)"
    )


def run(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    try:
        stacks = _stacks(args.project_dir)
        _prepare(args.out, args.max_chars)
        # Each plan runs in its own folder: every path it is handed is absolute.
        project_dir, out_dir = args.project_dir.resolve(), args.out.resolve()
        python = Path(sys.executable)
        if args.base_python is not None:
            python = args.base_python.absolute() if len(args.base_python.parts) > 1 else args.base_python
        with _base_folder(args) as base_dir:
            for stack in stacks:
                code = _review_stack(stack, project_dir, base_dir.resolve(), python, out_dir)
                if code != 0:
                    print(f"error: stack {stack}: plan failed (exit {code}); no comment was written", file=sys.stderr)
                    return code
        comment = render_comment(stacks_in(out_dir), args.max_chars)
    except (ReviewError, JsonFileError, PlanJsonError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    out.write(comment)
    return 0


def _stacks(project_dir: Path) -> list[str]:
    if not (project_dir / "Pulumi.yaml").is_file():
        raise ReviewError(f"--project-dir {project_dir}: no Pulumi.yaml; expected the project's folder")
    stacks = sorted(m.group(1) for p in project_dir.iterdir() if (m := STACK_FILE.fullmatch(p.name)))
    if not stacks:
        raise ReviewError(f"--project-dir {project_dir}: no Pulumi.<stack>.yaml; expected at least one stack file")
    return stacks


def _prepare(out: Path, max_chars: int) -> None:
    """OUT is a folder (made if missing); the plans and reviews of an earlier run are removed, so
    a stack deleted since is not reviewed again. Nothing but those files is touched."""
    if max_chars < 2 * MIN_CHARS:
        raise ReviewError(f"--max-chars {max_chars}: expected at least {2 * MIN_CHARS:,} characters")
    for folder in (out, out / "base"):
        try:
            mode = folder.lstat().st_mode
        except FileNotFoundError:
            folder.mkdir(parents=True)
            continue
        if not stat.S_ISDIR(mode):
            raise ReviewError(f"--out {out}: {folder} is not a folder; expected a folder for the review's artifact")
        for old in folder.iterdir():
            if re.fullmatch(r"[A-Za-z0-9_.-]+\.(json|md)", old.name) and stat.S_ISREG(old.lstat().st_mode):
                old.unlink()


@contextmanager
def _base_folder(args: argparse.Namespace) -> Iterator[Path]:
    if args.base_dir is not None:
        if not args.base_dir.is_dir():
            raise ReviewError(f"--base-dir {args.base_dir}: not a folder; expected the base branch checked out")
        yield args.base_dir
        return
    with tempfile.TemporaryDirectory(prefix="review-base-") as temp:
        yield _archive(args.project_dir, args.base, Path(temp))


def _git(project_dir: Path, *argv: str) -> bytes:
    git = shutil.which("git")
    if git is None:
        raise ReviewError("--base needs git on PATH; or check the base out yourself and pass --base-dir")
    try:
        done = subprocess.run(  # noqa: S603 (git, fixed subcommands; the ref is checked and passed after --end-of-options)
            [git, "-C", str(project_dir), *argv], capture_output=True, timeout=GIT_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ReviewError(f"git {' '.join(argv)}: {error}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReviewError(f"git {' '.join(argv)}: {message[-1] if message else f'exit {done.returncode}'}")
    return done.stdout


def _archive(project_dir: Path, ref: str, temp: Path) -> Path:
    """The project's folder as `ref` has it, extracted from `git archive` into `temp`."""
    if not REF.fullmatch(ref) or ref.startswith("-"):
        raise ReviewError(f"--base {ref!r}: expected a git ref or commit (e.g. origin/main)")
    try:
        commit = _git(project_dir, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").decode().strip()
    except ReviewError:
        raise ReviewError(f"--base {ref}: not a commit of this repository; expected a ref such as origin/main") from None
    prefix = _git(project_dir, "rev-parse", "--show-prefix").decode().strip()
    tar = _git(project_dir, "archive", "--format=tar", f"{commit}:{prefix}" if prefix else commit)
    base = temp / "base"
    base.mkdir()
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(base, filter="data")
    return base


def _review_stack(stack: str, project_dir: Path, base_dir: Path, python: Path, out: Path) -> int:
    """The base plan of `stack` (where the base has and can plan it), then its review against it."""
    base_plan = out / "base" / f"{stack}.json"
    against = base_plan
    if (base_dir / f"Pulumi.{stack}.yaml").is_file():
        argv = [
            str(python),
            "-m",
            "tools",
            "plan",
            "--stack",
            stack,
            "--format",
            "json",
            "--project-dir",
            str(base_dir.resolve()),
        ]
        try:
            done = subprocess.run(argv, cwd=base_dir, capture_output=True, check=False)  # noqa: S603 (the base's own plan command)
            why = f"exit {done.returncode}"
        except OSError as error:  # no interpreter: the base's venv could not be built
            done, why = None, f"{python}: {error.strerror or error}"
        if done is not None and done.returncode == 0:
            base_plan.write_bytes(done.stdout)
        else:
            print(f"warning: stack {stack}: the base cannot plan it ({why}); compared with nothing", file=sys.stderr)
    if not base_plan.exists():  # new, or not plannable: its whole review shows every grant as new
        against = out / "base" / f".{stack}.new.json"
        against.write_text(json.dumps(empty_plan(stack)), encoding="utf-8")
    try:
        done = subprocess.run(  # noqa: S603 (our own interpreter and module)
            [
                sys.executable,
                "-m",
                "tools",
                "plan",
                "--stack",
                stack,
                "--format",
                "markdown",
                "--project-dir",
                str(project_dir),
                "--against",
                str(against),
                "--artifact",
                str(out),
                "--max-chars",
                "0",
            ],
            cwd=PROJECT_DIR,
            stdout=subprocess.DEVNULL,
            check=False,
        )
    finally:
        if against != base_plan:
            against.unlink()
    return done.returncode
