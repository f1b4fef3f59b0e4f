"""`make bench-guardrails`: these guardrails, cloudsplaining and Parliament side by side, in one
run, on both corpora: the escalation corpus (`escalation_corpus.ESCALATION`, every case should
be caught) and the precision corpus (`precision_corpus.PUBLISHED`: its least-privilege policies should pass, its escalating ones be refused).

    python -m tests.guardrails.compare [--write docs/guardrails.md]

- these guardrails: an escalation is caught when an escalation rule reports it (as
  `test_escalation_corpus` judges it); a published policy is refused when any error is reported
  (`precision_judge`: a file by every rule, an AWS managed policy as attached by ARN).
- The published policies are counted in two parts (`precision_corpus`): the least-privilege ones
  (`LEAST_PRIVILEGE`: every one should pass) and those AWS publishes that grant a path
  (`ESCALATING`: every one should be refused).
- cloudsplaining 0.9.1: its `scan-policy-file` check (privilege escalation) on each document, and
  the same with `--flag-all-risky-actions` (conditional and resource-ARN statements flagged too).
- Parliament 1.6.4 (`analyze_policy_string`, community auditors included): an escalation is
  caught when it reports PRIVILEGE_ESCALATION; a published policy is refused when it reports
  any finding its CLI shows by default (`--minimum_severity LOW`).

An AWS managed policy is given to the other tools as its document (they cannot resolve an ARN).
Nothing is asserted: this measures; the tests decide the corpus expectations.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cloudsplaining.scan.policy_document import PolicyDocument as CloudsplainingPolicy

from crossaccount.guardrails import use
from crossaccount.guardrails.managed import aws_managed_policies
from crossaccount.read import read_reference
from tests.guardrails.escalation_corpus import ESCALATION, CorpusCase
from tests.guardrails.precision_corpus import ESCALATING, LEAST_PRIVILEGE, PUBLISHED, PublishedPolicy
from tests.guardrails.precision_judge import refusals
from tests.guardrails.test_escalation_corpus import ESCALATION_RULES, case_findings

use(read_reference())  # run as a script (make bench-guardrails), without the tests' conftest

START, END = "<!-- compare: guardrails -->\n", "<!-- end compare: guardrails -->"
SEVERITIES = ["MUTE", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"]


def escalation_documents(case: CorpusCase) -> list[dict[str, Any]]:
    return [*case.files.values(), *(aws_managed_policies()[arn.rsplit("/", 1)[1]]["Document"] for arn in case.managed)]


def cloudsplaining(documents: list[dict[str, Any]], *, all_risky: bool) -> bool:
    return any(
        CloudsplainingPolicy(
            d, flag_conditional_statements=all_risky, flag_resource_arn_statements=all_risky
        ).allows_privilege_escalation
        for d in documents
    )


def parliament_findings(documents: list[dict[str, Any]]) -> list[Any]:
    from parliament import analyze_policy_string

    found: list[Any] = []
    for d in documents:
        found += analyze_policy_string(json.dumps(d), include_community_auditors=True).findings
    return found


def parliament_catches(documents: list[dict[str, Any]]) -> bool:
    return any(f.issue == "PRIVILEGE_ESCALATION" for f in parliament_findings(documents))


def parliament_refuses(documents: list[dict[str, Any]]) -> bool:
    """A finding without a severity of parliament's list (some community auditors give none) counts as shown."""
    return any(
        f.severity not in SEVERITIES or SEVERITIES.index(f.severity) >= SEVERITIES.index("LOW")
        for f in parliament_findings(documents)
    )


def ours_catches(case: CorpusCase) -> bool:
    return any(f.rule_id in ESCALATION_RULES for f in case_findings(case))


def ours_refuses(policy: PublishedPolicy) -> bool:
    return bool(refusals(policy))


def rows() -> list[tuple[str, int, int, int]]:
    """(tool, escalations caught, published least-privilege policies refused, published but escalating refused)."""
    published = [(p, [p.document]) for p in PUBLISHED]
    escalations = [(c, escalation_documents(c)) for c in ESCALATION]
    tools: list[tuple[str, Callable[[Any, list[dict[str, Any]]], bool], Callable[[Any, list[dict[str, Any]]], bool]]] = [
        ("cross-account-roles guardrails", lambda c, _: ours_catches(c), lambda p, _: ours_refuses(p)),
        (
            "cloudsplaining 0.9.1 `scan-policy-file`",
            lambda _, d: cloudsplaining(d, all_risky=False),
            lambda _, d: cloudsplaining(d, all_risky=False),
        ),
        (
            "cloudsplaining 0.9.1 `--flag-all-risky-actions`",
            lambda _, d: cloudsplaining(d, all_risky=True),
            lambda _, d: cloudsplaining(d, all_risky=True),
        ),
        ("Parliament 1.6.4 (community auditors)", lambda _, d: parliament_catches(d), lambda _, d: parliament_refuses(d)),
    ]
    found = []
    for name, caught, refused in tools:
        refusals_of = {p.name: refused(p, d) for p, d in published}
        found.append(
            (
                name,
                sum(caught(c, d) for c, d in escalations),
                sum(refusals_of[p.name] for p in LEAST_PRIVILEGE),
                sum(refusals_of[n] for n in ESCALATING),
            )
        )
    return found


def table() -> str:
    lines = [
        f"| tool | escalation policies caught (of {len(ESCALATION)}) "
        f"| published least-privilege policies passed (of {len(LEAST_PRIVILEGE)}) "
        f"| published but escalating refused (of {len(ESCALATING)}) |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {name} | {caught} | {len(LEAST_PRIVILEGE) - refused} | {escalating} |" for name, caught, refused, escalating in rows()
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--write", type=Path, help="a page to write the table into, between its compare markers")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # cloudsplaining and parliament log every statement
    text = table()
    sys.stdout.write(text)
    if args.write:
        page = args.write.read_text(encoding="utf-8")
        before, rest = page.split(START, 1)
        _, after = rest.split(END, 1)
        args.write.write_text(before + START + text + END + after, encoding="utf-8")


if __name__ == "__main__":
    main()
