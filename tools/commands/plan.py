"""`make plan`: what `pulumi up` would create, with no AWS account and no Pulumi CLI.

Runs the real program under the recording mocks (`tools.offline.mocks`) with a stack file's
settings, and renders every registration (account, type, name, exact policy documents), the
stack outputs and the guardrails' findings (warnings and waived findings: an error stops the
program before this) as text, JSON or Markdown. Output is byte-for-byte stable between runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from crossaccount.guardrails import Finding, summarise
from crossaccount.read.project import read_engine_config
from tools.offline.mocks import ProgramRun, Registration, run_program
from tools.paths import PROJECT_DIR
from tools.render import jsontext
from tools.render.options import option_marks as review_option_marks

FORMATS = ("text", "json", "markdown")
POLICY_INPUTS = ("assumeRolePolicy", "policy")


def plan_stack(stack: str, project_dir: Path = PROJECT_DIR, collect: bool = True) -> ProgramRun:
    """Read Pulumi.<stack>.yaml (and Pulumi.yaml) as the engine would, and run the program on it under the mocks.

    `collect=False`: the caller prints the plan and exits (`tools.offline.mocks.run_program`)."""
    config = read_engine_config(project_dir, stack)
    return run_program(stack, config, program_path=project_dir / "__main__.py", collect=collect)


def _resource(r: Registration) -> dict[str, Any]:
    return {
        "urn": r.urn,
        "type": r.type,
        "name": r.name,
        "provider": r.provider,
        "account": r.account,
        "inputs": r.inputs,
        "options": r.options,
    }


def option_marks(r: Registration) -> str:
    """The resource's options for a reviewer, e.g. `[import random_user] [retainOnDelete]` ('' if none)."""
    return review_option_marks(r.options)


def _verb(r: Registration) -> str:
    """The engine's step prefix: `=` for an import (adopted), `+` for a create."""
    return "=" if "import" in r.options else "+"


def as_data(run: ProgramRun, findings: Sequence[Finding] = ()) -> dict[str, Any]:
    """The plan as the JSON document `make plan FORMAT=json` prints."""
    return {
        "project": run.project,
        "stack": run.stack,
        "resources": [_resource(r) for r in run.registrations],
        "outputs": run.outputs,
        "findings": [f.as_dict() for f in findings],
    }


def render_json(run: ProgramRun, findings: Sequence[Finding] = ()) -> str:
    return jsontext.dumps(as_data(run, findings)) + "\n"


def _accounts(run: ProgramRun) -> dict[str, Registration]:
    """Side (`source`/`target`) -> its provider registration."""
    providers = {r.name: r for r in run.registrations if r.type == "pulumi:providers:aws"}
    sides: dict[str, Registration] = {}
    for r in run.registrations:
        if r.account and r.provider in providers:
            sides.setdefault(r.account, providers[r.provider])
    return sides


def _provider_line(side: str, provider: Registration) -> str:
    inputs = provider.inputs
    ids = ", ".join(inputs.get("allowedAccountIds") or [])
    how = (
        f"profile {inputs['profile']}"
        if inputs.get("profile")
        else (f"assumes {inputs['assumeRoles'][0]['roleArn']}" if inputs.get("assumeRoles") else "environment credentials")
    )
    return f"{side} account {ids} (provider {provider.name}: {how}, region {inputs.get('region')}, allowedAccountIds [{ids}])"


def _value_lines(key: str, value: Any, indent: str) -> list[str]:
    if key in POLICY_INPUTS and isinstance(value, str):
        try:
            pretty = json.dumps(json.loads(value), indent=2, ensure_ascii=False)
        except json.JSONDecodeError:
            return [f"{indent}{key}: {value}"]
        return [f"{indent}{key}:"] + [f"{indent}  {line}" for line in pretty.splitlines()]
    rendered = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)
    return [f"{indent}{key}: {rendered}"]


def render_text(run: ProgramRun, findings: Sequence[Finding] = ()) -> str:
    lines = [
        f"Plan for stack {run.stack} of {run.project}: what `pulumi up` would create.",
        "(Offline, under Pulumi's mocks: nothing was created, no account was called.)",
    ]
    sides = _accounts(run)
    for side in ("source", "target"):
        members = [r for r in run.registrations if r.account == side]
        if side not in sides:
            continue
        lines += ["", _provider_line(side, sides[side])]
        for r in members:
            marks = option_marks(r)
            lines.append(f"  {_verb(r)} {r.type}  {r.inputs.get('name', r.name)}  ({r.name}){'  ' + marks if marks else ''}")
            for k in sorted(r.inputs):
                if k != "name":
                    lines += _value_lines(k, r.inputs[k], "      ")
    unplaced = [r for r in run.registrations if r.account is None and r.type != "pulumi:providers:aws"]
    if unplaced:
        lines += ["", "not in an account:"]
        lines += [f"  + {r.type}  {r.name}" for r in unplaced]
    lines += ["", "Outputs:"]
    lines += [f"  {line}" for line in jsontext.dumps(run.outputs).splitlines()]
    counts: dict[str, int] = {}
    for r in run.registrations:
        counts[r.type] = counts.get(r.type, 0) + 1
    lines += ["", f"{len(run.registrations)} resources: " + ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))]
    lines += ["", f"Guardrails: {summarise(findings)} (rules and waivers: README.md#guardrails)"]
    lines += [f"  {f.line()}" for f in findings]
    return "\n".join(lines) + "\n"


def render_markdown(run: ProgramRun, findings: Sequence[Finding] = (), base: dict[str, Any] | None = None) -> str:
    """For a pull-request comment: the reviewer's plan (`tools.render.review`), built from the JSON
    plan's data, with what changed since `base` (a saved plan JSON) when given."""
    from tools.render.review import render_review  # noqa: PLC0415 (Markdown only: see tools.render.options)

    return render_review(as_data(run, findings), base)


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}


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


def run(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    base = None
    if getattr(args, "against", None) is not None:
        try:
            base = _base_plan(args.against, args.format)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    program_run = plan_stack(args.stack, args.project_dir, collect=False)  # the process ends after printing
    # The findings are those of the program's own guardrail run: the stack file is read once
    # and the rules run once (they ran before the first resource was registered).
    findings = program_run.findings
    out.write(render_markdown(program_run, findings, base) if base is not None else RENDERERS[args.format](program_run, findings))
    return 0


def _base_plan(path: Path, format_: str) -> dict[str, Any]:
    """The base branch's plan for `--against`, read before the program runs: a bad file is a
    usage error (ValueError, exit 2) that names it."""
    if format_ != "markdown":
        raise ValueError(f"--against {path}: only with --format markdown (got --format {format_})")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"--against {path}: cannot read it ({getattr(error, 'strerror', None) or error})") from None
    from tools.render.plan_diff import load_plan  # noqa: PLC0415 (Markdown only: see tools.render.options)

    return load_plan(text, f"--against {path}")
