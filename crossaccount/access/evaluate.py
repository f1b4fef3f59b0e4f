"""AWS's documented policy evaluation for one request: which statements apply, and how the policy
types combine into a decision that names the statements that made it.

The pages it follows (the docs of each rule are cited where the rule is written):
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
  and reference_policies_evaluation-logic_policy-eval-denyallow.html: an explicit Deny in any
  policy wins; each level of RCPs and of SCPs must allow; in one account, an Allow in the
  identity policies or in the resource policy is enough; permissions boundaries and session
  policies limit what the identity policies grant.
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html:
  across accounts, the identity policies (with boundary and session) AND the resource policy
  must allow.
- https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html: in one
  account, a resource policy naming an IAM user's ARN or a role session's ARN is not limited by
  the boundary or session policies; one naming the role's ARN is.
- https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_compare-resource-policies.html and
  the KMS key policy page: a role's trust policy (and a KMS key's policy) must allow in every
  case; when it names the account rather than the caller, an identity policy must allow too.
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
  and reference_policies_elements_notprincipal.html: which Principal values name a caller.
- Action names are case-insensitive (reference_policies_elements_action.html); resource ARNs are
  matched part by part, case-sensitively, with `*` and `?` (reference_policies_elements_resource.html).

Pure: no I/O, no Pulumi. Unsupported elements raise `UnsupportedPolicy` naming them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .conditions import Context, arn_matches, check_condition, compile_pattern, condition_holds, is_unresolved, normalise_context
from .types import Decision, Policy, Request, StatementRef, UnsupportedPolicy

VARIABLES_VERSION = "2012-10-17"
"""Only a policy of this version reads `${...}` as policy variables (reference_policies_variables.html)."""

STATEMENT_KEYS = frozenset(
    {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"}
)
DOCUMENT_KEYS = frozenset({"Version", "Id", "Statement"})
PRINCIPAL_KEYS = frozenset({"AWS", "Federated", "Service"})

# A name is whatever follows, line breaks included (DOTALL, \Z): a name IAM would refuse is the
# settings' and the plan reader's to refuse, not a reason to read an ARN as no principal at all.
_IAM_ARN = re.compile(r"^arn:(?P<partition>[^:]+):iam::(?P<account>\d{12}):(?P<kind>root|user/.+|role/.+)\Z", re.DOTALL)
_SESSION_ARN = re.compile(
    r"^arn:(?P<partition>[^:]+):sts::(?P<account>\d{12}):assumed-role/(?P<role>[^/]+)/(?P<session>.+)\Z", re.DOTALL
)
_ROLE_RESOURCE = re.compile(r"^arn:[^:]+:iam::\d{12}:role/.+$")
_KMS_KEY = re.compile(r"^arn:[^:]+:kms:[^:]*:\d{12}:key/.+$")

PrincipalMatch = Literal["exact", "session", "role", "account", "everyone"]
"""How a resource policy's statement names the caller: its user (or provider, or service) ARN
exactly, its role session's ARN, its role's ARN, its account, or everyone ("*", NotPrincipal)."""


@dataclass(frozen=True)
class _Applied:
    ref: StatementRef
    principal: PrincipalMatch | None  # resource policies and RCPs only


def _as_list(value: Any, where: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(i, str) for i in items):
        raise UnsupportedPolicy(f"{where}: expected a string or a non-empty list of strings, got {value!r}")
    return items


def _statements(policy: Policy) -> list[Mapping[str, Any]]:
    document = policy.document
    if not isinstance(document, Mapping) or "Statement" not in document:
        raise UnsupportedPolicy(f"{policy.source}: a policy document is an object with a Statement")
    unknown = sorted(set(document) - DOCUMENT_KEYS)
    if unknown:
        raise UnsupportedPolicy(f"{policy.source}: unsupported policy element(s) {unknown}")
    version = document.get("Version", "2008-10-17")
    if version not in ("2012-10-17", "2008-10-17"):
        raise UnsupportedPolicy(f"{policy.source}: Version {version!r} is not one IAM knows (2012-10-17 or 2008-10-17)")
    statements = document["Statement"]
    statements = statements if isinstance(statements, list) else [statements]
    if not all(isinstance(s, Mapping) for s in statements):
        raise UnsupportedPolicy(f"{policy.source}: every Statement must be an object")
    return statements


NEVER_APPLIES: Mapping[str, Any] = {"Effect": "Allow", "Action": "none:NeverMatches", "Resource": "arn:none:none:::none"}
"""A statement that applies to no request (no action is none:NeverMatches): what stands in for a
statement the access model knows cannot apply to a request, so the others keep their index."""
NEVER_APPLIES_IN_TRUST: Mapping[str, Any] = {
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::000000000000:user/none"},
    "Action": "none:NeverMatches",
}
"""The same in a resource policy (a trust), where a statement names a principal."""
_NEVER = (NEVER_APPLIES, NEVER_APPLIES_IN_TRUST)
_CHECKED: dict[int, tuple[Mapping[str, Any], str, str]] = {}
"""id(statement) -> (the statement, the policy kind, its Effect): statements already read whole
(`_check_statement`). The statement is held, so its id cannot be reused while it is here; a
statement is never changed once parsed (the model builds new ones rather than edit)."""
_CHECKED_MAX = 200_000


def _checked_effect(policy: Policy, index: int, statement: Mapping[str, Any]) -> str:
    """`_check_statement`, read once per statement and policy kind (a refusal is never cached)."""
    hit = _CHECKED.get(id(statement))
    if hit is not None and hit[0] is statement and hit[1] == policy.kind:
        return hit[2]
    effect = _check_statement(policy, index, statement)
    if len(_CHECKED) >= _CHECKED_MAX:
        _CHECKED.clear()
    _CHECKED[id(statement)] = (statement, policy.kind, effect)
    return effect


def _check_statement(policy: Policy, index: int, statement: Mapping[str, Any]) -> str:
    """The statement's Effect, once its shape is one this evaluator reads."""
    where = f"{policy.source} Statement[{index}]"
    unknown = sorted(set(statement) - STATEMENT_KEYS)
    if unknown:
        raise UnsupportedPolicy(f"{where}: unsupported element(s) {unknown}")
    effect = statement.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise UnsupportedPolicy(f'{where}: Effect must be "Allow" or "Deny", got {effect!r}')
    if ("Action" in statement) == ("NotAction" in statement):
        raise UnsupportedPolicy(f"{where}: exactly one of Action and NotAction is expected")
    if "Resource" in statement and "NotResource" in statement:
        raise UnsupportedPolicy(f"{where}: Resource and NotResource together")
    if policy.kind != "resource" and "Resource" not in statement and "NotResource" not in statement:
        raise UnsupportedPolicy(f"{where}: a {policy.kind} policy's statement needs Resource or NotResource")
    has_principal = "Principal" in statement or "NotPrincipal" in statement
    if policy.kind in ("resource", "rcp"):
        if not has_principal or ("Principal" in statement and "NotPrincipal" in statement):
            raise UnsupportedPolicy(
                f"{where}: a {policy.kind} policy's statement needs exactly one of Principal and NotPrincipal"
            )
    elif has_principal:
        raise UnsupportedPolicy(f"{where}: a {policy.kind} policy takes no Principal or NotPrincipal (AWS refuses it)")
    for element in ("Action", "NotAction", "Resource", "NotResource"):
        if element in statement:
            _as_list(statement[element], f"{where} {element}")
    for element in ("Principal", "NotPrincipal"):
        if element in statement:
            _principal_values(statement[element], f"{where} {element}")
    if "Condition" in statement:
        check_condition(statement["Condition"], where)
    return str(effect)


def _action_matches(statement: Mapping[str, Any], action: str, where: str) -> bool:
    element = "Action" if "Action" in statement else "NotAction"
    hit = False
    for pattern in _as_list(statement[element], f"{where} {element}"):
        compiled = compile_pattern(pattern, {}, variables=False, wildcards=True, ignore_case=True)
        hit = hit or (compiled is not None and compiled.fullmatch(action) is not None)
    return hit if element == "Action" else not hit


def _resource_matches(statement: Mapping[str, Any], resource: str, context: Context, variables: bool, where: str) -> bool:
    if "Resource" not in statement and "NotResource" not in statement:
        return True  # a role's trust policy: the resource is the role itself
    element = "Resource" if "Resource" in statement else "NotResource"
    patterns = _as_list(statement[element], f"{where} {element}")
    if element == "NotResource" and any(is_unresolved(p, context, variables) for p in patterns):
        # A variable with no value makes the statement invalid (reference_policies_variables.html),
        # so a NotResource that cannot be read excludes nothing: the statement does not apply.
        return False
    hit = any(arn_matches(p, resource, context, variables) for p in patterns)
    return hit if element == "Resource" else not hit


def _identities(request: Request) -> tuple[str | None, list[tuple[PrincipalMatch, str]]]:
    """The caller's account root ARN and each ARN a Principal may name it by, with how it names it."""
    caller = request.caller
    if caller.kind != "AWS":
        return None, [("exact", caller.arn)]
    found = _IAM_ARN.match(caller.arn)
    if found is None:
        raise UnsupportedPolicy(f"caller {caller.arn!r}: an AWS caller is an IAM user, role or account root ARN")
    root = f"arn:{found['partition']}:iam::{found['account']}:root"
    if found["kind"] == "root":
        return root, []
    if found["kind"].startswith("user/"):
        return root, [("exact", caller.arn)]
    names: list[tuple[PrincipalMatch, str]] = [("role", caller.arn)]
    if caller.session_arn:
        names.append(("session", caller.session_arn))
    return root, names


def _principal_values(element: Any, where: str) -> list[tuple[str, str]]:
    if element == "*":
        return [("*", "*")]
    if not isinstance(element, Mapping):
        raise UnsupportedPolicy(f'{where}: a Principal is "*" or an object of AWS, Federated or Service')
    unknown = sorted(set(element) - PRINCIPAL_KEYS)
    if unknown:
        raise UnsupportedPolicy(f"{where}: unsupported principal type(s) {unknown}")
    values: list[tuple[str, str]] = []
    for key_name, value in element.items():
        for item in _as_list(value, f"{where} {key_name}"):
            if item != "*" and ("*" in item or "?" in item):
                raise UnsupportedPolicy(
                    f'{where}: {key_name} principal {item!r}: AWS takes no wildcard inside a principal, only "*" alone'
                )
            values.append((str(key_name), item))
    return values


def _normalised(key_name: str, value: str, partition: str) -> str:
    if key_name == "AWS" and re.fullmatch(r"\d{12}", value):
        return f"arn:{partition}:iam::{value}:root"
    return value.lower() if key_name == "Service" else value


def _named_as(request: Request, key_name: str, value: str) -> PrincipalMatch | None:
    """How one Principal value names the caller, if it does."""
    if value == "*":
        return "everyone"
    caller = request.caller
    if key_name != caller.kind:
        return None
    root, names = _identities(request)
    partition = caller.arn.split(":")[1] if caller.arn.startswith("arn:") else "aws"
    wanted = _normalised(key_name, value, partition)
    if root is not None and wanted == root:
        return "account"
    for how, arn in names:
        if _same_principal(wanted, arn, key_name):
            return how
    return None


def _same_principal(named: str, arn: str, key_name: str) -> bool:
    """A service principal compares without case; an IAM user's or role's ARN compares its name
    without case too: IAM stores a Principal as the entity's unique id when the policy is saved
    (reference_policies_elements_principal.html), and IAM names are unique whatever their case
    (reference_identifiers.html: "you can't create groups named both ADMINS and admins"). The
    account, the path and a session's name compare exactly."""
    if key_name == "Service":
        return named.lower() == arn.lower()
    mine, theirs = _IAM_ARN.match(named), _IAM_ARN.match(arn)
    if mine and theirs and mine["kind"] != "root":
        head, _, name = mine["kind"].rpartition("/")
        their_head, _, their_name = theirs["kind"].rpartition("/")
        return (mine["partition"], mine["account"], head) == (
            theirs["partition"],
            theirs["account"],
            their_head,
        ) and name.lower() == their_name.lower()
    return named == arn


def _principal_applies(
    request: Request, statement: Mapping[str, Any], effect: str, has_boundary: bool, where: str
) -> PrincipalMatch | None:
    if "Principal" in statement:
        hows = [_named_as(request, k, v) for k, v in _principal_values(statement["Principal"], f"{where} Principal")]
        order: tuple[PrincipalMatch, ...] = ("exact", "session", "role", "everyone", "account")
        return next((h for h in order if h in hows), None)
    listed = _principal_values(statement["NotPrincipal"], f"{where} NotPrincipal")
    _check_not_principal(listed, effect, where)
    if has_boundary and request.caller.kind == "AWS":
        # access_policies_boundaries.html: a Deny with NotPrincipal always denies a principal
        # that has a permissions boundary, whatever NotPrincipal lists.
        return "everyone"
    return None if _is_excluded(request, listed) else "everyone"


def _check_not_principal(listed: list[tuple[str, str]], effect: str, where: str) -> None:
    """reference_policies_elements_notprincipal.html: NotPrincipal goes with Deny only ("Using it
    with Allow is not supported"); and a principal listed without its account's ARN may or may not
    be exempted, "depending on the service" (AWS may check the account first): no answer to give."""
    if effect != "Deny":
        raise UnsupportedPolicy(f"{where}: NotPrincipal with Allow is not supported by AWS (NotPrincipal goes with Deny)")
    accounts = {_normalised(k, v, v.split(":")[1] if v.startswith("arn:") else "aws") for k, v in listed if k == "AWS"}
    for key_name, value in listed:
        found = _IAM_ARN.match(value) or _SESSION_ARN.match(value)
        if key_name == "AWS" and found and f"arn:{found['partition']}:iam::{found['account']}:root" not in accounts:
            raise UnsupportedPolicy(
                f"{where}: NotPrincipal lists {value} without its account arn:{found['partition']}:iam::{found['account']}:root; "
                "AWS may then deny the whole account, depending on the service (reference_policies_elements_notprincipal.html)"
            )


def _is_excluded(request: Request, listed: list[tuple[str, str]]) -> bool:
    """NotPrincipal exempts a caller only when it lists the caller's account and the caller itself:
    the user, or the role session (by the session's ARN, the role's, or the assumed-role ARN without
    the session name). reference_policies_elements_notprincipal.html: AWS checks the account, then
    the role, then the session, and its example listing user Bob with Bob's account "denies access
    to all principals except" Bob, the account's other users included.
    """
    if any(v == "*" for _, v in listed):
        return True
    caller = request.caller
    if caller.kind != "AWS":
        return any(_named_as(request, k, v) == "exact" for k, v in listed)
    root, names = _identities(request)
    partition = caller.arn.split(":")[1]
    values = {_normalised(k, v, partition) for k, v in listed if k == "AWS"}
    if root not in values:
        return False
    if not names:
        return True  # the account root itself
    session = _SESSION_ARN.match(caller.session_arn or "")
    also = {f"arn:{session['partition']}:sts::{session['account']}:assumed-role/{session['role']}"} if session else set()
    return any(_same_principal(value, arn, "AWS") for value in values for arn in [*(arn for _, arn in names), *also])


def _applied(policy: Policy, request: Request, context: Context, has_boundary: bool) -> Iterator[_Applied]:
    """Every statement of `policy` that applies to the request (each statement is read whole, so an
    unsupported element raises whatever the request)."""
    variables = isinstance(policy.document, Mapping) and policy.document.get("Version") == VARIABLES_VERSION
    for index, statement in enumerate(_statements(policy)):
        if statement is _NEVER[0] or statement is _NEVER[1]:
            continue  # its action matches nothing: it applies to no request
        effect = _checked_effect(policy, index, statement)
        where = f"{policy.source} Statement[{index}]"
        principal: PrincipalMatch | None = None
        if policy.kind in ("resource", "rcp"):
            principal = _principal_applies(request, statement, effect, has_boundary, where)
            if principal is None:
                continue
        if not _action_matches(statement, request.action, where):
            continue
        if not _resource_matches(statement, request.resource, context, variables, where):
            continue
        if "Condition" in statement and not condition_holds(statement["Condition"], context, variables, where):
            continue
        sid = statement.get("Sid")
        ref = StatementRef(
            policy.source, policy.kind, index, sid if isinstance(sid, str) else None, "Allow" if effect == "Allow" else "Deny"
        )
        yield _Applied(ref, principal)


def request_context(request: Request) -> dict[str, tuple[str, ...]]:
    """The request's condition keys (names lowercased), with the keys AWS always sets for an IAM
    caller added when the request does not give them: aws:PrincipalArn (the role's ARN for a role
    session), aws:PrincipalAccount, and aws:username for an IAM user (reference_policies_condition-keys.html)."""
    context = normalise_context(request.context)
    caller = request.caller
    if caller.kind == "AWS":
        context.setdefault("aws:principalarn", (caller.arn,))
        if caller.account:
            context.setdefault("aws:principalaccount", (caller.account,))
        found = _IAM_ARN.match(caller.arn)
        if found and found["kind"].startswith("user/"):
            context.setdefault("aws:username", (found["kind"].rsplit("/", 1)[1],))
    return context


def _name(refs: Sequence[StatementRef]) -> str:
    first = refs[0]
    text = f"{first.source} Statement[{first.index}]" + (f" ({first.sid})" if first.sid else "")
    return text + (f" and {len(refs) - 1} more" if len(refs) > 1 else "")


def _allows(applied: Sequence[_Applied]) -> list[StatementRef]:
    return [a.ref for a in applied if a.ref.effect == "Allow"]


def _why_resource_policy_required(request: Request) -> str | None:
    """Why the resource policy must allow even within one account: a role's trust policy for STS's
    role actions, a KMS key's policy (id_roles_compare-resource-policies.html; KMS key policies)."""
    action = request.action.lower()
    if action.startswith("sts:") and _ROLE_RESOURCE.match(request.resource):
        return "a role's trust policy must allow"
    if action.startswith("kms:") and _KMS_KEY.match(request.resource):
        return "a KMS key's policy must allow"
    return None


def _is_same_account(request: Request) -> bool:
    caller = request.caller
    return request.resource_account is None or (caller.account is not None and caller.account == request.resource_account)


def evaluate(
    request: Request,
    identity: Sequence[Policy] = (),
    resource: Sequence[Policy] = (),
    boundary: Policy | None = None,
    scps: Sequence[Sequence[Policy]] = (),
    rcps: Sequence[Sequence[Policy]] = (),
    session: Sequence[Policy] = (),
) -> Decision:
    """The decision AWS's evaluation logic gives `request` under these policies (module docstring).

    `scps` and `rcps` hold one sequence of policies per level (root, OUs, account); an empty
    `scps` or `rcps` means the organisation's policies are not considered. Identity policies,
    the boundary, session policies and SCPs apply to IAM callers only (a Federated or Service
    caller is judged by the resource policy and the RCPs: SCPs affect only the IAM users and roles
    of the organisation's accounts, cited below)."""
    context = request_context(request)
    is_iam = request.caller.kind == "AWS"
    has_boundary = boundary is not None and is_iam

    def run(policies: Sequence[Policy]) -> list[_Applied]:
        return [a for p in policies for a in _applied(p, request, context, has_boundary)]

    # Every policy given is read (an unsupported one raises) even where it does not apply.
    found = {
        "identity": run(identity),
        "resource": run(resource),
        "boundary": run([boundary]) if boundary is not None else [],
        "session": run(session),
    }
    scp_levels = [run(level) for level in scps]
    rcp_levels = [run(level) for level in rcps]
    if not is_iam:
        # A Federated or Service caller: no identity side, and no SCPs. AWS Organizations User
        # Guide, "Service control policies (SCPs)"
        # (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html):
        # "SCPs affect only IAM users and roles that are managed by accounts that are part of the
        # organization." A service principal is neither. For AssumeRoleWithSAML/WithWebIdentity,
        # IAM User Guide, "Permissions for AssumeRole, AssumeRoleWithSAML, and
        # AssumeRoleWithWebIdentity" (id_credentials_temp_control-access_assumerole.html): "there
        # are no policies to evaluate because the caller of the API is not an AWS identity".
        # RCPs do apply to both: AWS restricts federated AssumeRoleWith* "in the role's trust
        # policy or in resource control policies (RCPs)" (reference_sts_vpc_condition_keys_federated.html)
        # and service principals' access to KMS keys by an RCP (kms/latest/developerguide/resource-control-policies.html).
        found = {**found, "identity": [], "boundary": [], "session": []}
        scp_levels = []
    every = [a for group in (*found.values(), *scp_levels, *rcp_levels) for a in group]
    denies = [a.ref for a in every if a.ref.effect == "Deny"]
    if denies:
        return Decision(False, f"explicit Deny in {_name(denies)}", tuple(denies))
    organisation: list[StatementRef] = []
    for label, levels in (("resource control policies", rcp_levels), ("service control policies", scp_levels)):
        for number, level in enumerate(levels, start=1):
            if not _allows(level):
                return Decision(False, f"no Allow in the {label} at level {number} of {len(levels)}", ())
            organisation += _allows(level)
    return _combine(request, found, organisation, boundary is not None and is_iam, bool(session) and is_iam)


@dataclass(frozen=True)
class _Grants:
    """What the policies other than the organisation's grant, once no Deny applies."""

    organisation: tuple[StatementRef, ...]
    resource: tuple[_Applied, ...]  # the resource policy's Allows that apply
    identity: tuple[StatementRef, ...]
    boundary: tuple[StatementRef, ...] | None  # its Allows; None when the caller has no boundary
    session: tuple[StatementRef, ...] | None  # their Allows; None when there are no session policies

    def limited(self, boundary: bool = True, session: bool = True) -> tuple[str | None, tuple[StatementRef, ...]]:
        """(which limit lacks an Allow, or None; the limits' Allows) for the limits that apply."""
        refs: tuple[StatementRef, ...] = ()
        for label, applies, allows in (
            ("permissions boundary", boundary, self.boundary),
            ("session policies", session, self.session),
        ):
            if applies and allows is not None:
                if not allows:
                    return f"no Allow in the {label}", ()
                refs += allows
        return None, refs


def _combine(
    request: Request, found: Mapping[str, list[_Applied]], organisation: list[StatementRef], has_boundary: bool, has_session: bool
) -> Decision:
    """Resource policy, identity policies, boundary and session, once no Deny applies and every
    organisation level allows."""
    grants = _Grants(
        tuple(organisation),
        tuple(a for a in found["resource"] if a.ref.effect == "Allow"),
        tuple(_allows(found["identity"])),
        tuple(_allows(found["boundary"])) if has_boundary else None,
        tuple(_allows(found["session"])) if has_session else None,
    )
    if request.caller.kind != "AWS":
        if not grants.resource:
            return Decision(
                False, f"no Allow in the resource policy for {request.caller.kind} principal {request.caller.arn}", ()
            )
        return Decision(True, "allowed by the resource policy", (*grants.organisation, *(a.ref for a in grants.resource)))
    if _is_same_account(request):
        return _same_account(request, grants)
    return _cross_account(request, grants)


def _is_root(request: Request) -> bool:
    """The account's root user: not limited by identity policies in its own account."""
    found = _IAM_ARN.match(request.caller.arn)
    return found is not None and found["kind"] == "root"


def _same_account(request: Request, grants: _Grants) -> Decision:
    """reference_policies_evaluation-logic_policy-eval-basics.html: an Allow in the identity policies
    or the resource policy is enough. How far the boundary and session policies limit a resource
    policy's Allow depends on how it names the caller (access_policies_boundaries.html,
    access_policies.html#policies_session): naming the IAM user or the role session, neither
    limits it; naming everyone ("*"), the session policies do; naming the role, both do; naming
    the account, an identity policy must allow. A role's trust policy or a KMS key's policy must
    allow in any case."""
    direct = [a.ref for a in grants.resource if a.principal in ("exact", "session")]
    if direct:
        return Decision(True, "allowed by the resource policy, which names the caller", (*grants.organisation, *direct))
    required = _why_resource_policy_required(request)
    if required and not grants.resource:
        return Decision(False, f"no Allow in the resource policy ({required}, even within one account)", ())
    blocked: str | None = None  # why a resource policy's Allow did not suffice
    for how, boundary_limits in (("everyone", False), ("role", True)):
        named = [a.ref for a in grants.resource if a.principal == how]
        reason, limits = grants.limited(boundary=boundary_limits)
        if named and reason is None:
            return Decision(True, "allowed by the resource policy", (*grants.organisation, *named, *limits))
        blocked = blocked or (reason if named else None)
    if not grants.identity and not _is_root(request):
        return Decision(False, blocked or "no Allow in the identity policies or the resource policy", ())
    reason, limits = grants.limited()
    if reason is not None:
        return Decision(False, reason, ())
    also = [a.ref for a in grants.resource] if required else []
    return Decision(True, "allowed by the identity policies", (*grants.organisation, *grants.identity, *also, *limits))


def _cross_account(request: Request, grants: _Grants) -> Decision:
    """reference_policies_evaluation-logic-cross-account.html: the resource policy AND the caller's
    identity policies (within its boundary and session policies) must allow."""
    if not grants.resource:
        return Decision(
            False,
            f"no Allow in the resource policy (cross-account: the resource's account {request.resource_account} must allow)",
            (),
        )
    if not grants.identity and not _is_root(request):
        return Decision(
            False,
            f"no Allow in the identity policies (cross-account: the caller's account {request.caller.account} must allow)",
            (),
        )
    reason, limits = grants.limited()
    if reason is not None:
        return Decision(False, reason, ())
    refs = (*grants.organisation, *grants.identity, *(a.ref for a in grants.resource), *limits)
    return Decision(True, "allowed by the identity policies and the resource policy", refs)
