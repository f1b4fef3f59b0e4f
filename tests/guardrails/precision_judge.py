"""How a published policy is judged (`precision_corpus`): as a team would use it, on a role. A
policy file is judged by every document rule and, on the role, by the entity rules; an AWS
managed policy is attached by ARN (`managedPolicyArns`), as teams attach it, and judged by the
entity rules that judge attached AWS managed policies."""

from __future__ import annotations

import json

from crossaccount.guardrails import RULES, WARNING, Entity, Finding, PolicyDocument
from crossaccount.guardrails.managed import aws_managed_policies
from tests.guardrails.corpus import findings
from tests.guardrails.precision_corpus import PublishedPolicy


def role_of(policy: PublishedPolicy) -> Entity:
    short = policy.name.rsplit("/", 1)[1]
    managed: tuple[tuple[str, str], ...] = ()
    documents: tuple[PolicyDocument, ...] = ()
    if policy.managed is not None:
        managed = (("managedPolicyArns[0]", aws_managed_policies()[policy.managed]["Arn"]),)
    else:
        documents = (PolicyDocument("managed", f"policies/{short}.json", json.dumps(policy.document)),)
    return Entity(
        kind="role", where=f"cross-account-roles:roles.{short}", managed_policy_arns=managed, permission_documents=documents
    )


def judged(policy: PublishedPolicy) -> list[Finding]:
    role = role_of(policy)
    return [f for doc in role.permission_documents for f in findings(doc)] + findings(role)


def refusals(policy: PublishedPolicy) -> list[str]:
    """The rule ids of the errors (a warning lets the program go on)."""
    return sorted({f.rule_id for f in judged(policy) if RULES[f.rule_id].severity != WARNING})
