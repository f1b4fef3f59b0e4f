"""Each side of a request judged on its own by the core evaluator (crossaccount/access), for the
self-service and MFA-route tests.

AWS allows a cross-account AssumeRole only when the caller's identity policies and the role's
trust policy both allow it (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html),
and the two sides may see different request contexts (an MFA code sent with AssumeRole counts for
the trust policy only). So each side is evaluated with the other side standing in as "allows":
- `identity_side`: the person's documents, with a resource policy naming only the caller's
  account (in one account that grants nothing by itself; across accounts it is the other side's
  Allow), so the identity policies decide;
- `trust_side`: the role's trust policy, with an identity policy allowing everything.
The answer keeps the three words the tests assert: "allow", "deny" (an explicit Deny decided) or
"implicit deny".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from crossaccount.access import Caller, Policy, Request, evaluate
from tests.conftest import SOURCE

Outcome = Literal["allow", "deny", "implicit deny"]
_ACCOUNT = re.compile(r"^arn:[^:]+:[^:]+:[^:]*:(\d{12}):")


def _caller(context: Mapping[str, str], caller_arn: str | None) -> Caller:
    arn = caller_arn or context.get("aws:PrincipalArn") or f"arn:aws:iam::{SOURCE}:user/{context['aws:username']}"
    return Caller("AWS", arn, account=arn.split(":")[4])


def _outcome(request: Request, identity: Sequence[Policy], resource: Sequence[Policy]) -> Outcome:
    decision = evaluate(request, identity=identity, resource=resource)
    if decision.allowed:
        return "allow"
    return "deny" if any(ref.effect == "Deny" for ref in decision.because) else "implicit deny"


def identity_side(
    policies: Sequence[Mapping[str, Any]], action: str, resource: str, context: Mapping[str, str], caller_arn: str | None = None
) -> Outcome:
    """The caller's identity policies' decision for `action` on `resource`."""
    caller = _caller(context, caller_arn)
    owner = _ACCOUNT.match(resource)
    request = Request(caller, action, resource, owner.group(1) if owner else None, {k: (v,) for k, v in context.items()})
    stand_in = Policy(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": caller.account}, "Action": "*"}]},
        "(the resource side, judged apart)",
        "resource",
    )
    identity = [Policy(p, f"identity policy {i}", "identity") for i, p in enumerate(policies)]
    return _outcome(request, identity, [stand_in])


def trust_side(trust: Mapping[str, Any], action: str, caller_arn: str, role_arn: str, context: Mapping[str, str]) -> Outcome:
    """The role's trust policy's decision for `caller_arn` calling `action` on the role."""
    caller = _caller(context, caller_arn)
    request = Request(caller, action, role_arn, role_arn.split(":")[4], {k: (v,) for k, v in context.items()})
    stand_in = Policy(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
        "(the identity side, judged apart)",
        "identity",
    )
    return _outcome(request, [stand_in], [Policy(trust, "trust policy", "resource")])
