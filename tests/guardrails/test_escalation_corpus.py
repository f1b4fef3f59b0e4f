"""Issue 20's corpus (`escalation_corpus`): every escalation policy is caught, naming its path,
and every least-privilege policy passes with no finding at all. Each case is a role, so a path
split over files, or between a file and an AWS managed policy, is judged as a role's policies
are: per file (PRIVILEGE_ESCALATION), together (ESCALATION_ACROSS_POLICIES) and per attached
AWS managed policy (MANAGED_POLICY_ESCALATION)."""

from __future__ import annotations

import json
import re

import pytest

from crossaccount.guardrails import Entity, Finding, PolicyDocument
from crossaccount.guardrails.paths import PATHS
from tests.guardrails.corpus import findings
from tests.guardrails.escalation_corpus import ESCALATION, LEAST_PRIVILEGE, CorpusCase

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
    ids = {p.id for p in PATHS}
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
