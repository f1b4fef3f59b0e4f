"""`make analyze`: AWS's own verdict on the policy documents a change adds or changes, from IAM
Access Analyzer's policy checks. Optional, for teams with credentials in CI; off unless asked.

    make analyze BASE=origin/main [PROFILE=ci-analyze] [REGION=eu-north-1] [DRY_RUN=1]
    python -m tools analyze --review-dir review [--dry-run] [--deny-action iam:* --resource '*'] [--format json]

It reads the folder `make review` writes (`tools review --out DIR`: each stack's plan,
`DIR/<stack>.json`, and the base's plan of it, `DIR/base/<stack>.json`), so the base plan is
made exactly as the review comment's is. For each policy document of the change's plan (a
customer managed policy's `policy`, an inline policy's `policy`, a role's trust policy
`assumeRolePolicy`) whose content differs from the base plan's document of the same resource,
or that the base does not have, it sends:

- `ValidatePolicy` (AWS's grammar and best-practice checks; trust policies with
  `validatePolicyResourceType` `AWS::IAM::AssumeRolePolicyDocument`);
- `CheckNoNewAccess` with the base's document as `existingPolicyDocument` (a changed document
  only: a new one has nothing to compare with, all it grants is new);
- `CheckAccessNotGranted`, for each access no document may grant: each access invariant of the
  stack that no one may reach (`accessInvariants` with `allow: none`; `--no-invariants`: none),
  and what `--deny-action` / `--resource` name.

Each CheckNoNewAccess verdict is printed beside the review's own verdict on the same change
(`tools.render.plan_diff.document_changes`: widens, narrows, other), flagged when they disagree.
Identity policies are sent as `IDENTITY_POLICY`, trust policies as `RESOURCE_POLICY` (AWS: "Resource
policies include trust policies for IAM roles", API_CheckNoNewAccess.html). A document whose
statements are only reordered is unchanged (crossaccount/access/canonical.py compares them by meaning):
no request. Nothing changed: no request at all, and no client is made. `--dry-run` prints every
request it would send and sends none.

Exit codes: 0 when AWS finds no ERROR or SECURITY_WARNING and no CheckAccessNotGranted FAIL (a
CheckNoNewAccess FAIL is reported, not failed: widening access may be the change's purpose; the
review shows it); 1 when it does; 2 for usage, an unreadable folder, or a call AWS refused.
The cost per call and the permissions needed are in docs/analyze.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from crossaccount import resource_types as types
from crossaccount.access.canonical import statements
from crossaccount.access.diff import document_changes
from crossaccount.access.grants import FROM_FILE
from crossaccount.pipeline import check_stack
from crossaccount.read.json_file import JsonFileError
from crossaccount.read.project import stack_file_name
from tools.commands.comment import stacks_in
from tools.paths import PROJECT_DIR
from tools.render.escape import visible

PolicyType = Literal["IDENTITY_POLICY", "RESOURCE_POLICY"]
DOCUMENT_INPUTS: dict[str, tuple[str, PolicyType]] = {
    types.POLICY: ("policy", "IDENTITY_POLICY"),
    types.ROLE_POLICY: ("policy", "IDENTITY_POLICY"),
    types.USER_POLICY: ("policy", "IDENTITY_POLICY"),
    types.GROUP_POLICY: ("policy", "IDENTITY_POLICY"),
    types.ROLE: ("assumeRolePolicy", "RESOURCE_POLICY"),
}
"""The resource types of a plan that carry a policy document: the input that holds it, and its policy type."""
TRUST_RESOURCE_TYPE = "AWS::IAM::AssumeRolePolicyDocument"
MAX_ACCESS_ITEMS = 100
"""CheckAccessNotGranted takes at most 100 actions and 100 resources (botocore's model: AccessActionsList, AccessResourcesList)."""
CHARGED = ("CheckNoNewAccess", "CheckAccessNotGranted")
"""The custom policy checks, charged per call (docs/analyze.md); ValidatePolicy is not."""
FAILING_FINDINGS = ("ERROR", "SECURITY_WARNING")


@dataclass(frozen=True)
class Document:
    """One policy document of the change's plan that differs from the base's (or is new)."""

    stack: str
    label: str
    """Where a person reads it: `policies/x.json: managed policy NAME (RESOURCE.policy)`."""
    policy_type: PolicyType
    trust: bool
    text: str
    base_text: str | None
    review: str = ""
    """What the review comment's own diff (tools/render/plan_diff.py) says of the change:
    `widens`, `narrows`, `other` (widens or narrows, undecided), joined, or `new document`."""


def review_of(label: str, base_text: str | None, text: str) -> str:
    """The review's verdict on one document's change, beside which AWS's is printed."""
    if base_text is None:
        return "new document"
    effects = {c.effect for c in document_changes(label, base_text, text)}
    return ", ".join(e for e in ("widens", "narrows", "other") if e in effects) or "no access change"


@dataclass(frozen=True)
class Call:
    """One request to Access Analyzer: the operation and its exact parameters."""

    operation: Literal["ValidatePolicy", "CheckNoNewAccess", "CheckAccessNotGranted"]
    parameters: Mapping[str, Any]
    document: Document
    denied: Denied | None = None
    """For CheckAccessNotGranted: the access it checks, and where that comes from."""

    @property
    def title(self) -> str:
        return f"{self.operation} ({self.denied.name})" if self.denied is not None else self.operation


@dataclass(frozen=True)
class Denied:
    """Access no changed document may grant: one CheckAccessNotGranted per document. `name` says
    where it comes from (`--deny-action/--resource`; an access invariant's name, once wired)."""

    name: str
    actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()


@dataclass
class Verdict:
    call: Call
    result: str
    """PASS / FAIL for the checks; for ValidatePolicy, `no findings` or the finding types."""
    lines: list[str] = field(default_factory=list)
    failed: bool = False


class AnalyzeError(Exception):
    """Usage or a call refused: one line naming the option or operation (exit 2)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--review-dir", type=Path, default=Path("review"), help="the folder make review wrote (default: review)")
    parser.add_argument("--dry-run", action="store_true", help="print every request it would send, and send none")
    parser.add_argument(
        "--deny-action",
        action="append",
        default=[],
        metavar="ACTION",
        help="CheckAccessNotGranted: an action no changed document may grant (repeat)",
    )
    parser.add_argument(
        "--resource",
        action="append",
        default=[],
        metavar="ARN",
        help="CheckAccessNotGranted: a resource no changed document may grant access to (repeat)",
    )
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=PROJECT_DIR,
        help="the change's project, whose stack files declare accessInvariants (default: this repo)",
    )
    parser.add_argument(
        "--no-invariants",
        action="store_true",
        help="do not check the stacks' accessInvariants with allow: none (CheckAccessNotGranted)",
    )
    parser.add_argument("--profile", help="the AWS profile to call Access Analyzer with (default: the usual credential chain)")
    parser.add_argument(
        "--region", default="us-east-1", help="Access Analyzer's region (default us-east-1; any region answers the checks)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")


def plan_documents(plan: Mapping[str, Any]) -> dict[tuple[str, str], tuple[Mapping[str, Any], str, PolicyType]]:
    """(urn, input) -> (resource, its document's text, policy type), for each document of a plan."""
    found: dict[tuple[str, str], tuple[Mapping[str, Any], str, PolicyType]] = {}
    for resource in plan.get("resources", []):
        if resource.get("type") not in DOCUMENT_INPUTS:
            continue
        key, policy_type = DOCUMENT_INPUTS[resource["type"]]
        text = (resource.get("inputs") or {}).get(key)
        if isinstance(text, str):
            found[(resource["urn"], key)] = (resource, text, policy_type)
    return found


def same_meaning(a: str, b: str) -> bool:
    """Two documents IAM reads alike: the same JSON, or the same statements in another order."""
    try:
        first, second = json.loads(a), json.loads(b)
    except json.JSONDecodeError:
        return a == b
    if first == second:
        return True
    if not isinstance(first, dict) or not isinstance(second, dict) or first.get("Version") != second.get("Version"):
        return False
    return sorted(map(repr, statements(first))) == sorted(map(repr, statements(second)))


KINDS = {
    types.POLICY: "managed policy",
    types.ROLE_POLICY: "inline policy",
    types.USER_POLICY: "inline policy",
    types.GROUP_POLICY: "inline policy",
    types.ROLE: "trust policy of role",
}


def _label(resource: Mapping[str, Any], key: str) -> str:
    """`policies/x.json: managed policy NAME (RESOURCE.policy)`, `trust policy of role NAME (RESOURCE.assumeRolePolicy)`."""
    inputs = resource.get("inputs") or {}
    description, name = inputs.get("description"), inputs.get("name")
    found = FROM_FILE.search(description) if isinstance(description, str) else None
    where = f"{found.group(1)}: " if found else ""
    named = f" {name}" if isinstance(name, str) else ""
    return f"{where}{KINDS[resource['type']]}{named} ({resource.get('name', resource['urn'])}.{key})"


def changed_documents(stack: str, plan: Mapping[str, Any], base: Mapping[str, Any] | None) -> list[Document]:
    """The documents of `plan` that `base` does not have with the same meaning, in the plan's order."""
    head_docs = plan_documents(plan)
    base_docs = plan_documents(base) if base is not None else {}
    out: list[Document] = []
    for (urn, key), (resource, text, policy_type) in head_docs.items():
        before = base_docs.get((urn, key))
        if before is not None and same_meaning(before[1], text):
            continue
        label, base_text = _label(resource, key), before[1] if before else None
        trust = resource["type"] == types.ROLE
        out.append(Document(stack, label, policy_type, trust, text, base_text, review_of(label, base_text, text)))
    return out


def calls_for(document: Document, denied: Sequence[Denied] = ()) -> Iterator[Call]:
    """The requests for one changed document: ValidatePolicy, CheckNoNewAccess when the base has
    it, and one CheckAccessNotGranted per access in `denied`."""
    validate: dict[str, Any] = {"policyDocument": document.text, "policyType": document.policy_type}
    if document.trust:
        validate["validatePolicyResourceType"] = TRUST_RESOURCE_TYPE
    yield Call("ValidatePolicy", validate, document)
    if document.base_text is not None:
        yield Call(
            "CheckNoNewAccess",
            {
                "newPolicyDocument": document.text,
                "existingPolicyDocument": document.base_text,
                "policyType": document.policy_type,
            },
            document,
        )
    for access in denied:
        item: dict[str, list[str]] = {}
        if access.actions:
            item["actions"] = list(access.actions)
        if access.resources:
            item["resources"] = list(access.resources)
        parameters = {"policyDocument": document.text, "access": [item], "policyType": document.policy_type}
        yield Call("CheckAccessNotGranted", parameters, document, access)


def denied_of(args: argparse.Namespace) -> list[Denied]:
    """The access `--deny-action` and `--resource` name (none: no CheckAccessNotGranted)."""
    for option, values in (("--deny-action", args.deny_action), ("--resource", args.resource)):
        if len(values) > MAX_ACCESS_ITEMS:
            raise AnalyzeError(
                f"{option}: {len(values)} given; expected at most {MAX_ACCESS_ITEMS} (CheckAccessNotGranted's limit)"
            )
        for value in values:
            if not value or not value.isprintable():
                raise AnalyzeError(f"{option} {json.dumps(value)}: expected an action or ARN as IAM writes it")
    if not args.deny_action and not args.resource:
        return []
    return [Denied("--deny-action/--resource", tuple(args.deny_action), tuple(args.resource))]


def _path(locations: Sequence[Mapping[str, Any]]) -> str:
    """Where a finding is: `Statement[0].Action[1]`, from its first location's path elements."""
    if not locations:
        return ""
    text = ""
    for element in locations[0].get("path", []):
        if "index" in element:
            text += f"[{element['index']}]"
        elif "key" in element:
            text += f".{element['key']}"
        elif "value" in element:
            text += f".{element['value']}"
    return text.lstrip(".")


def _beside(result: str, review: str) -> str:
    """AWS's CheckNoNewAccess verdict beside the review's, and whether they disagree."""
    widens = "widens" in review or "other" in review
    if result == "FAIL" and not widens:
        return f"the review: {review}; AWS finds new access the review does not show: read both"
    if result == "PASS" and "widens" in review:
        return f"the review: {review}; AWS finds no new access where the review shows widening: read both"
    return f"the review: {review}"


def send(client: Any, call: Call) -> Verdict:
    """Make `call` through a boto3 accessanalyzer client and read AWS's answer."""
    if call.operation == "ValidatePolicy":
        findings = [f for page in client.get_paginator("validate_policy").paginate(**call.parameters) for f in page["findings"]]
        verdict = Verdict(call, ", ".join(sorted({f["findingType"] for f in findings})) or "no findings")
        for f in findings:
            at = _path(f.get("locations", []))
            verdict.lines.append(f"{f['findingType']} {f['issueCode']}{f' at {at}' if at else ''}: {f['findingDetails']}")
        verdict.failed = any(f["findingType"] in FAILING_FINDINGS for f in findings)
        return verdict
    method = client.check_no_new_access if call.operation == "CheckNoNewAccess" else client.check_access_not_granted
    answer = method(**call.parameters)
    verdict = Verdict(call, answer["result"])
    if answer.get("message"):
        verdict.lines.append(answer["message"])
    for reason in answer.get("reasons", []):
        where = f"Statement[{reason['statementIndex']}]" if "statementIndex" in reason else "the document"
        sid = f" ({reason['statementId']})" if reason.get("statementId") else ""
        verdict.lines.append(f"{where}{sid}: {reason.get('description', '')}")
    verdict.failed = call.operation == "CheckAccessNotGranted" and answer["result"] == "FAIL"
    if call.operation == "CheckNoNewAccess":
        verdict.lines.append(_beside(answer["result"], call.document.review))
    return verdict


def invariants_of(project_dir: Path, stack: str) -> list[Denied]:
    """The access the stack's invariants (`accessInvariants`, docs/access.md) let no one reach
    (`allow: none`), as access no changed document of the stack may grant. An invariant that names
    who may reach it is about principals and paths, which one document cannot show: `check` judges
    it. A stack file the project does not have declares none here."""
    if not (project_dir / stack_file_name(stack)).is_file():
        return []
    found = []
    for invariant in check_stack(project_dir, stack).loaded.settings.access_invariants:
        if invariant.allow == "none":
            resources = () if invariant.resource == "*" else (invariant.resource,)  # "*" alone: any resource
            found.append(Denied(f"invariant {invariant.name} of {stack_file_name(stack)}", (invariant.action,), resources))
    return found


def _client(args: argparse.Namespace) -> Any:
    import boto3  # noqa: PLC0415 (only when a request is really sent)

    return boto3.Session(profile_name=args.profile, region_name=args.region).client("accessanalyzer")


def run(args: argparse.Namespace, out: TextIO | None = None, client: Any = None) -> int:
    out = out if out is not None else sys.stdout  # the stream of the moment, not of import time
    try:
        denied = denied_of(args)
        calls = []
        for stack in stacks_in(args.review_dir):
            documents = changed_documents(stack.stack, stack.plan, stack.base)
            held = invariants_of(args.project_dir, stack.stack) if documents and not args.no_invariants else []
            calls += [call for document in documents for call in calls_for(document, [*denied, *held])]
    except (AnalyzeError, JsonFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    charged = sum(c.operation in CHARGED for c in calls)
    if not calls:
        out.write("no policy document changed: no request sent to Access Analyzer\n")
        return 0
    if args.dry_run:
        _print_requests(calls, args.format, out, charged)
        return 0
    import botocore.exceptions  # noqa: PLC0415

    verdicts: list[Verdict] = []
    try:
        client = client if client is not None else _client(args)
        for call in calls:
            verdicts.append(send(client, call))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
        made = f"{len(verdicts)} of {len(calls)} requests answered"
        failed = calls[len(verdicts)]
        print(
            f"error: Access Analyzer {visible(failed.title)} for {visible(failed.document.label)}: {error} ({made})",
            file=sys.stderr,
        )
        return 2
    _print_verdicts(verdicts, args.format, out, charged)
    return 1 if any(v.failed for v in verdicts) else 0


def _summary(calls: Sequence[Call], charged: int) -> str:
    documents = len({(c.document.stack, c.document.label) for c in calls})
    return (
        f"{len(calls)} request(s) for {documents} changed document(s): {charged} charged custom policy check(s) "
        f"(CheckNoNewAccess, CheckAccessNotGranted), {len(calls) - charged} ValidatePolicy (no charge); docs/analyze.md"
    )


def _print_requests(calls: Sequence[Call], fmt: str, out: TextIO, charged: int) -> None:
    if fmt == "json":
        data = [
            {
                "stack": c.document.stack,
                "document": c.document.label,
                "operation": c.operation,
                "checks": c.denied.name if c.denied is not None else None,
                "parameters": c.parameters,
            }
            for c in calls
        ]
        out.write(json.dumps({"dryRun": True, "requests": data}, indent=2, sort_keys=True) + "\n")
        return
    for c in calls:
        out.write(f"would send {visible(c.title)} for stack {visible(c.document.stack)}: {visible(c.document.label)}\n")
        out.write(json.dumps(c.parameters, indent=2, sort_keys=True) + "\n")
    out.write(f"dry run: {_summary(calls, charged)}; nothing was sent\n")


def _print_verdicts(verdicts: Sequence[Verdict], fmt: str, out: TextIO, charged: int) -> None:
    if fmt == "json":
        data = [
            {
                "stack": v.call.document.stack,
                "document": v.call.document.label,
                "operation": v.call.operation,
                "checks": v.call.denied.name if v.call.denied is not None else None,
                "review": v.call.document.review,
                "result": v.result,
                "details": v.lines,
                "failed": v.failed,
            }
            for v in verdicts
        ]
        out.write(json.dumps({"verdicts": data}, indent=2, sort_keys=True) + "\n")
        return
    for v in verdicts:
        mark = " (fails make analyze)" if v.failed else ""
        out.write(
            f"stack {visible(v.call.document.stack)}: {visible(v.call.document.label)}: {visible(v.call.title)} {visible(v.result)}{mark}\n"
        )
        for line in v.lines:
            out.write(f"  {visible(line)}\n")
    out.write(f"{_summary([v.call for v in verdicts], charged)}\n")
