"""Privilege escalation across an entity's policies: a method whose actions are split over
two policies, each harmless alone.

PRIVILEGE_ESCALATION looks at one document (a policy file is checked once, whoever uses it).
This rule puts together everything one role is granted that can be read before `pulumi up`:
its policy files, its inline policies and the AWS managed policies it attaches (their
documents from crossaccount/data, see `managed`), and reports the methods that only the
combination grants; a method one document grants alone is that document's finding already.
Customer managed policies attached by ARN cannot be read, so they are not counted.

The policy pack applies it over the stack (`pack="stack"`), where a role's inline policies
are its own input and the inline policy resources that name it; attachments there name
policies by ARN only, so AWS managed and customer managed attachments are not counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..iam import POLICY_VERSION
from .escalation import describe_paths, escalations
from .managed import AWS_MANAGED_RE, aws_managed_policies
from .model import ERROR, Entity, PolicyDocument, entity_rule


def _documents(entity: Entity) -> list[PolicyDocument]:
    documents = [*entity.permission_documents, *entity.inline_policies]
    for _, arn in entity.managed_policy_arns:
        match = AWS_MANAGED_RE.match(arn)
        record = aws_managed_policies().get(match.group(2)) if match else None
        if record is not None:
            documents.append(PolicyDocument("managed", arn, json.dumps(record["Document"])))
    return documents


@entity_rule(
    "ESCALATION_ACROSS_POLICIES",
    ERROR,
    "a privilege-escalation method that a role's policies grant only together (each one alone passes)",
    pack="stack",
)
def escalation_across_policies(entity: Entity) -> Iterator[tuple[str, str]]:
    documents = _documents(entity)
    if entity.kind != "role" or len(documents) < 2:
        return
    alone = {p.id for doc in documents for found in escalations(doc) for p in found.paths}
    origin: list[str] = []
    statements = []
    for doc in documents:
        for i, statement in doc.statements():
            origin.append(doc.at(i))
            statements.append(statement)
    together = PolicyDocument("managed", entity.name_at, json.dumps({"Version": POLICY_VERSION, "Statement": statements}))
    found = [f for f in escalations(together) if {p.id for p in f.paths} - alone]
    paths = {p.id: p for f in found for p in f.paths if p.id not in alone}
    if paths:
        parts = "; ".join(f"{origin[f.index]} allows {', '.join(f.actions)} on {', '.join(f.resources)}" for f in found)
        fixes = sorted({fix for f in found for fix in f.fixes if not fix.startswith("or drop")})
        yield (
            entity.name_at,
            f"together, its policies grant the privilege-escalation path{'s' * (len(paths) > 1)} "
            f"{describe_paths([paths[k] for k in sorted(paths)])}: {parts}; each policy passes alone. "
            f"Narrowest fix: {'; '.join(fixes)}; or waive ESCALATION_ACROSS_POLICIES for this role with the reason",
        )
