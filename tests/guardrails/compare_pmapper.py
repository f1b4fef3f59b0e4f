"""PMapper (nccgroup, principalmapper 1.1.5 on PyPI) on issue 20's corpus, for the README's figures.

PMapper is not a dependency of this project: it is run by hand, in a virtual environment of its
own, on the corpus exported by this project's:

    .venv/bin/python -m tests.guardrails.compare_pmapper export > /tmp/corpus.json
    python3 -m venv /tmp/pmv && /tmp/pmv/bin/pip install principalmapper==1.1.5
    PYTHONPATH=. /tmp/pmv/bin/python -m tests.guardrails.compare_pmapper run /tmp/corpus.json

PMapper decides which principals are administrators (one that can put or attach a policy on
itself, ...) and looks for edges between principals. Each case becomes a graph of four nodes:
the subject twice (a role and a user holding the case's policies, named to fall under the
corpus's scoped wildcards), an administrator role that trusts the account and every service
PMapper's checkers pass roles to, and an administrator user without a password. A case counts
as caught when PMapper calls a subject an administrator or finds an edge from it to one. Its checkers run in
offline mode (no AWS session): the checks that need resources listed from an account (existing
functions, stacks, build projects) find nothing, as they would in an account without them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ACCOUNT = "123456789012"
SERVICES = [
    "ec2.amazonaws.com",
    "lambda.amazonaws.com",
    "cloudformation.amazonaws.com",
    "codebuild.amazonaws.com",
    "sagemaker.amazonaws.com",
    "autoscaling.amazonaws.com",
]


def export() -> None:
    from crossaccount.guardrails import use
    from crossaccount.guardrails.managed import aws_managed_policies
    from crossaccount.read import read_reference
    from tests.guardrails.escalation_corpus import ESCALATION, LEAST_PRIVILEGE

    use(read_reference())

    cases = []
    for kind, group in (("escalation", ESCALATION), ("least-privilege", LEAST_PRIVILEGE)):
        for case in group:
            documents = list(case.files.values())
            documents += [aws_managed_policies()[arn.rsplit("/", 1)[1]]["Document"] for arn in case.managed]
            cases.append({"name": case.name, "kind": kind, "documents": documents})
    json.dump(cases, sys.stdout)


def caught_by_pmapper(documents: list[dict[str, Any]]) -> bool:
    import collections
    import collections.abc

    # principalmapper 1.1.5 (its last release, 2022) imports Mapping from `collections`, gone since Python 3.10
    collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]
    collections.MutableMapping = collections.abc.MutableMapping  # type: ignore[attr-defined]
    from principalmapper.common import Node, Policy  # type: ignore[import-not-found]
    from principalmapper.graphing.edge_identification import checker_map, obtain_edges  # type: ignore[import-not-found]
    from principalmapper.graphing.gathering import update_admin_status  # type: ignore[import-not-found]

    trust_any = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"},
            {"Effect": "Allow", "Principal": {"Service": SERVICES}, "Action": "sts:AssumeRole"},
        ],
    }
    admin_policy = Policy(
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "AdministratorAccess",
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    )
    # The subject is both a role and a user named to fall under the corpus's scoped wildcards
    # (role/app-*, user/svc-*), so that PMapper sees what the policy would reach.
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/app-subject"
    user_arn = f"arn:aws:iam::{ACCOUNT}:user/svc-subject"
    subjects = [
        Node(role_arn, "AROASUBJECT", [Policy(role_arn, f"p{i}", d) for i, d in enumerate(documents)],
             [], trust_any, None, 0, False, False, None, False, None),
        Node(user_arn, "AIDASUBJECT", [Policy(user_arn, f"p{i}", d) for i, d in enumerate(documents)],
             [], None, None, 1, True, False, None, False, None),
    ]  # fmt: skip
    admins = [
        Node(f"arn:aws:iam::{ACCOUNT}:role/app-admin", "AROAADMIN", [admin_policy], [], trust_any,
             [f"arn:aws:iam::{ACCOUNT}:instance-profile/app-admin"], 0, False, True, None, False, None),
        Node(f"arn:aws:iam::{ACCOUNT}:user/svc-admin", "AIDAADMIN", [admin_policy], [], None, None, 1, False, True,
             None, False, None),
    ]  # fmt: skip
    update_admin_status(subjects)
    if any(s.is_admin for s in subjects):
        return True
    edges = obtain_edges(None, list(checker_map), [*subjects, *admins])
    return any(e.source.arn in (role_arn, user_arn) and e.destination.is_admin for e in edges)


def run(path: str) -> None:
    with Path(path).open(encoding="utf-8") as file:
        cases = json.load(file)
    totals: dict[str, list[str]] = {"escalation": [], "least-privilege": []}
    for case in cases:
        if caught_by_pmapper(case["documents"]):
            totals[case["kind"]].append(case["name"])
    counts = {kind: sum(1 for c in cases if c["kind"] == kind) for kind in totals}
    print(json.dumps({k: {"flagged": len(v), "of": counts[k], "cases": v} for k, v in totals.items()}, indent=1))


if __name__ == "__main__":
    if sys.argv[1] == "export":
        export()
    else:
        run(sys.argv[2])
