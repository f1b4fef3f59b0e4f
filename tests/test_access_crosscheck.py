"""The core evaluator (crossaccount/access) agrees with an independent one,
@cloud-copilot/iam-simulate, on thousands of generated requests.

Invariant: for every generated case (identity policies, a resource policy with every way a
Principal names a caller, permissions boundaries, session policies, SCP and RCP levels; Allow
and Deny; Action/NotAction, Resource/NotResource with wildcards and policy variables; condition
operators with set operators, IfExists and Null; same-account and cross-account; IAM users and
role sessions; SAML/OIDC providers on a role's trust policy and a service principal on a resource
policy; KMS keys, whose key policy must allow; context keys present, absent and multi-valued),
both evaluators give the same answer: allowed, explicitly denied or implicitly denied.

iam-simulate is AGPL-3.0: it runs here, in the tests, through tools/node/iam-simulate.mjs
(one node process per batch); the program never imports it. Where the two differ, AWS's
documentation decides: a difference in which iam-simulate is wrong is recorded in
`KNOWN_DIFFERENCES` with the page that says so, and its example is asserted to still differ
(so the list shrinks when iam-simulate is fixed); no generated case may differ otherwise.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from crossaccount.access import Caller, Decision, Policy, Request, evaluate
from tests.node_tools import iam_simulate

Case = dict[str, Any]

HOME = "111122223333"  # the callers' account
OTHER = "444455556666"  # another account
ALICE = f"arn:aws:iam::{HOME}:user/alice"
BOB = f"arn:aws:iam::{HOME}:user/team/bob"
OPS_ROLE = f"arn:aws:iam::{HOME}:role/ops"
OPS_SESSION = f"arn:aws:sts::{HOME}:assumed-role/ops/carol"
SAML = f"arn:aws:iam::{HOME}:saml-provider/corp"
OIDC = f"arn:aws:iam::{HOME}:oidc-provider/accounts.google.com"
LAMBDA = "lambda.amazonaws.com"
KEY = f"arn:aws:kms:us-east-1:{HOME}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = f"arn:aws:kms:us-east-1:{OTHER}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

CALLERS: dict[str, dict[str, Any]] = {
    "alice": {"kind": "AWS", "arn": ALICE, "session": None, "username": "alice"},
    "bob": {"kind": "AWS", "arn": BOB, "session": None, "username": "bob"},
    "ops session": {"kind": "AWS", "arn": OPS_ROLE, "session": OPS_SESSION, "username": None},
    # Federated callers (a role's trust policy decides AssumeRoleWithSAML / WithWebIdentity, with
    # the provider's keys) and a service principal (a resource policy decides): no identity side.
    "saml": {"kind": "Federated", "arn": SAML, "session": None, "username": None},
    "oidc": {"kind": "Federated", "arn": OIDC, "session": None, "username": None},
    "lambda": {"kind": "Service", "arn": LAMBDA, "session": None, "username": None},
}

# (action, resource, the resource's account or None when it is the caller's own)
TARGETS: list[tuple[str, str, str | None]] = [
    ("s3:GetObject", "arn:aws:s3:::bucket-a/key1", HOME),
    ("s3:GetObject", "arn:aws:s3:::bucket-a/key1", OTHER),
    ("s3:PutObject", "arn:aws:s3:::bucket-a/alice/notes", OTHER),
    ("s3:ListBucket", "arn:aws:s3:::bucket-a", HOME),
    ("s3:ListAllMyBuckets", "*", HOME),
    ("sts:AssumeRole", f"arn:aws:iam::{OTHER}:role/target", OTHER),
    ("sts:AssumeRole", f"arn:aws:iam::{HOME}:role/target", HOME),
    ("iam:GetUser", ALICE, HOME),
    ("ec2:DescribeInstances", "*", HOME),
    ("sqs:SendMessage", f"arn:aws:sqs:us-east-1:{OTHER}:queue1", OTHER),
    ("sqs:SendMessage", f"arn:aws:sqs:us-east-1:{HOME}:queue1", HOME),
    ("kms:Decrypt", KEY, HOME),  # a key policy must allow even within the account
    ("kms:Decrypt", OTHER_KEY, OTHER),
]
CALLER_TARGETS: dict[str, list[tuple[str, str, str | None]]] = {
    "saml": [("sts:AssumeRoleWithSAML", f"arn:aws:iam::{HOME}:role/target", HOME)],
    "oidc": [("sts:AssumeRoleWithWebIdentity", f"arn:aws:iam::{HOME}:role/target", HOME)],
    "lambda": [
        ("sqs:SendMessage", f"arn:aws:sqs:us-east-1:{OTHER}:queue1", OTHER),
        ("s3:PutObject", "arn:aws:s3:::bucket-a/alice/notes", OTHER),
        ("kms:Decrypt", KEY, HOME),
    ],
}
"""The targets of the Federated and Service callers (the IAM callers take TARGETS)."""

ACTIONS = ["*", "s3:*", "s3:Get*", "s3:GetObject", "S3:getobject", "s3:?etObject", "s3:List*", "s3:PutObject",
           "sts:AssumeRole", "sts:*", "iam:Get*", "ec2:Describe*", "sqs:SendMessage", "sqs:*",
           "sts:AssumeRoleWithSAML", "sts:AssumeRoleWith*", "sts:AssumeRoleWithWebIdentity", "kms:Decrypt", "kms:*"]  # fmt: skip
RESOURCES = [
    "*",
    "arn:aws:s3:::bucket-a",
    "arn:aws:s3:::bucket-a/*",
    "arn:aws:s3:::bucket-?/key1",
    "arn:aws:s3:::*",
    "arn:aws:s3:::bucket-a/${aws:username}/*",
    "arn:aws:s3:::bucket-a/Key1",
    f"arn:aws:iam::{OTHER}:role/target",
    "arn:aws:iam::*:role/*",
    f"arn:aws:iam::{HOME}:user/${{aws:username}}",
    f"arn:aws:iam::{HOME}:user/*",
    "arn:aws:sqs:*:*:queue1",
    f"arn:aws:sqs:us-east-1:{OTHER}:*",
    KEY,
    "arn:aws:kms:*:*:key/*",
]
CONDITIONS: list[tuple[str, str, list[str]]] = [
    ("Bool", "aws:MultiFactorAuthPresent", ["true"]),
    ("Bool", "aws:MultiFactorAuthPresent", ["false"]),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", ["false"]),
    ("Bool", "AWS:multifactorauthpresent", ["true"]),
    ("NumericLessThan", "aws:MultiFactorAuthAge", ["3600"]),
    ("NumericGreaterThanEquals", "aws:MultiFactorAuthAge", ["3600"]),
    ("NumericLessThanIfExists", "aws:MultiFactorAuthAge", ["3600"]),
    ("Null", "aws:MultiFactorAuthAge", ["true"]),
    ("Null", "aws:MultiFactorAuthAge", ["false"]),
    ("StringEquals", "aws:PrincipalTag/team", ["dev"]),
    ("StringEquals", "aws:PrincipalTag/team", ["dev", "ops-a"]),
    ("StringNotEquals", "aws:PrincipalTag/team", ["dev"]),
    ("StringEqualsIgnoreCase", "aws:PrincipalTag/team", ["DEV"]),
    ("StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", ["DEV"]),
    ("StringLike", "aws:PrincipalTag/team", ["ops-*"]),
    ("StringLike", "aws:PrincipalTag/team", ["?ev"]),
    ("StringNotLike", "aws:PrincipalTag/team", ["ops-*"]),
    ("StringEqualsIfExists", "aws:PrincipalTag/team", ["dev"]),
    ("StringEquals", "aws:PrincipalTag/team", ["${aws:username}"]),
    ("StringLike", "aws:PrincipalTag/team", ["${aws:username, 'dev'}*"]),
    ("StringEquals", "aws:RequestedRegion", ["us-east-1"]),
    ("StringNotEquals", "aws:RequestedRegion", ["us-east-1", "eu-west-1"]),
    ("IpAddress", "aws:SourceIp", ["10.0.0.0/8"]),
    ("IpAddress", "aws:SourceIp", ["192.0.2.1", "203.0.113.0/24"]),
    ("NotIpAddress", "aws:SourceIp", ["10.0.0.0/8"]),
    ("DateLessThan", "aws:CurrentTime", ["2026-01-01T00:00:00Z"]),
    ("DateGreaterThan", "aws:CurrentTime", ["2026-01-01T00:00:00Z"]),
    ("ArnLike", "aws:PrincipalArn", [f"arn:aws:iam::{HOME}:user/*"]),
    ("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/ops"]),
    ("ArnEquals", "aws:PrincipalArn", [ALICE]),
    ("ArnNotLike", "aws:PrincipalArn", [f"arn:aws:iam::{HOME}:user/team/*"]),
    ("StringEquals", "aws:PrincipalAccount", [HOME]),
    ("ForAllValues:StringEquals", "aws:CalledVia", ["athena.amazonaws.com"]),
    ("ForAnyValue:StringEquals", "aws:CalledVia", ["athena.amazonaws.com"]),
    ("ForAnyValue:StringLike", "aws:CalledVia", ["cloud*"]),
    ("ForAllValues:StringNotEquals", "aws:CalledVia", ["cloudformation.amazonaws.com"]),
    ("StringEquals", "SAML:aud", ["https://signin.aws.amazon.com/saml"]),
    ("StringEquals", "saml:AUD", ["https://signin.aws.amazon.com/saml"]),
    ("StringEquals", "accounts.google.com:aud", ["app-1.apps.googleusercontent.com"]),
    ("StringLike", "accounts.google.com:sub", ["1234*"]),
    ("StringEquals", "aws:SourceAccount", [HOME]),
    ("StringEqualsIfExists", "aws:SourceAccount", [OTHER]),
]
CONTEXT_VALUES: dict[str, list[Any]] = {
    # None: the key is absent from the request
    "aws:MultiFactorAuthPresent": [None, "true", "false"],
    "aws:MultiFactorAuthAge": [None, "30", "7200"],
    "aws:PrincipalTag/team": [None, "dev", "ops-a", "Dev", "alice"],
    "aws:RequestedRegion": [None, "us-east-1", "eu-west-1"],
    "aws:SourceIp": [None, "10.1.2.3", "192.0.2.1", "203.0.113.9"],
    "aws:CurrentTime": [None, "2025-06-01T00:00:00Z", "2027-01-01T00:00:00Z"],
    "aws:CalledVia": [None, ["athena.amazonaws.com"], ["athena.amazonaws.com", "cloudformation.amazonaws.com"]],
}
CALLER_CONTEXT: dict[str, dict[str, list[Any]]] = {
    # the keys each federated provider or service adds to its requests
    "saml": {"SAML:aud": [None, "https://signin.aws.amazon.com/saml", "https://example.com/saml"]},
    "oidc": {
        "accounts.google.com:aud": [None, "app-1.apps.googleusercontent.com", "app-2.apps.googleusercontent.com"],
        "accounts.google.com:sub": [None, "123456", "999"],
    },
    "lambda": {"aws:SourceAccount": [None, HOME, OTHER]},
}
PRINCIPALS: list[Any] = [
    "*",
    {"Federated": SAML},
    {"Federated": OIDC},
    {"Federated": [SAML, OIDC]},
    {"Service": LAMBDA},
    {"Service": ["events.amazonaws.com", LAMBDA], "AWS": ALICE},
    {"AWS": "*"},
    {"AWS": HOME},
    {"AWS": f"arn:aws:iam::{HOME}:root"},
    {"AWS": ALICE},
    {"AWS": [BOB, OPS_ROLE]},
    {"AWS": OPS_ROLE},
    {"AWS": OPS_SESSION},
    {"AWS": f"arn:aws:iam::{OTHER}:root"},
]
NOT_PRINCIPALS: list[Any] = [
    {"AWS": [ALICE, f"arn:aws:iam::{HOME}:root"]},
    {"AWS": [OPS_ROLE, f"arn:aws:iam::{HOME}:root"]},
    {"AWS": [ALICE, BOB, OPS_SESSION, f"arn:aws:iam::{HOME}:root"]},
    {"AWS": f"arn:aws:iam::{OTHER}:root"},
    {"AWS": [OPS_SESSION, f"arn:aws:iam::{HOME}:root"]},
]


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, dict[str, list[str]]]:
    block: dict[str, dict[str, list[str]]] = {}
    for operator, key_name, values in draw(st.lists(st.sampled_from(CONDITIONS), max_size=2)):
        block.setdefault(operator, {})[key_name] = values
    return block


@st.composite
def statements(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    effect = draw(st.sampled_from(["Allow", "Allow", "Allow", "Allow", "Deny"] if kind != "rcp" else ["Deny"]))
    statement: dict[str, Any] = {"Effect": effect}
    if kind == "resource":
        if effect == "Deny" and draw(st.booleans()) and draw(st.booleans()):
            statement["NotPrincipal"] = draw(st.sampled_from(NOT_PRINCIPALS))
        else:
            statement["Principal"] = draw(st.sampled_from(PRINCIPALS))
    elif kind == "rcp":
        statement["Principal"] = "*"
    action_key = "NotAction" if kind != "rcp" and draw(st.integers(0, 5)) == 0 else "Action"
    pool = RCP_ACTIONS if kind == "rcp" else ACTIONS
    statement[action_key] = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True))
    resource_key = "NotResource" if draw(st.integers(0, 5)) == 0 else "Resource"
    statement[resource_key] = draw(st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=3, unique=True))
    block = draw(conditions()) if draw(st.booleans()) else {}
    if block:
        statement["Condition"] = block
    return statement


GRANTS: list[dict[str, Any]] = [
    # The resource-policy statements the Federated, Service and KMS requests need to be allowed at
    # all (generated statements rarely line all of principal, action and resource up): a SAML and
    # an OIDC trust statement with their providers' keys, a service statement with the
    # confused-deputy key, a key policy naming the account and one naming a user.
    {"Effect": "Allow", "Principal": {"Federated": SAML}, "Action": "sts:AssumeRoleWithSAML",
     "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}},
    {"Effect": "Allow", "Principal": {"Federated": OIDC}, "Action": "sts:AssumeRoleWithWebIdentity",
     "Condition": {"StringEquals": {"accounts.google.com:aud": "app-1.apps.googleusercontent.com"},
                   "StringLike": {"accounts.google.com:sub": "1234*"}}},
    {"Effect": "Allow", "Principal": {"Federated": [SAML, OIDC]}, "Action": "sts:AssumeRoleWith*"},
    {"Effect": "Allow", "Principal": {"Service": LAMBDA}, "Action": ["sqs:SendMessage", "s3:PutObject", "kms:Decrypt"],
     "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": HOME}}},
    {"Effect": "Allow", "Principal": {"Service": LAMBDA}, "Action": "*", "Resource": "*"},
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{HOME}:root"}, "Action": "kms:*", "Resource": "*"},
    {"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "kms:Decrypt", "Resource": "*"},
]  # fmt: skip


def documents(kind: str, max_size: int = 3) -> st.SearchStrategy[dict[str, Any]]:
    statements_of = st.lists(statements(kind), min_size=1, max_size=max_size)
    if kind == "resource":
        statements_of = st.builds(
            lambda g, s: g + s, st.lists(st.sampled_from(GRANTS), max_size=2, unique_by=json.dumps), statements_of
        )
    return st.builds(lambda s: {"Version": "2012-10-17", "Statement": s}, statements_of)


RCP_FULL_ACCESS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
"""AWS attaches RCPFullAWSAccess to every root, OU and account (AWS Organizations, resource control policies)."""
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


@st.composite
def org_levels(draw: st.DrawFn, kind: str) -> list[list[dict[str, Any]]]:
    """Zero (not considered) to three levels. SCPs: each level has FullAWSAccess or a narrower
    policy, and maybe another; RCPs: maybe a Deny (RCPFullAWSAccess is on every level)."""
    levels: list[list[dict[str, Any]]] = []
    for _ in range(draw(st.integers(0, 3) if draw(st.booleans()) else st.just(0))):
        level = [ALLOW_ALL] if kind == "scp" else []  # RCPFullAWSAccess: iam-simulate adds it to each level itself
        if kind == "scp" and draw(st.integers(0, 3)) == 0:
            level = [draw(documents("scp", max_size=1))]
        if draw(st.integers(0, 2)) == 0:
            level.append(draw(documents(kind, max_size=1)))
        levels.append(level)
    return levels


RCP_ACTIONS = ["s3:*", "s3:GetObject", "sts:*", "sts:AssumeRole", "sqs:*", "sqs:SendMessage", "kms:*", "kms:Decrypt"]
"""RCPs deny only, and only for the services they support (never "*"; AWS Organizations, RCPs)."""


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    caller_name = draw(st.sampled_from(sorted(CALLERS)))
    caller = CALLERS[caller_name]
    action, resource, account = draw(st.sampled_from(CALLER_TARGETS.get(caller_name, TARGETS)))
    context: dict[str, Any] = {"aws:PrincipalArn": caller["arn"], "aws:PrincipalAccount": HOME} if caller["kind"] == "AWS" else {}
    if caller["username"]:
        context["aws:username"] = caller["username"]
    for key_name, values in {**CONTEXT_VALUES, **CALLER_CONTEXT.get(caller_name, {})}.items():
        value = draw(st.sampled_from(values))
        if value is not None:
            context[key_name] = value
    return {
        "caller": caller_name,
        "principal": caller["session"] or caller["arn"],
        "action": action,
        "resource": resource,
        "resourceAccount": account,
        "context": context,
    }


@st.composite
def policy_sets(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "identity": draw(st.lists(documents("identity"), min_size=1, max_size=2)),
        "resource_policy": draw(documents("resource")) if draw(st.integers(0, 3)) > 0 else None,
        "boundary": draw(documents("boundary", max_size=2)) if draw(st.integers(0, 3)) == 0 else None,
        "session": draw(documents("session", max_size=2)) if draw(st.integers(0, 3)) == 0 else None,
        "scps": draw(org_levels("scp")),
        "rcps": draw(org_levels("rcp")),
    }


def cases_of(policies: dict[str, Any], asked: list[dict[str, Any]]) -> list[Case]:
    """Each request under the same policies (a session policy only for the role session; no
    identity policy or boundary for a Federated or Service caller, which has none, but the SCPs
    of the account all the same: whether they apply is the evaluator's to decide; no AssumeRole*
    without a trust policy, which no role lacks)."""
    return [
        {
            **policies,
            **r,
            "session": policies["session"] if r["caller"] == "ops session" else None,
            **({} if CALLERS[r["caller"]]["kind"] == "AWS" else {"identity": [], "boundary": None}),
        }
        for r in asked
        if policies["resource_policy"] or not r["action"].startswith("sts:AssumeRole")  # a role always has a trust policy
    ]


def core_decision(case: Case) -> str:
    """The core evaluator's answer in iam-simulate's words."""
    decision = _core(case)
    if decision.allowed:
        return "Allowed"
    return "ExplicitlyDenied" if any(ref.effect == "Deny" for ref in decision.because) else "ImplicitlyDenied"


def core_reason(case: Case) -> str:
    return _core(case).reason


def _core(case: Case) -> Decision:
    caller = CALLERS[case["caller"]]
    request = Request(
        Caller(
            caller["kind"],
            str(caller["arn"]),
            session_arn=caller["session"],
            account=None if caller["kind"] == "Service" else HOME,
        ),
        case["action"],
        case["resource"],
        case["resourceAccount"],
        {k: tuple(v) if isinstance(v, list) else (v,) for k, v in case["context"].items()},
    )
    return evaluate(
        request,
        identity=[Policy(d, f"identity{i}", "identity") for i, d in enumerate(case["identity"])],
        resource=[Policy(case["resource_policy"], "resource", "resource")] if case["resource_policy"] else [],
        boundary=Policy(case["boundary"], "boundary", "boundary") if case["boundary"] else None,
        scps=[[Policy(d, f"scp{n}-{i}", "scp") for i, d in enumerate(level)] for n, level in enumerate(case["scps"])],
        rcps=[
            [Policy(RCP_FULL_ACCESS, "RCPFullAWSAccess", "rcp"), *(Policy(d, f"rcp{n}-{i}", "rcp") for i, d in enumerate(level))]
            for n, level in enumerate(case["rcps"])
        ],
        session=[Policy(case["session"], "session", "session")] if case["session"] else [],
    )


@dataclass(frozen=True)
class KnownDifference:
    """A class of cases where iam-simulate departs from AWS's documentation, with the page."""

    name: str
    doc: str
    applies: Callable[[Case], bool]
    example: Case
    core: str  # the core evaluator's answer on the example (AWS's, by the page)
    simulate: str  # iam-simulate's


def _session_arn_beats_session_policy(case: Case) -> bool:
    """A role session, in the resource's account, allowed by a resource policy that names the
    session's ARN while its session policy allows nothing of the kind."""
    return (
        case["caller"] == "ops session"
        and case["session"] is not None
        and case["resourceAccount"] == HOME
        and core_reason(case) == "allowed by the resource policy, which names the caller"
    )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _unresolved_not_resource(case: Case) -> bool:
    """A statement whose NotResource holds ${aws:username}, for a caller with no user name (a role
    session, a SAML/OIDC provider, a service principal)."""
    documents = [*case["identity"], case["resource_policy"], case["boundary"], case["session"]]
    documents += [d for level in (*case["scps"], *case["rcps"]) for d in level]
    return CALLERS[case["caller"]]["username"] is None and any(
        "${aws:username}" in r for d in documents if d for s in d["Statement"] for r in _as_list(s.get("NotResource", []))
    )


def _account_listed_caller_not(case: Case) -> bool:
    """A Deny whose NotPrincipal lists the caller's account (HOME) but neither the caller nor its role."""
    caller = CALLERS[case["caller"]]
    mine = {caller["arn"], caller["session"]}
    for statement in (case["resource_policy"] or {}).get("Statement", []):
        listed = statement.get("NotPrincipal", {}).get("AWS", []) if isinstance(statement.get("NotPrincipal"), dict) else []
        listed = listed if isinstance(listed, list) else [listed]
        if f"arn:aws:iam::{HOME}:root" in listed and not mine & set(listed):
            return True
    return False


def _scps_would_deny(case: Case) -> bool:
    """A Federated or Service caller whose request the SCPs would deny if they applied to it: an
    SCP Deny that applies, or a level with no Allow that applies (the SCPs judged as they judge
    an IAM caller of the account, the account's root, with the case's own context)."""
    if CALLERS[case["caller"]]["kind"] == "AWS" or not case["scps"]:
        return False
    request = Request(
        Caller("AWS", f"arn:aws:iam::{HOME}:root", account=HOME),
        case["action"],
        case["resource"],
        case["resourceAccount"],
        {k: tuple(v) if isinstance(v, list) else (v,) for k, v in case["context"].items()},
    )
    levels = [[Policy(d, f"scp{n}-{i}", "scp") for i, d in enumerate(level)] for n, level in enumerate(case["scps"])]
    return not evaluate(request, scps=levels).allowed


NOT_PRINCIPAL_EXAMPLE: Case = {
    "caller": "bob",
    "principal": BOB,
    "action": "s3:GetObject",
    "resource": "arn:aws:s3:::bucket-a/key1",
    "resourceAccount": HOME,
    "context": {"aws:PrincipalArn": BOB, "aws:PrincipalAccount": HOME, "aws:username": "bob"},
    "identity": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}],
    "resource_policy": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": [ALICE, f"arn:aws:iam::{HOME}:root"]},
                "Action": "s3:*",
                "Resource": "arn:aws:s3:::bucket-a/*",
            }
        ],
    },
    "boundary": None,
    "session": None,
    "scps": [],
    "rcps": [],
}

FEDERATED_NOT_PRINCIPAL_EXAMPLE: Case = {
    "caller": "saml",
    "principal": SAML,
    "action": "sts:AssumeRoleWithSAML",
    "resource": f"arn:aws:iam::{HOME}:role/target",
    "resourceAccount": HOME,
    "context": {"SAML:aud": "https://signin.aws.amazon.com/saml"},
    "identity": [],
    "resource_policy": {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Federated": SAML}, "Action": "sts:AssumeRoleWithSAML"},
            {"Effect": "Deny", "NotPrincipal": {"AWS": [ALICE, f"arn:aws:iam::{HOME}:root"]}, "Action": "sts:*", "Resource": "*"},
        ],
    },
    "boundary": None,
    "session": None,
    "scps": [],
    "rcps": [],
}

VARIABLE_EXAMPLE: Case = {
    "caller": "ops session",
    "principal": OPS_SESSION,
    "action": "s3:GetObject",
    "resource": "arn:aws:s3:::bucket-a/key1",
    "resourceAccount": HOME,
    "context": {"aws:PrincipalArn": OPS_ROLE, "aws:PrincipalAccount": HOME},
    "identity": [
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                {"Effect": "Deny", "Action": "s3:*", "NotResource": f"arn:aws:iam::{HOME}:user/${{aws:username}}"},
            ],
        }
    ],
    "resource_policy": None,
    "boundary": None,
    "session": None,
    "scps": [],
    "rcps": [],
}

SESSION_EXAMPLE: Case = {
    "caller": "ops session",
    "principal": OPS_SESSION,
    "action": "s3:GetObject",
    "resource": "arn:aws:s3:::bucket-a/key1",
    "resourceAccount": HOME,
    "context": {"aws:PrincipalArn": OPS_ROLE, "aws:PrincipalAccount": HOME},
    "identity": [],
    "resource_policy": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": OPS_SESSION},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::bucket-a/*",
            }
        ],
    },
    "boundary": None,
    "session": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]},
    "scps": [],
    "rcps": [],
}

SCP_EXAMPLE: Case = {
    "caller": "lambda",
    "principal": LAMBDA,
    "action": "sqs:SendMessage",
    "resource": f"arn:aws:sqs:us-east-1:{HOME}:queue1",
    "resourceAccount": HOME,
    "context": {"aws:SourceAccount": HOME},
    "identity": [],
    "resource_policy": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": LAMBDA}, "Action": "sqs:SendMessage", "Resource": "*"}],
    },
    "boundary": None,
    "session": None,
    "scps": [[ALLOW_ALL, {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "sqs:*", "Resource": "*"}]}]],
    "rcps": [],
}

FEDERATED_SCP_EXAMPLE: Case = {
    **FEDERATED_NOT_PRINCIPAL_EXAMPLE,
    "resource_policy": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Federated": SAML}, "Action": "sts:AssumeRoleWithSAML"}],
    },
    "scps": [[ALLOW_ALL, {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "sts:*", "Resource": "*"}]}]],
}

KNOWN_DIFFERENCES: list[KnownDifference] = [
    KnownDifference(
        name="SCPs do not apply to a service principal's request",
        # AWS Organizations User Guide, "Service control policies (SCPs)": "SCPs affect only IAM
        # users and roles that are managed by accounts that are part of the organization. SCPs
        # don't affect resource-based policies directly." A service principal (lambda.amazonaws.com)
        # is neither; AWS's own confused-deputy guard for services is an RCP
        # (kms/latest/developerguide/resource-control-policies.html). iam-simulate applies the
        # account's SCPs to it.
        doc="https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html",
        applies=lambda case: CALLERS[case["caller"]]["kind"] == "Service" and _scps_would_deny(case),
        example=SCP_EXAMPLE,
        core="Allowed",
        simulate="ExplicitlyDenied",
    ),
    KnownDifference(
        name="SCPs do not apply to AssumeRoleWithSAML / AssumeRoleWithWebIdentity",
        # The same page ("SCPs affect only IAM users and roles"), and IAM User Guide,
        # "Permissions for AssumeRole, AssumeRoleWithSAML, and AssumeRoleWithWebIdentity": "In the
        # case of the AssumeRoleWithSAML and AssumeRoleWithWebIdentity API operations, there are
        # no policies to evaluate because the caller of the API is not an AWS identity." AWS
        # names the trust policy and RCPs, not SCPs, as what restricts these calls
        # (reference_sts_vpc_condition_keys_federated.html). iam-simulate applies the SCPs.
        doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_assumerole.html",
        applies=lambda case: CALLERS[case["caller"]]["kind"] == "Federated" and _scps_would_deny(case),
        example=FEDERATED_SCP_EXAMPLE,
        core="Allowed",
        simulate="ExplicitlyDenied",
    ),
    KnownDifference(
        name="a Deny with NotPrincipal listing a user and its account still denies the account's other users",
        # The page's own example: NotPrincipal [user Bob, Bob's account] "denies access to all
        # principals except the user named Bob"; AWS checks the account, then the user. iam-simulate
        # exempts every principal of a listed account.
        doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html",
        applies=lambda case: CALLERS[case["caller"]]["kind"] == "AWS" and _account_listed_caller_not(case),
        example=NOT_PRINCIPAL_EXAMPLE,
        core="ExplicitlyDenied",
        simulate="Allowed",
    ),
    KnownDifference(
        name="a Deny with NotPrincipal listing a user and its account still denies a SAML/OIDC provider of that account",
        # The same page and the same rule: NotPrincipal exempts only the principal it lists, and a
        # provider (a Federated principal) is not the account's root nor the user listed; a trust
        # policy denying NotPrincipal [alice, her account] denies AssumeRoleWithSAML. iam-simulate
        # exempts the provider because its ARN is in the listed account.
        doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html",
        applies=lambda case: CALLERS[case["caller"]]["kind"] == "Federated" and _account_listed_caller_not(case),
        example=FEDERATED_NOT_PRINCIPAL_EXAMPLE,
        core="ExplicitlyDenied",
        simulate="Allowed",
    ),
    KnownDifference(
        name="a statement whose NotResource holds a policy variable with no value does not apply",
        # "not present means that the value is not in the current request information, and any
        # attempt to match it fails and causes the statement to be invalid". iam-simulate reads
        # the pattern's fixed parts first and applies the statement when they already differ (here
        # the service, iam against s3), or when the action acts on "*" only.
        doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable",
        applies=_unresolved_not_resource,
        example=VARIABLE_EXAMPLE,
        core="Allowed",
        simulate="ExplicitlyDenied",
    ),
    KnownDifference(
        name="a resource policy naming the role session's ARN is not limited by the session policy",
        # "A resource-based policy can specify the ARN of the session as a principal. In that case,
        # the permissions from the resource-based policy are added after the session policy is
        # applied. The resource-based policy permissions are not limited by the session policy."
        # iam-simulate applies the session policy before anything else.
        doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session",
        applies=_session_arn_beats_session_policy,
        example=SESSION_EXAMPLE,
        core="Allowed",
        simulate="ImplicitlyDenied",
    ),
]


def test_each_known_difference_still_differs_as_recorded() -> None:
    """When iam-simulate changes, a recorded difference that no longer holds fails here."""
    decided = iam_simulate([k.example for k in KNOWN_DIFFERENCES])
    assert [(k.name, core_decision(k.example), d.get("result")) for k, d in zip(KNOWN_DIFFERENCES, decided, strict=True)] == [
        (k.name, k.core, k.simulate) for k in KNOWN_DIFFERENCES
    ]
    assert all(k.applies(k.example) for k in KNOWN_DIFFERENCES)


POLICY_SETS = 300  # 4,000 cases, about 15 s
REQUESTS = 15  # requests per policy set: POLICY_SETS x REQUESTS cases
BATCH = 1000


def generated_cases() -> list[Case]:
    """POLICY_SETS x REQUESTS cases from hypothesis, with a fixed seed (derandomize): each example
    is one set of policies and REQUESTS requests under it, collected, so that iam-simulate decides
    them all in a few node processes (BATCH cases each)."""
    collected: list[Case] = []

    @settings(
        max_examples=POLICY_SETS,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        policy_sets(),
        st.lists(requests(), min_size=REQUESTS, max_size=REQUESTS, unique_by=lambda r: json.dumps(r, sort_keys=True)),
    )
    def collect(policies: dict[str, Any], asked: list[dict[str, Any]]) -> None:
        collected.extend(cases_of(policies, asked))

    collect()
    return collected


def test_the_core_evaluator_and_iam_simulate_agree() -> None:
    batch = generated_cases()
    decided = [d for start in range(0, len(batch), BATCH) for d in iam_simulate(batch[start : start + BATCH])]
    disagreements = []
    known = 0
    refused = [(theirs, case) for case, theirs in zip(batch, decided, strict=True) if "error" in theirs or theirs["ignored"]]
    assert refused == [], f"{len(refused)} cases iam-simulate refused or read partly; first ones:\n" + json.dumps(
        refused[:3], indent=1
    )
    for case, theirs in zip(batch, decided, strict=True):
        ours = core_decision(case)
        if ours == theirs["result"]:
            continue
        if any(k.applies(case) for k in KNOWN_DIFFERENCES):
            known += 1
            continue
        disagreements.append({"core": ours, "iam-simulate": theirs["result"], "case": case})
    outcomes = Counter(d.get("result") for d in decided)
    print(
        f"{len(batch)} cases ({dict(sorted(outcomes.items()))}), {len(batch) - known - len(disagreements)} agreed, {known} known differences"
    )
    assert disagreements == [], f"{len(disagreements)} disagreements; first ones:\n" + json.dumps(disagreements[:3], indent=1)
