"""Running the rules over a set of subjects, and the waivers.

A stack may waive a rule for one role (`roles.<name>.waivers`) or one policy file
(`policyWaivers.<file>`), always with a reason. A waived finding is still reported, marked
with the reason; it only stops blocking. Nothing is waived silently: a waiver naming no
rule, or a rule AWS enforces whatever the stack says, is itself an error (WAIVER_INVALID),
and a waiver that matches nothing is a warning (WAIVER_UNUSED), so stale waivers surface.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from .model import (
    DOCUMENT_RULES,
    ENTITY_RULES,
    ERROR,
    RULES,
    WARNING,
    Entity,
    Finding,
    PolicyDocument,
    declare,
    show,
    sort_findings,
)

declare(
    "WAIVER_INVALID",
    ERROR,
    "a waiver naming no rule, or a rule AWS enforces whatever the stack says",
    "stack waivers",
    waivable=False,
)
declare("WAIVER_UNUSED", WARNING, "a waiver that matches no finding (remove it)", "stack waivers", waivable=False)


@dataclass(frozen=True)
class WaiverScope:
    """The waivers of one role or one policy file, and the stack key they are declared at."""

    where: str
    """e.g. `cross-account-roles:roles.s3-list-role.waivers`."""
    waivers: Mapping[str, str]
    """rule id -> reason."""


@dataclass(frozen=True)
class Subjects:
    """What to check: documents and entities, each with the waivers that apply to it."""

    documents: Sequence[tuple[PolicyDocument, WaiverScope | None]] = ()
    entities: Sequence[tuple[Entity, WaiverScope | None]] = ()
    scopes: Sequence[WaiverScope] = field(default=())
    """Every waiver scope of the stack, so that unused and invalid waivers are reported once."""


class GuardrailError(Exception):
    """The guardrails found errors: every finding, listed together; nothing was created."""

    def __init__(self, stack: str, findings: Sequence[Finding]):
        self.findings = list(findings)
        blocking = [f for f in self.findings if f.blocking]
        listing = "\n".join(f"  - {f.line()}" for f in self.findings)
        super().__init__(
            f"{len(blocking)} guardrail error(s) in stack {stack}; nothing was created "
            f"(see docs/guardrails.md to fix or waive them):\n{listing}"
        )


def _waive(finding: Finding, scope: WaiverScope | None, used: set[tuple[str, str]]) -> Finding:
    if scope is None or finding.rule_id not in scope.waivers or not RULES[finding.rule_id].waivable:
        return finding
    used.add((scope.where, finding.rule_id))  # not "unused": it is read, and refused below
    if finding.unwaivable:
        return replace(finding, message=f"{finding.message} (the waiver {scope.where}.{finding.rule_id} does not apply here)")
    return replace(finding, waived=scope.waivers[finding.rule_id])


def _waiver_findings(scope: WaiverScope, used: set[tuple[str, str]]) -> Iterable[Finding]:
    for rule_id in scope.waivers:
        where = f"{scope.where}.{rule_id}"
        if rule_id not in RULES:
            import difflib  # noqa: PLC0415 (only for a misspelt waiver: 1 ms of every start, measured)

            close = difflib.get_close_matches(rule_id, list(RULES), n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            yield Finding(
                "WAIVER_INVALID",
                ERROR,
                where,
                f"no guardrail rule has id {show(rule_id)}; {hint}expected a rule id from docs/guardrails.md",
            )
        elif not RULES[rule_id].waivable:
            yield Finding(
                "WAIVER_INVALID",
                ERROR,
                where,
                f"{rule_id} cannot be waived: AWS rejects such input whatever the stack says; fix the input instead",
            )
        elif (scope.where, rule_id) not in used:
            yield Finding("WAIVER_UNUSED", WARNING, where, f"waives {rule_id}, but nothing here triggers it; remove the waiver")


def run_rules(subjects: Subjects) -> list[Finding]:
    """Every rule over every subject, waivers applied, in the one stable order."""
    used: set[tuple[str, str]] = set()
    findings: list[Finding] = []
    for doc, scope in subjects.documents:
        for document_rule in DOCUMENT_RULES:
            findings += [_waive(f, scope, used) for f in document_rule.run(doc)]
    for entity, scope in subjects.entities:
        for entity_rule in ENTITY_RULES:
            findings += [_waive(f, scope, used) for f in entity_rule.run(entity)]
    for scope in subjects.scopes:
        findings += _waiver_findings(scope, used)
    return sort_findings(findings)


def enforce(stack: str, findings: Sequence[Finding], warn: Callable[[str], None]) -> None:
    """Show every warning and waived finding with `warn`; raise `GuardrailError` if any error is left."""
    for finding in findings:
        if not finding.blocking:
            warn(f"guardrails: {finding.line()}")
    if any(f.blocking for f in findings):
        raise GuardrailError(stack, findings)
