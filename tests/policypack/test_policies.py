"""The policy pack holds a resource added outside the component to the same bar: for every
policy, a non-compliant resource is reported (with the property and the fix), compliant
ones and resources whose properties are missing are not, and what the component itself
registers passes every policy. Validators are called directly with a fake report callback."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from crossaccount.guardrails import RULES
from policypack.policies import ATTACHMENTS, ENTITY_READERS, POLICIES, RESOURCE_VALIDATORS, STACK_VALIDATORS, known_properties
from tests.conftest import walkthrough_settings
from tests.guardrails.corpus import FakeResource, ResourceCase, file_cases_as_resources, resource_cases, stack_cases
from tools.offline.mocks import run_program

Violations = dict[str, list[tuple[str, str | None]]]

BAD = resource_cases("bad") + file_cases_as_resources(stack_cases("bad"))
GOOD = resource_cases("good")
PACK_RULES = sorted({*RESOURCE_VALIDATORS, *STACK_VALIDATORS})
ROLE_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"


def urn(resource: FakeResource) -> str:
    return f"urn:pulumi:utils::cross-account-roles::{resource.type}::{resource.name}"


def provider(name: str | None, props: Mapping[str, Any] | None = None) -> PolicyProviderResource | None:
    if name is None:
        return None
    return PolicyProviderResource(
        "pulumi:providers:aws", dict(props or {}), f"urn:pulumi:utils::cross-account-roles::pulumi:providers:aws::{name}", name
    )


def options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def resource_args(resource: FakeResource, config: Mapping[str, Any] | None = None) -> ResourceValidationArgs:
    return ResourceValidationArgs(
        resource.type,
        resource.props,
        urn(resource),
        resource.name,
        options(),
        provider(resource.provider, resource.provider_props),
        config,
    )


def stack_args(resources: Iterable[FakeResource], config: Mapping[str, Any] | None = None) -> StackValidationArgs:
    policy_resources = [
        PolicyResource(r.type, r.props, urn(r), r.name, options(), provider(r.provider, r.provider_props), None, [], {})
        for r in resources
    ]
    return StackValidationArgs(policy_resources, config)


def run_pack(resources: Iterable[FakeResource], config: Mapping[str, Any] | None = None) -> Violations:
    """Every policy over the resources: policy name -> [(message, urn)] of what it reported."""
    resources = list(resources)
    found: Violations = {}

    def reporter(rule_id: str, default_urn: str | None) -> Callable[[str, str | None], None]:
        def report_violation(message: str, at: str | None = None) -> None:
            found.setdefault(rule_id, []).append((message, at or default_urn))

        return report_violation

    for rule_id, validate in RESOURCE_VALIDATORS.items():
        for r in resources:
            validate(resource_args(r, config), reporter(rule_id, urn(r)))
    for rule_id, validate_stack in STACK_VALIDATORS.items():
        validate_stack(stack_args(resources, config), reporter(rule_id, None))
    return found


@pytest.mark.parametrize("case", BAD, ids=lambda c: c.name)
def test_a_non_compliant_resource_is_reported_by_its_policy_with_the_property_and_the_fix(case: ResourceCase) -> None:
    assert case.rule is not None
    reported = run_pack(case.resources).get(case.rule, [])
    if case.stack:
        blamed = [m for m, at in reported if at is not None and at.endswith(f"::{case.location}")]
    else:
        blamed = [m for m, _ in reported if m.startswith(f"{case.location}: ")]
    assert blamed, reported
    for fragment in case.contains:
        assert any(fragment in m for m in blamed), (fragment, blamed)


def test_every_policy_has_a_non_compliant_case() -> None:
    assert {c.rule for c in BAD} >= set(PACK_RULES)


@pytest.mark.parametrize("case", GOOD, ids=lambda c: c.name)
def test_a_compliant_resource_passes_every_policy(case: ResourceCase) -> None:
    assert run_pack(case.resources) == {}


@pytest.mark.parametrize("rule_id", PACK_RULES)
def test_a_policy_reports_nothing_when_the_properties_it_reads_are_missing(rule_id: str) -> None:
    bare = [FakeResource(t, f"bare-{i}", {}, "access-target") for i, t in enumerate(sorted(ENTITY_READERS))]
    assert run_pack(bare).get(rule_id, []) == []


def test_a_resource_without_a_visible_provider_is_reported_but_a_provider_itself_is_not() -> None:
    role = FakeResource("aws:iam/role:Role", "reader", {}, None)
    aws_provider = FakeResource("pulumi:providers:aws", "access-target", {"region": "eu-north-1"}, None)
    reported = run_pack([role, aws_provider])["EXPLICIT_PROVIDER"]
    assert [at for _, at in reported] == [urn(role)]


def test_the_packs_policies_are_the_rules_with_enforcement_from_their_severity() -> None:
    *rules, unknown_values = POLICIES
    assert [p.name for p in rules] == [r for r, info in RULES.items() if info.pack != "none"]
    assert (unknown_values.name, unknown_values.enforcement_level) == ("PREVIEW_UNKNOWN_VALUES", EnforcementLevel.ADVISORY)
    for policy in rules:
        info = RULES[policy.name]
        expected = EnforcementLevel.MANDATORY if info.severity == "error" else EnforcementLevel.ADVISORY
        assert (policy.enforcement_level, policy.description) == (expected, info.summary)
        assert isinstance(policy, StackValidationPolicy if info.pack == "stack" else ResourceValidationPolicy)


def test_a_pack_policy_runs_the_validator_the_tests_call() -> None:
    (case,) = [c for c in BAD if c.name == "trust-principal-wildcard"]
    policy = next(p for p in POLICIES if p.name == "TRUST_PRINCIPAL_WILDCARD")
    assert isinstance(policy, ResourceValidationPolicy)
    reported: list[str] = []

    def report_violation(message: str, _urn: str | None = None) -> None:
        reported.append(message)

    policy.validate(resource_args(case.resources[0]), report_violation)
    assert len(reported) == 1
    assert reported[0].startswith('assumeRolePolicy, Statement[0]: Principal "*" lets every AWS account assume the role')


def test_a_waiver_in_the_policy_config_exempts_only_the_resource_it_names() -> None:
    (case,) = [c for c in BAD if c.name == "trust-whole-account"]
    role = case.resources[0]
    other = FakeResource(role.type, "other", {**role.props, "name": "other-reader"}, role.provider)
    waivers = {"waivers": {"reader": "break-glass role, reviewed by security"}}
    reported = run_pack([role, other], waivers)["TRUST_WHOLE_ACCOUNT"]
    assert [at for _, at in reported] == [urn(other)]


def test_totals_count_attachments_and_inline_policies_of_the_entity_they_name() -> None:
    (case,) = [c for c in BAD if c.name == "managed-policy-count"]
    role, *attachments = case.resources
    assert set(ATTACHMENTS) >= {a.type for a in attachments}
    assert "MANAGED_POLICY_COUNT" not in run_pack([role, *attachments[:2]])
    elsewhere = [FakeResource(a.type, a.name, {**a.props, "role": "another-role"}, a.provider) for a in attachments]
    assert "MANAGED_POLICY_COUNT" not in run_pack([role, *elsewhere])


def test_what_the_component_registers_passes_every_policy() -> None:
    run = run_program("utils", walkthrough_settings())
    resources = [FakeResource(r.type, r.name, r.inputs, r.provider) for r in run.registrations if r.custom]
    assert {r.type for r in resources} >= {"aws:iam/role:Role", "aws:iam/policy:Policy", "aws:iam/user:User"}
    assert run_pack(resources) == {}


UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""The engine's unknown string, as pulumi_policy hands it to a validator in a first preview."""


def test_a_role_with_six_policies_counts_six_though_its_outputs_list_them_too() -> None:
    """AnalyzeStack gets outputs: the provider's computed managedPolicyArns repeats the attachments."""
    arns = [f"arn:aws:iam::444455556666:policy/p{i}" for i in range(6)]
    role = FakeResource("aws:iam/role:Role", "reader", {"name": "reader", "managedPolicyArns": arns}, "access-target")
    attachments = [
        FakeResource(ROLE_ATTACHMENT, f"attach-{i}", {"role": "reader", "policyArn": arn}, "access-target")
        for i, arn in enumerate(arns)
    ]
    assert run_pack([role, *attachments]) == {}


def test_unknown_values_are_left_out_and_nothing_fails_on_them() -> None:
    role = FakeResource(
        "aws:iam/role:Role",
        "reader",
        {"name": "reader", "assumeRolePolicy": UNKNOWN, "managedPolicyArns": [UNKNOWN], "arn": UNKNOWN},
        "access-target",
    )
    attachment = FakeResource(ROLE_ATTACHMENT, "attach", {"role": UNKNOWN, "policyArn": UNKNOWN}, "access-target")
    policy = FakeResource("aws:iam/policy:Policy", "p", {"name": "p", "policy": UNKNOWN}, "access-target")
    assert run_pack([role, attachment, policy]) == {}
    assert known_properties(role.props) == ({"name": "reader"}, ["arn", "assumeRolePolicy", "managedPolicyArns"])


def test_an_unknown_inside_a_document_leaves_out_only_that_property() -> None:
    trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}'
    role = FakeResource(
        "aws:iam/role:Role", "reader", {"name": "reader", "assumeRolePolicy": trust, "tags": {"x": UNKNOWN}}, "access-target"
    )
    assert sorted(run_pack([role])) == ["TRUST_PRINCIPAL_WILDCARD", "TRUST_WITHOUT_MFA"]
