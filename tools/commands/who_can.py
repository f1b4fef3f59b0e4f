"""`make who-can` (`python -m tools who-can`): every principal of the project that can perform
this action on this resource, through which roles, under which conditions (MFA, ExternalId,
source identity, a provider's token), offline, from the access model (docs/access.md).

    python -m tools who-can ACTION RESOURCE [--stack S | --all] [--context KEY=VALUE ...]
                            [--organisation DIR] [--format text|json]

Principals: people (IAM users; a group's members are listed as themselves, the group's policy
among the deciding statements), roles outside the project that a trust names, permission sets,
SAML and OIDC providers. Exit 0, or 2 for bad input or settings. JSON: {action, resource,
principals: [labels], paths: [{principal, principalArn, through, decision, withoutMfa,
conditions, because, steps, notes}], context, organisation, notes}.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from crossaccount.access.model import PathAnswer, Question, question_context, who_can
from crossaccount.access.types import UnsupportedPolicy
from crossaccount.errors import SettingsError
from tools.commands.can import (
    NOT_CONSIDERED,
    OUTCOME,
    add_common,
    context_line,
    in_stack,
    in_stack_arn,
    load,
    path_lines,
    question_of,
)
from tools.paths import PROJECT_DIR
from tools.render import jsontext
from tools.render.escape import visible


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", help="e.g. s3:DeleteBucket (a pattern: any action it matches)")
    parser.add_argument("resource", help='e.g. arn:aws:s3:::prod-data or "*" (a pattern: any resource it matches)')
    add_common(parser)


def render_text(question: Question, paths: Sequence[PathAnswer], organisation: bool, notes: Sequence[str] = ()) -> str:
    principals = sorted({p.principal.label for p in paths})
    lines = [visible(f"who can {question.action} on {question.resource}: {len(principals)} principal(s), {len(paths)} path(s)")]
    for label in principals:
        lines.append(visible(f"  {label}"))
        for path in (p for p in paths if p.principal.label == label):
            lines += path_lines(path, "    ")
    lines += [visible(f"note: {n}") for n in notes]
    lines.append(context_line(question))
    if not organisation:
        lines.append(NOT_CONSIDERED)
    return "\n".join(lines) + "\n"


def render_json(question: Question, paths: Sequence[PathAnswer], organisation: Path | None, notes: Sequence[str] = ()) -> str:
    document = {
        "action": question.action,
        "resource": question.resource,
        "principals": sorted({p.principal.label for p in paths}),
        "paths": [p.as_dict() for p in paths],
        "context": {k: list(v) for k, v in question_context(question).items()},
        "organisation": str(organisation) if organisation is not None else None,
        "notes": [*notes, *([NOT_CONSIDERED] if organisation is None else [])],
    }
    return jsontext.dumps(document) + "\n"


def run(args: argparse.Namespace, out: TextIO | None = None, project_dir: Path = PROJECT_DIR) -> int:
    model, organisation, people = load(getattr(args, "project_dir", None) or project_dir, args.organisation, args.stack)
    question = question_of(args, organisation)
    try:
        unsure: dict[str, str] = {}
        paths = [p for p in who_can(model, question, unsure) if in_stack(p, model, args.stack, people)]
        notes = [n for arn, n in unsure.items() if in_stack_arn(arn, model, args.stack, people)]
    except UnsupportedPolicy as error:
        raise SettingsError([f"a policy the evaluator cannot read: {error}"], OUTCOME) from None
    paths.sort(key=lambda p: (p.principal.label.lower(), p.principal.arn, p.through))
    text = (
        render_json(question, paths, args.organisation, notes)
        if args.format == "json"
        else render_text(question, paths, organisation is not None, notes)
    )
    (out or sys.stdout).write(text)
    return 0
