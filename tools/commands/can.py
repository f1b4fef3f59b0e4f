"""`make can` (`python -m tools can`): can this principal perform this action on this resource,
through which role, under which conditions, and which statements decided it. Offline, from the
plans of every stack of the project (the access model, docs/access.md).

    python -m tools can PRINCIPAL ACTION RESOURCE [--stack S | --all] [--context KEY=VALUE ...]
                        [--organisation DIR] [--expect allow|deny] [--format text|json]

PRINCIPAL: a user name, group:NAME, role:NAME or role:ARN, permission-set:NAME, saml:ARN,
oidc:ARN, or an ARN (names are matched ignoring case, as IAM does; wildcards are refused).
ACTION and RESOURCE may be wildcard patterns ("any action or resource it matches").
By default the answer is for a request signed with MFA (what a person normally does), and each
path says whether it also holds without MFA; `--context aws:MultiFactorAuthPresent=false` pins it.
`--stack S` keeps the paths that end in a role of Pulumi.S.yaml, and the own paths (no role) of
the people S declares (its `users`, of its source account): S writes their identity policies,
so their own access is S's to answer for (the model is always built from every stack: a
person's identity side lives in the people's stack).

Exit 0 (1 with --expect when the answer differs), 2 for bad input or settings. JSON: {decision:
"allowed"|"denied", through: [role ARNs], because: [{source, kind, statement, sid, effect}],
paths: [...], principal, action, resource, context, organisation, notes}.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from crossaccount.access.model import (
    AccessModel,
    Answer,
    ControlPolicies,
    PathAnswer,
    Question,
    build_model,
    can,
    question_context,
    shown,
    statement_dict,
    statement_text,
)
from crossaccount.access.organisation import read_organisation
from crossaccount.access.principals import find
from crossaccount.access.types import UnsupportedPolicy
from crossaccount.errors import SettingsError, show
from crossaccount.inputs import OrganisationError
from crossaccount.pipeline import Checked, check_organisation
from crossaccount.read.organisation import read_organisation_folder
from crossaccount.read.project import stack_file_name
from tools.paths import PROJECT_DIR
from tools.render import jsontext
from tools.render.escape import visible

FORMATS = ("text", "json")
CONTEXT_KEY = re.compile(r"^[A-Za-z0-9_.-]+:[\x21-\x7e]+\Z", re.ASCII)
NOT_CONSIDERED = "SCPs and RCPs were not considered (give --organisation DIR: docs/organisation-policies.md)"
OUTCOME = "nothing was evaluated"
OWN = "with its own policies (no role)"
"""A person's own path: their identity policies in their own account, no role in between."""


def add_common(parser: argparse.ArgumentParser) -> None:
    """The options `can` and `who-can` share."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--stack",
        default=None,
        help="only paths that end in a role of Pulumi.<stack>.yaml, and the own paths of the people it declares",
    )
    where.add_argument("--all", action="store_true", help="every stack of the project (the default)")
    parser.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a condition key of the request, e.g. aws:MultiFactorAuthPresent=false or aws:SourceIp=203.0.113.7 (repeat a key for more values)",
    )
    parser.add_argument(
        "--organisation", type=Path, default=None, help="the organisation's SCPs and RCPs, as AWS's CLI printed them"
    )
    parser.add_argument("--format", default="text", choices=FORMATS, help="text (default) or json")
    parser.add_argument(
        "--project-dir", type=Path, default=None, help="folder with Pulumi.<stack>.yaml and policies/ (default: this repo)"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("principal", help="a user name, group:NAME, role:NAME or ARN, permission-set:NAME, or an ARN")
    parser.add_argument("action", help="e.g. s3:ListAllMyBuckets (a pattern: any action it matches)")
    parser.add_argument("resource", help='e.g. arn:aws:s3:::prod-data or "*" (a pattern: any resource it matches)')
    add_common(parser)
    parser.add_argument("--expect", choices=("allow", "deny"), default=None, help="exit 1 when the answer differs (CI)")


def parse_context(given: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """`--context KEY=VALUE` options as condition keys -> values (a key given twice: both values)."""
    context: dict[str, tuple[str, ...]] = {}
    names: dict[str, str] = {}
    problems = []
    for item in given:
        name, sep, value = item.partition("=")
        if not sep or not CONTEXT_KEY.match(name) or not value.isprintable():
            problems.append(
                f"--context {show(item)}: expected KEY=VALUE with a condition key as IAM names it, "
                "e.g. aws:MultiFactorAuthPresent=false or sts:ExternalId=abc"
            )
            continue
        name = names.setdefault(name.lower(), name)
        context[name] = (*context.get(name, ()), value)
    if problems:
        raise SettingsError(problems, OUTCOME)
    return context


def load(
    project_dir: Path, organisation_dir: Path | None, stack: str | None = None
) -> tuple[AccessModel, ControlPolicies | None, dict[str, frozenset[str]]]:
    """The access model of every stack of the project, the organisation's policies if given, and
    the people each stack declares (lower-case user ARNs, for `in_stack`).
    A stack that its settings refuse stops it (the model would miss its roles); so does a
    `--stack` that names no stack of the project (its answer would be "denied" for want of roles)."""
    results = check_organisation(project_dir)
    if not results:
        raise SettingsError([f"{project_dir}: no Pulumi.<stack>.yaml in the project; expected at least one stack file"], OUTCOME)
    if stack is not None and stack not in results:
        raise SettingsError(
            [
                f"--stack {show(stack)}: no stack of that name in the project (a Pulumi.<stack>.yaml); "
                f"expected one of {', '.join(sorted(results))}"
            ],
            OUTCOME,
        )
    refused = [f"{stack_file_name(s)}: {p}" for s, r in results.items() if isinstance(r, SettingsError) for p in r.problems]
    if refused:
        raise SettingsError(refused, OUTCOME)
    plans = {s: r.plan for s, r in results.items() if isinstance(r, Checked)}
    organisation: ControlPolicies | None = None
    if organisation_dir is not None:
        try:
            organisation = read_organisation(read_organisation_folder(organisation_dir, str(organisation_dir)))
        except OrganisationError as error:
            raise SettingsError([f"--organisation: {p}" for p in error.problems], OUTCOME) from None
    people = {
        s: frozenset(u.arn.lower() for u in p.users if u.name.lower() in {n.lower() for n in p.settings.users})
        for s, p in plans.items()
    }
    return build_model(plans), organisation, people


def question_of(args: argparse.Namespace, organisation: ControlPolicies | None) -> Question:
    return Question(args.action, args.resource, parse_context(args.context), organisation)


def in_stack(path: PathAnswer, model: AccessModel, stack: str | None, people: Mapping[str, frozenset[str]]) -> bool:
    """Whether `--stack` keeps the path: it ends in a role of the stack's file; or it is the own
    path (no role) of a person the stack declares, whose identity policies (assume-role
    policies, self-service, groups) it writes: an own path acts in that person's account."""
    if stack is None:
        return True
    return in_stack_arn(path.through[-1] if path.through else path.principal.arn, model, stack, people)


def in_stack_arn(arn: str, model: AccessModel, stack: str | None, people: Mapping[str, frozenset[str]]) -> bool:
    """Whether `--stack` keeps what is said of `arn`: a role of the stack's file, or a person it declares."""
    if stack is None:
        return True
    role = model.role(arn)
    if role is None:
        return arn.lower() in people.get(stack, frozenset())
    return role.where.startswith(f"{stack_file_name(stack)} ")


def context_line(question: Question) -> str:
    pairs = ", ".join(f"{k}={'|'.join(v)}" for k, v in question_context(question).items())
    mfa = "" if question.pins_mfa else "; each path also says whether it holds without MFA"
    return f"context: {visible(pairs)} and each principal's own keys (aws:PrincipalArn, aws:username, tags){mfa}"


def path_lines(path: PathAnswer, indent: str = "  ") -> list[str]:
    """One path in text: its roles, decision, conditions, the deciding statements and notes."""
    way = f"through {' -> '.join(path.through)}" if path.through else OWN
    if path.allowed:
        mfa = {None: "", True: "; also without MFA", False: "; denied without MFA"}[path.without_mfa]
        head = f"{indent}{way}: allowed{mfa}"
    else:
        head = f"{indent}{way}: denied, {path.reason}"
    lines = [visible(head)]
    if path.conditions:
        lines.append(visible(f"{indent}  conditions: {'; '.join(path.conditions)}"))
    lines += [visible(f"{indent}  {statement_text(s)}") for s in path.because]
    lines += [visible(f"{indent}  note: {n}") for n in path.notes]
    return lines


def answer_notes(
    answer: Answer, paths: Sequence[PathAnswer], model: AccessModel, stack: str | None, people: Mapping[str, frozenset[str]]
) -> list[str]:
    """Why a "denied" of the answer may not hold (`Answer.unsure`: the cap, a conditional Deny),
    for the roles and people `--stack` keeps, that no path shown says already."""
    shown_notes = {n for p in paths for n in p.notes}
    return [n for arn, n in answer.unsure.items() if n not in shown_notes and in_stack_arn(arn, model, stack, people)]


def render_text(answer: Answer, paths: Sequence[PathAnswer], allowed: bool, organisation: bool, notes: Sequence[str] = ()) -> str:
    q = answer.question
    who = answer.principal.label
    lines = [visible(f"{who} {q.action} on {q.resource}: {'allowed' if allowed else 'denied'}")]
    if answer.principal.kind == "group":
        lines.append(
            visible(
                f"  (group {answer.principal.name}: the paths of its members {', '.join(answer.principal.members) or 'none'})"
            )
        )
    if not paths:
        lines.append("  no role of the project is reachable by it")
    for path in paths:
        if answer.principal.kind == "group":
            lines.append(visible(f"  member {path.principal.label}:"))
        lines += path_lines(path, "    " if answer.principal.kind == "group" else "  ")
    lines += [visible(f"note: {n}") for n in notes]
    lines.append(context_line(q))
    if not organisation:
        lines.append(NOT_CONSIDERED)
    return "\n".join(lines) + "\n"


def render_json(
    answer: Answer, paths: Sequence[PathAnswer], allowed: bool, organisation: Path | None, notes: Sequence[str] = ()
) -> str:
    through: dict[str, None] = {}
    because: dict[str, dict[str, Any]] = {}
    for p in paths:
        if p.allowed == allowed:
            through.update(dict.fromkeys(p.through) if allowed else {})
            for s in p.because:
                because.setdefault(statement_text(s), statement_dict(s))
    document = {
        "principal": answer.principal.label,
        "principalArn": answer.principal.arn,
        "action": answer.question.action,
        "resource": answer.question.resource,
        "decision": "allowed" if allowed else "denied",
        "through": list(through),
        "because": list(because.values()),
        "paths": [p.as_dict() for p in paths],
        "context": {k: list(v) for k, v in question_context(answer.question).items()},
        "organisation": str(organisation) if organisation is not None else None,
        "notes": [*notes, *([NOT_CONSIDERED] if organisation is None else [])],
    }
    return jsontext.dumps(document) + "\n"


def run(args: argparse.Namespace, out: TextIO | None = None, project_dir: Path = PROJECT_DIR) -> int:
    model, organisation, people = load(getattr(args, "project_dir", None) or project_dir, args.organisation, args.stack)
    principal = find(model.principals, args.principal)
    question = question_of(args, organisation)
    try:
        answer = can(model, principal, question)
    except UnsupportedPolicy as error:
        raise SettingsError([f"a policy the evaluator cannot read: {error}"], OUTCOME) from None
    allowed, paths = shown([p for p in answer.paths if in_stack(p, model, args.stack, people)])
    notes = answer_notes(answer, paths, model, args.stack, people)
    text = (
        render_json(answer, paths, allowed, args.organisation, notes)
        if args.format == "json"
        else render_text(answer, paths, allowed, organisation is not None, notes)
    )
    (out or sys.stdout).write(text)
    if args.expect is not None and (args.expect == "allow") != allowed:
        print(f"expected {args.expect}, the answer is {'allowed' if allowed else 'denied'}", file=sys.stderr)
        return 1
    return 0
