"""`make plan`: what `pulumi up` would create, with no AWS account and no Pulumi CLI.

Runs the real program under the recording mocks (`tools.offline.mocks`) with a stack file's
settings, and prints what it registered with the program's own guardrail findings (warnings
and waived findings: an error stops the program before this) as text, JSON or Markdown
(`tools.render.plan`). The Markdown fits `--max-chars` (a pull-request comment's 65,536 by
default, `tools.render.budget`); `--artifact DIR` also writes the whole review and the plan JSON.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from crossaccount.errors import SettingsError
from crossaccount.guardrails import sort_findings
from crossaccount.pipeline import environments_finding, with_environments
from crossaccount.read.project import environments_note, read_engine_config, stack_file_name
from tools.offline.errors import ProgramError
from tools.offline.mocks import ProgramRun, run_program
from tools.paths import PROJECT_DIR
from tools.render.plan import RENDERERS, as_data

FORMATS = ("text", "json", "markdown")


def plan_stack(stack: str, project_dir: Path = PROJECT_DIR, collect: bool = True) -> ProgramRun:
    """Read Pulumi.<stack>.yaml (and Pulumi.yaml) as the engine would, and run the program on it under the mocks.

    `collect=False`: the caller prints the plan and exits (`tools.offline.mocks.run_program`)."""
    config = read_engine_config(project_dir, stack)
    return run_program(stack, config, program_path=project_dir / "__main__.py", collect=collect)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", default="utils", help="reads Pulumi.<stack>.yaml (default: utils)")
    parser.add_argument("--format", default="text", choices=FORMATS, help="text (default), json or markdown")
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=PROJECT_DIR,
        help="folder with Pulumi.<stack>.yaml, __main__.py and policies/ (default: this repo)",
    )
    parser.add_argument(
        "--against",
        type=Path,
        metavar="PLAN_JSON",
        help="markdown only: also show what changed since this plan (make plan FORMAT=json of the base branch)",
    )
    parser.add_argument(
        "--max-chars",
        type=_max_chars,
        metavar="N",
        help="markdown only: at most N characters, what changed first (default: 65536, a GitHub comment; 0: no limit)",
    )
    parser.add_argument(
        "--artifact",
        type=Path,
        metavar="DIR",
        help="markdown only: also write the whole review (DIR/<stack>.md) and the plan JSON (DIR/<stack>.json)",
    )


def _max_chars(text: str) -> int:
    """`--max-chars`: 0 (no limit) or a budget the header and the first changes fit in."""
    from tools.render.budget import MIN_CHARS  # noqa: PLC0415 (Markdown only: see tools.render.options)

    try:
        value = int(text)
    except ValueError:
        value = -1
    if value != 0 and value < MIN_CHARS:
        raise argparse.ArgumentTypeError(f"{text!r}: expected 0 (no limit) or a number of characters of at least {MIN_CHARS}")
    return value


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Print the plan to `out` (default: the current sys.stdout)."""
    out = out or sys.stdout
    base = None
    try:
        _markdown_only(args)
        if getattr(args, "against", None) is not None:
            base = _base_plan(args.against, args.format, args.stack)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    config = read_engine_config(args.project_dir, args.stack)
    try:
        program_run = run_program(args.stack, config, program_path=args.project_dir / "__main__.py", collect=False)
    except ProgramError as error:  # the process ends after printing
        if isinstance(error.cause, SettingsError) and config.environments:
            cause = SettingsError(with_environments(error.cause.problems, args.stack, config.environments), "nothing was created")
            raise ProgramError(cause, error.registrations) from None
        raise
    if config.environments:  # one warning; on a refusal the error says it instead
        print(f"warning: {environments_note(stack_file_name(args.stack), config.environments)}", file=sys.stderr)
    # The findings are those of the program's own guardrail run: the stack file is read once
    # and the rules run once (they ran before the first resource was registered).
    findings = program_run.findings
    if config.environments:  # the review says it too, in its findings: the program under the engine sees the values
        findings = tuple(sort_findings([*findings, environments_finding(args.stack, config.environments)]))
    if args.format != "markdown":
        out.write(RENDERERS[args.format](program_run, findings))
        return 0
    from tools.render import budget  # noqa: PLC0415 (Markdown only: see tools.render.options)

    plan = as_data(program_run, findings)
    max_chars = getattr(args, "max_chars", None)
    artifact = getattr(args, "artifact", None)
    comment, whole = budget.review_and_whole(
        plan, base, budget.COMMENT_CHARS if max_chars is None else max_chars, want_whole=artifact is not None
    )
    if artifact is not None:
        assert whole is not None
        try:
            budget.write_artifact(artifact, args.stack, whole, budget.plan_json(plan))
        except OSError as error:
            print(f"error: --artifact {artifact}: cannot write into it ({error.strerror or error})", file=sys.stderr)
            return 2
    out.write(comment)
    return 0


def _markdown_only(args: argparse.Namespace) -> None:
    for option, value in (("--max-chars", getattr(args, "max_chars", None)), ("--artifact", getattr(args, "artifact", None))):
        if value is not None and args.format != "markdown":
            raise ValueError(f"{option} {value}: only with --format markdown (got --format {args.format})")
    artifact = getattr(args, "artifact", None)
    if artifact is not None:
        from tools.render.budget import artifact_problem  # noqa: PLC0415 (Markdown only: see tools.render.options)

        problem = artifact_problem(artifact, args.stack)
        if problem is not None:
            raise ValueError(f"--artifact {artifact}: {problem}")


def _base_plan(path: Path, format_: str, stack: str) -> dict[str, Any]:
    """The base branch's plan for `--against`, read before the program runs: a bad file, or the
    plan of another project or stack (its diff would show the other stack's resources as this
    one's changes), is a usage error (ValueError, exit 2) that names it."""
    if format_ != "markdown":
        raise ValueError(f"--against {path}: only with --format markdown (got --format {format_})")
    from tools.render.plan_file import read_plan, same_stack_problem  # noqa: PLC0415 (Markdown only: see tools.render.options)

    base = read_plan(path, f"--against {path}")
    problem = same_stack_problem(base, stack, f" (make plan STACK={stack} FORMAT=json of the base branch)")
    if problem is not None:
        raise ValueError(f"--against {path}: {problem}")
    return base
