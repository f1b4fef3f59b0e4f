"""Issue 29's precision corpus (`precision_corpus`): the policies AWS and well-known projects
publish pass the guardrails, warnings allowed, except those recorded in `REFUSED` with the rule
ids of their errors and why; each cites where it was read."""

from __future__ import annotations

import pytest

from tests.guardrails.precision_corpus import PUBLISHED, REFUSED, PublishedPolicy
from tests.guardrails.precision_judge import refusals


def test_the_corpus_has_at_least_60_published_policies_each_citing_its_source_and_version() -> None:
    assert len(PUBLISHED) >= 60
    names = [p.name for p in PUBLISHED]
    assert len(names) == len(set(names))
    for policy in PUBLISHED:
        assert policy.source.startswith(("https://github.com/", "arn:aws:iam::aws:policy/")), policy.name
        assert policy.version.strip(), policy.name
        assert policy.document["Statement"], policy.name
    assert set(REFUSED) <= set(names)


@pytest.mark.parametrize("policy", PUBLISHED, ids=lambda p: p.name)
def test_a_published_policy_passes_or_is_refused_only_by_the_rules_recorded(policy: PublishedPolicy) -> None:
    expected = REFUSED.get(policy.name, ((), ""))[0]
    assert tuple(refusals(policy)) == expected


def test_most_published_policies_pass() -> None:
    """The figure docs/guardrails.md states (tools/benchmark/guardrails.py measures the others)."""
    assert len(PUBLISHED) - len(REFUSED) == 75
