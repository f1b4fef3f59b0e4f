"""Issue 20's corpus (`escalation_corpus`): every escalation policy is caught, naming its path,
and every least-privilege policy passes with no finding at all. Each case is a role, so a path
split over files, or between a file and an AWS managed policy, is judged as a role's policies
are: per file (PRIVILEGE_ESCALATION), together (ESCALATION_ACROSS_POLICIES) and per attached
AWS managed policy (MANAGED_POLICY_ESCALATION)."""

from __future__ import annotations

import json
import re

import pytest
from cloudsplaining.scan.policy_document import PolicyDocument as CloudsplainingPolicy

from crossaccount.guardrails import Entity, Finding, PolicyDocument
from crossaccount.guardrails.managed import aws_managed_policies
from crossaccount.guardrails.paths import all_paths
from tests.guardrails.corpus import findings
from tests.guardrails.escalation_corpus import ESCALATION, LEAST_PRIVILEGE, CorpusCase
from tools.offline.mocks import PROJECT_DIR

ESCALATION_RULES = ("PRIVILEGE_ESCALATION", "ESCALATION_ACROSS_POLICIES", "MANAGED_POLICY_ESCALATION")


def role_of(case: CorpusCase) -> Entity:
    return Entity(
        kind="role",
        where=f"cross-account-roles:roles.{case.name}",
        managed_policy_arns=tuple((f"managedPolicyArns[{i}]", arn) for i, arn in enumerate(case.managed)),
        permission_documents=tuple(PolicyDocument("managed", f"policies/{f}", json.dumps(d)) for f, d in case.files.items()),
    )


def case_findings(case: CorpusCase) -> list[Finding]:
    role = role_of(case)
    found = [f for doc in role.permission_documents for f in findings(doc)]
    return found + findings(role)


def test_the_corpus_has_80_escalation_and_20_least_privilege_policies_each_citing_its_source() -> None:
    assert len(ESCALATION) >= 80
    assert len(LEAST_PRIVILEGE) >= 20
    names = [c.name for c in [*ESCALATION, *LEAST_PRIVILEGE]]
    assert len(names) == len(set(names))
    ids = {p.id for p in all_paths()}
    for case in [*ESCALATION, *LEAST_PRIVILEGE]:
        assert case.source.strip(), case.name
        assert set(case.paths) <= ids, (case.name, set(case.paths) - ids)


@pytest.mark.parametrize("case", ESCALATION, ids=lambda c: c.name)
def test_every_escalation_policy_is_caught_naming_its_path(case: CorpusCase) -> None:
    found = [f for f in case_findings(case) if f.rule_id in ESCALATION_RULES]
    assert found, [f.line() for f in case_findings(case)]
    named = [p for p in case.paths for f in found if re.search(rf"\b{re.escape(p)}\b", f.message)]
    assert named, (case.paths, [f.message[:300] for f in found])


@pytest.mark.parametrize("case", LEAST_PRIVILEGE, ids=lambda c: c.name)
def test_every_least_privilege_policy_passes_with_no_finding(case: CorpusCase) -> None:
    assert [f.line() for f in case_findings(case)] == []


def cloudsplaining_flags(case: CorpusCase, *, all_risky: bool) -> bool:
    """cloudsplaining's check (what `scan-policy-file` prints, `--flag-all-risky-actions` for
    `all_risky`) on each file and attached AWS managed policy of the case."""
    documents = [*case.files.values(), *(aws_managed_policies()[arn.rsplit("/", 1)[1]]["Document"] for arn in case.managed)]
    return any(
        CloudsplainingPolicy(
            d, flag_conditional_statements=all_risky, flag_resource_arn_statements=all_risky
        ).allows_privilege_escalation
        for d in documents
    )


GUARDRAILS_PAGE = PROJECT_DIR / "docs" / "guardrails.md"


def readme_row(tool: str) -> str:
    text = GUARDRAILS_PAGE.read_text(encoding="utf-8")
    (row,) = [line for line in text.splitlines() if line.strip().startswith(f"| {tool} |")]
    return row.strip()


def test_the_guardrails_page_states_the_figures_measured_on_this_corpus() -> None:
    """docs/guardrails.md's comparison table, recomputed: these guardrails and cloudsplaining (PMapper is
    run by hand, `compare_pmapper`)."""
    ours = sum(any(f.rule_id in ESCALATION_RULES for f in case_findings(c)) for c in ESCALATION)
    ours_false = sum(bool(case_findings(c)) for c in LEAST_PRIVILEGE)
    total, good = len(ESCALATION), len(LEAST_PRIVILEGE)
    assert readme_row("these guardrails") == f"| these guardrails | {ours} of {total} | {ours_false} of {good} |"
    for label, all_risky in (
        ("cloudsplaining 0.9.1 (`scan-policy-file`'s check on each file and managed policy)", False),
        ("cloudsplaining 0.9.1 with `--flag-all-risky-actions`", True),
    ):
        caught = sum(cloudsplaining_flags(c, all_risky=all_risky) for c in ESCALATION)
        flagged = sum(cloudsplaining_flags(c, all_risky=all_risky) for c in LEAST_PRIVILEGE)
        assert readme_row(label) == f"| {label} | {caught} of {total} | {flagged} of {good} |"
    assert f"{total} escalation policies written the way people write" in GUARDRAILS_PAGE.read_text(encoding="utf-8")
