"""The corpus: every bad input is rejected with its rule id and a message naming the stack
key or file, before any resource is registered; every good input passes with no finding.
Between them the bad inputs cover every rule (the rest of this file would not notice a
rule nobody tests)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from crossaccount.guardrails import RULES, WARNING, Finding, GuardrailError, check_plan
from crossaccount.pipeline import load_values, plan_of
from tests import test_access_invariants, test_organisation
from tests.guardrails.corpus import StackCase, resource_cases, stack_cases
from tools.offline.mocks import ProgramError, ProgramRun

BAD = stack_cases("bad")
GOOD = stack_cases("good")


def write_policies(case: StackCase, project: Path) -> None:
    for file_name, text in case.policies.items():
        (project / "policies" / file_name).write_text(text, encoding="utf-8")


def findings_for(case: StackCase, project: Path) -> list[Finding]:
    write_policies(case, project)
    return check_plan(plan_of(load_values("utils", case.settings, project / "policies")))


def _is_error(case: StackCase) -> bool:
    return case.rule is not None and RULES[case.rule].severity != WARNING


@pytest.mark.parametrize("case", BAD, ids=lambda c: c.name)
def test_a_bad_stack_is_reported_with_the_rule_the_key_or_file_and_the_value(case: StackCase, project: Path) -> None:
    findings = findings_for(case, project)
    matching = [f for f in findings if f.rule_id == case.rule and f.location == case.location]
    assert matching, "\n".join(f.line() for f in findings)
    assert case.location is not None
    assert case.location.startswith(("cross-account-roles:", "policies/"))
    for fragment in case.contains:
        assert any(fragment in f.message for f in matching), (fragment, [f.message for f in matching])


@pytest.mark.parametrize("case", [c for c in BAD if _is_error(c)], ids=lambda c: c.name)
def test_a_guardrail_error_stops_the_program_before_any_resource_is_registered(
    case: StackCase, project: Path, run_in: Callable[..., ProgramRun]
) -> None:
    write_policies(case, project)
    with pytest.raises(ProgramError) as raised:
        run_in(case.settings)
    assert raised.value.registrations == []
    assert isinstance(raised.value.cause, GuardrailError)
    assert f"error {case.rule} {case.location}: " in str(raised.value.cause)


@pytest.mark.parametrize("case", [c for c in BAD if not _is_error(c)], ids=lambda c: c.name)
def test_a_guardrail_warning_is_shown_and_the_program_goes_on(
    case: StackCase, project: Path, run_in: Callable[..., ProgramRun], caplog: pytest.LogCaptureFixture
) -> None:
    write_policies(case, project)
    with caplog.at_level(logging.WARNING):
        run = run_in(case.settings)
    assert any(r.type == "aws:iam/role:Role" for r in run.registrations)
    assert any(f"guardrails: warning {case.rule} {case.location}: " in m for m in caplog.messages), caplog.messages


PROJECT_RULES = {
    "ESC_UNSEEN": test_organisation.test_the_people_stack_says_which_roles_only_stack_takes_values_it_cannot_see,
    "ORG_SHARED_ACCOUNT": test_organisation.test_two_stacks_on_one_account_are_remarked_and_refused_only_where_names_collide,
    "ACCESS_INVARIANT": test_access_invariants.test_a_broken_invariant_names_the_principal_the_path_and_the_statements,
}
"""Rules about a stack among the project's files (an `environment:` import, another stack on
the same account, an access invariant judged against every stack): a case needs stack files, so
each is tested in tests/test_organisation.py or tests/test_access_invariants.py."""


def test_the_bad_corpus_covers_every_rule() -> None:
    covered = {c.rule for c in BAD} | {c.rule for c in resource_cases("bad")}
    assert covered | set(PROJECT_RULES) == set(RULES)
    assert not covered & set(PROJECT_RULES)
    assert all(RULES[rule].subject == "stack files" for rule in PROJECT_RULES)


@pytest.mark.parametrize("case", GOOD, ids=lambda c: c.name)
def test_a_good_stack_passes_with_no_finding_and_creates_its_resources(
    case: StackCase, project: Path, run_in: Callable[..., ProgramRun]
) -> None:
    assert [f.line() for f in findings_for(case, project)] == []
    run = run_in(case.settings)
    roles = sorted(r.inputs["name"] for r in run.registrations if r.type == "aws:iam/role:Role")
    assert roles == sorted(case.settings["roles"])
