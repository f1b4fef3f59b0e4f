"""Findings, rules and the three kinds of subject a rule looks at. No Pulumi imports.

A rule is one small pure function over one subject: a policy document (`PolicyDocument`),
an IAM entity's plain description (`Entity`) or a resource as the engine sees it
(`EngineResource`). It yields `(location, message)` pairs; the registry turns them into
`Finding`s carrying the rule's id and severity. The program, `make check` and the policy
pack build the subjects their own way and run the same registry.

Rule ids are descriptive UPPER_SNAKE_CASE names (`RESOURCE_STAR`, `TRUST_WHOLE_ACCOUNT`):
they are what a stack writes in a waiver and what the policy pack calls its policies, so
they read as what they catch and never change once published.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, Literal, NamedTuple, TypeVar

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"

DocumentKind = Literal["managed", "inline", "trust"]
"""managed: a customer managed policy; inline: a user/role/group inline policy; trust: a role's trust policy."""

EntityKind = Literal["user", "role", "group", "policy", "attachment"]

PackScope = Literal["resource", "stack", "none"]
"""How the policy pack applies a rule: to each resource, to the whole stack (totals per
entity, which span several resources), or not at all (rules about the stack's settings)."""


@dataclass(frozen=True)
class Finding:
    """One thing a rule found: where, what, and how to fix it."""

    rule_id: str
    severity: Severity
    location: str
    """The stack key (`cross-account-roles:roles.r.path`), the file and statement
    (`policies/x.json, Statement[0]`), or, in the policy pack, the resource property."""
    message: str
    """What is wrong, the value found, and how to fix it."""
    waived: str | None = None
    """The waiver's reason, when the stack waived this finding (it is still reported)."""
    unwaivable: bool = field(default=False, compare=False, repr=False)
    """A finding of a waivable rule that no waiver covers: past a quota's hard maximum, which no
    quota raise reaches (`Unwaivable`)."""

    @property
    def blocking(self) -> bool:
        """An error that no waiver covers: the program stops, `make check` exits 1."""
        return self.severity == ERROR and self.waived is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "location": self.location,
            "message": self.message,
            "waived": self.waived,
        }

    def line(self) -> str:
        """`error RESOURCE_STAR policies/x.json, Statement[0]: ...`; a waived finding starts with
        `waived` (and its severity) and ends with the waiver's reason."""
        if self.waived is None:
            return f"{self.severity} {self.rule_id} {self.location}: {self.message}"
        return f"waived {self.rule_id} ({self.severity}) {self.location}: {self.message} [waiver: {self.waived}]"


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """One order everywhere (place, then rule), so every output is byte-for-byte stable."""
    return sorted(findings, key=lambda f: (f.location, f.rule_id, f.message, f.waived or ""))


def summarise(findings: Iterable[Finding]) -> str:
    """`1 error, 2 warnings, 1 waived`: what blocks, what is shown, what a stack accepted."""
    items = list(findings)
    errors = sum(1 for f in items if f.blocking)
    warnings = sum(1 for f in items if f.severity == WARNING and f.waived is None)
    waived = sum(1 for f in items if f.waived is not None)
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}, {waived} waived"


def show(value: Any, limit: int = 80) -> str:
    """A value as JSON, shortened: how messages quote what they found."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def as_list(value: Any) -> list[Any]:
    """IAM writes one element as a bare value and several as a list."""
    return value if isinstance(value, list) else [value]


# --- subjects -----------------------------------------------------------------------------


class _Unparsed:
    """The parse result of a document that is not JSON (POLICY_JSON says why)."""

    def __init__(self, error: json.JSONDecodeError) -> None:
        self.error = error


@dataclass(frozen=True)
class PolicyDocument:
    """One IAM policy document, as the text AWS will receive."""

    kind: DocumentKind
    where: str
    """Where it comes from: `policies/x.json`, `cross-account-roles:roles.r (trust policy)`,
    or in the policy pack the property (`assumeRolePolicy`)."""
    text: str
    account: str | None = None
    """The account the document lives in (a trust policy: the role's), where known: the stack's
    target account, or in the policy pack the one `allowedAccountIds` of the resource's provider."""

    @cached_property
    def data(self) -> Any:
        try:
            return json.loads(self.text)
        except json.JSONDecodeError as error:
            return _Unparsed(error)

    @property
    def parse_error(self) -> json.JSONDecodeError | None:
        return self.data.error if isinstance(self.data, _Unparsed) else None

    @property
    def is_identity(self) -> bool:
        """Managed and inline policies grant permissions; a trust policy says who may assume."""
        return self.kind != "trust"

    def at(self, index: int | None = None) -> str:
        return self.where if index is None else f"{self.where}, Statement[{index}]"

    def statements(self) -> Iterator[tuple[int, Mapping[str, Any]]]:
        """Each statement that is a JSON object, with its index (POLICY_JSON reports the rest)."""
        data = self.data
        if not isinstance(data, dict) or "Statement" not in data:
            return
        statement = data["Statement"]
        items = statement if isinstance(statement, list) else [statement] if isinstance(statement, dict) else []
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield i, item


@dataclass(frozen=True)
class Entity:
    """An IAM user, role, group, managed policy or attachment: the plain values a rule checks.

    A field left at None is unknown (the pack sees a computed value) or does not apply.
    """

    kind: EntityKind
    where: str
    """The stack key of the entity (`cross-account-roles:roles.r`), or "" in the policy pack,
    where the finding is attached to the resource and located by property name."""
    name: str | None = None
    path: str | None = None
    description: str | None = None
    tags: Mapping[str, str] | None = None
    max_session_duration: Any = None
    """As given: the pack may see a float or a string, which the rule reports."""
    managed_policy_arns: tuple[tuple[str, str], ...] = ()
    """(location, ARN) of each managed policy named in the entity's own settings or inputs."""
    other_attached: int = 0
    """Managed policies attached by other means (the stack's policy files, attachment resources)."""
    permissions_boundary: str | None = None
    inline_policies: tuple[PolicyDocument, ...] = ()
    permission_documents: tuple[PolicyDocument, ...] = ()
    """The customer managed policies the program makes for the entity (a role's policy files),
    for rules that look at everything the entity is granted together."""
    mfa_required_by_identity: tuple[str, ...] = ()
    """A role with `requireMfa: false`: the users it trusts of whom AWS requires MFA all the same,
    because their self-service policy enforces it (`crossaccount.plan.route.decide_mfa`)."""
    arn: str | None = None
    """The entity's own ARN where the stack knows it (a role: `arn:aws:iam::<target>:role/<path><name>`);
    the policy pack knows only the name and path."""
    policy_arns: tuple[str, ...] = ()
    """The ARNs of the customer managed policies the program makes for the entity, in the order of
    `permission_documents`."""

    def at(self, field_name: str) -> str:
        return f"{self.where}.{field_name}" if self.where else field_name

    @property
    def name_at(self) -> str:
        return self.where or "name"


@dataclass(frozen=True)
class EngineResource:
    """A resource as the engine registers it: its type, name and provider."""

    type: str
    name: str
    provider: str | None
    """The provider resource's name, or None when the engine shows none."""


# --- rules --------------------------------------------------------------------------------


class Unwaivable(NamedTuple):
    """What a waivable rule yields for a value no waiver can make acceptable: past the hard
    maximum of a quota (a trust policy over 4,096 characters, AWS's most by quota request),
    where waiving with "the quota was raised" would only move the failure to `pulumi up`."""

    where: str
    message: str


S = TypeVar("S", PolicyDocument, Entity, EngineResource)
Problems = Iterable[tuple[str, str]]


@dataclass(frozen=True)
class Rule(Generic[S]):
    """A rule: its id, severity, what it catches, and the function that looks."""

    id: str
    severity: Severity
    summary: str
    """What it catches, in one line (docs/guardrails.md's generated table and the policy pack's description)."""
    check: Callable[[S], Problems] = field(repr=False)
    waivable: bool = True
    """False where AWS rejects the input whatever a stack says: waiving would only move the failure to `pulumi up`."""
    pack: PackScope = "resource"

    def run(self, subject: S) -> list[Finding]:
        return [
            Finding(self.id, self.severity, where, message, unwaivable=isinstance(problem, Unwaivable))
            for problem in self.check(subject)
            for where, message in (problem,)
        ]


@dataclass(frozen=True)
class RuleInfo:
    """A rule's description, whatever it looks at (the waiver rules look at waivers)."""

    id: str
    severity: Severity
    summary: str
    subject: str
    waivable: bool
    pack: PackScope


DOCUMENT_RULES: list[Rule[PolicyDocument]] = []
ENTITY_RULES: list[Rule[Entity]] = []
RESOURCE_RULES: list[Rule[EngineResource]] = []
RULES: dict[str, RuleInfo] = {}
"""Every rule by id, in the order the modules declare them."""


def _register(info: RuleInfo) -> None:
    if info.id in RULES:
        raise ValueError(f"rule id {info.id} is declared twice")
    RULES[info.id] = info


def declare(rule_id: str, severity: Severity, summary: str, subject: str, *, waivable: bool, pack: PackScope = "none") -> None:
    """Register a rule that is not a function over a subject (the waiver rules)."""
    _register(RuleInfo(rule_id, severity, summary, subject, waivable, pack))


def document_rule(
    rule_id: str, severity: Severity, summary: str, *, waivable: bool = True, pack: PackScope = "resource"
) -> Callable[[Callable[[PolicyDocument], Problems]], Callable[[PolicyDocument], Problems]]:
    """`pack="none"`: a rule that needs what only the stack knows (`PolicyDocument.account`)."""

    def decorate(check: Callable[[PolicyDocument], Problems]) -> Callable[[PolicyDocument], Problems]:
        DOCUMENT_RULES.append(Rule(rule_id, severity, summary, check, waivable, pack))
        _register(RuleInfo(rule_id, severity, summary, "policy document", waivable, pack))
        return check

    return decorate


def entity_rule(
    rule_id: str, severity: Severity, summary: str, *, waivable: bool = True, pack: PackScope = "resource"
) -> Callable[[Callable[[Entity], Problems]], Callable[[Entity], Problems]]:
    def decorate(check: Callable[[Entity], Problems]) -> Callable[[Entity], Problems]:
        ENTITY_RULES.append(Rule(rule_id, severity, summary, check, waivable, pack))
        _register(RuleInfo(rule_id, severity, summary, "IAM entity", waivable, pack))
        return check

    return decorate


def resource_rule(
    rule_id: str, severity: Severity, summary: str
) -> Callable[[Callable[[EngineResource], Problems]], Callable[[EngineResource], Problems]]:
    def decorate(check: Callable[[EngineResource], Problems]) -> Callable[[EngineResource], Problems]:
        RESOURCE_RULES.append(Rule(rule_id, severity, summary, check, False, "resource"))
        _register(RuleInfo(rule_id, severity, summary, "engine resource", False, "resource"))
        return check

    return decorate
