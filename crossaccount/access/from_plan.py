"""The access model (issue 30) built from plan JSON (`make plan FORMAT=json`), not from the
pipeline's in-memory plans: what the review (`tools review`, `tools comment`) holds, offline,
from the files a pull request made.

`model_from_plans(plans)` gives the same `AccessModel` as `crossaccount.access.model.build_model`
for the same stacks: the same roles, principals and policies, each policy with the same
`source`, so an answer (and its `because`) reads the same whichever builder made the model
(tests/test_access_from_plan.py compares the two on every field an answer depends on).

What a plan JSON holds, and so what is read:

- roles: each `Role` resource (its name, path, trust policy, boundary, tags) in the account of
  its provider (`allowedAccountIds`); its `RolePolicyAttachment`s, each to a policy the plans
  create (a file of policies/, named by the policy's description `... from policies/x.json`;
  another by its stack file and name) or to an AWS managed policy, by its document (`managed`); the route fields (`Role.external_id`,
  `require_source_identity`, `mfa_max_age_seconds`) and the federated providers from the trust's
  statements;
- people: each `User`, and each user an attachment, a membership or a trust names (a user another
  stack creates); their `UserPolicyAttachment`s (assume-role policies, the self-service policy),
  their groups (`UserGroupMembership`) and the groups' policies (`GroupPolicyAttachment`,
  `GroupPolicy`);
- what the program never writes but a plan may hold, read as access all the same: inline
  `RolePolicy` and `UserPolicy`, the exclusive `PolicyAttachment` and `GroupMembership`; any other
  IAM resource type but login profiles and the password policy is refused;
- groups as principals; the roles outside the plan a trust names; the permission sets a trust
  names by `ArnLike aws:PrincipalArn` (`crossaccount.iam.PERMISSION_SET_ROLE_PATTERN_RE`), each
  taken to carry the inline policy the plan asks for; the SAML and OIDC providers.

A trust policy the plan holds as `[secret]` (a role with a `secure:` externalId: the engine marks
it secret) cannot be read. It is taken to allow the users whose identity policies in the plans
name the role's ARN exactly (the other side of the trust, which the program writes from the same
settings), under those statements' conditions, with the ExternalId unknown (`[secret]`); the
role's `unknown` says so (`SECRET_TRUST`), and its other principals (roles, permission sets,
providers) are not known from the plan.

A plan JSON is a file a user hands a command: a value of the wrong type is one `PlanJsonError`
naming the stack, the resource and the input, never a traceback or a resource silently left out.
Pure: no I/O (the AWS managed policies' documents are passed in).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from crossaccount.errors import key, refuse_duplicate_keys, show, type_name
from crossaccount.iam import (
    OIDC_PROVIDER_ARN_RE,
    PERMISSION_SET_ROLE_PATTERN_RE,
    SAML_PROVIDER_ARN_RE,
    iam_arn,
    partition_of,
)
from crossaccount.plan.documents import permission_set_document
from crossaccount.plan.model import PermissionPolicyPlan
from crossaccount.plan.names import self_service_policy_name
from crossaccount.resource_types import (
    ACCOUNT_PASSWORD_POLICY,
    GROUP,
    GROUP_MEMBERSHIP,
    GROUP_POLICY,
    GROUP_POLICY_ATTACHMENT,
    POLICY,
    POLICY_ATTACHMENT,
    PROVIDER,
    ROLE,
    ROLE_POLICY,
    ROLE_POLICY_ATTACHMENT,
    SECRET,
    USER,
    USER_GROUP_MEMBERSHIP,
    USER_LOGIN_PROFILE,
    USER_POLICY,
    USER_POLICY_ATTACHMENT,
)

from .model import (
    AccessModel,
    GroupEntry,
    ManagedLookup,
    Role,
    UserEntry,
    _file,
    _managed,
    _trusted,
    add_outside,
    add_provider,
    assemble,
    aws_managed_document,
    by_source,
    glob_match,
    people_principals,
    permission_set_policy,
    role_principals,
    self_service_policy,
    token_keys,
)
from .types import Policy, PolicyKind

EXPECTED = "as in the output of make plan FORMAT=json"
FROM_FILE = re.compile(r", from policies/([A-Za-z0-9._-]+\.json)\Z")
"""A role's policy's description names its file: `Permissions of role r, from policies/x.json`
(components/cross_account_access.py)."""
READ = frozenset(
    {
        USER,
        ROLE,
        GROUP,
        POLICY,
        ROLE_POLICY_ATTACHMENT,
        USER_POLICY_ATTACHMENT,
        GROUP_POLICY_ATTACHMENT,
        USER_GROUP_MEMBERSHIP,
        GROUP_POLICY,
        # Never the program's (the guardrails refuse or it never writes them), but access if a plan holds them:
        GROUP_MEMBERSHIP,
        POLICY_ATTACHMENT,
        ROLE_POLICY,
        USER_POLICY,
    }
)
"""The IAM resource types the model reads."""
NO_ACCESS = frozenset({USER_LOGIN_PROFILE, ACCOUNT_PASSWORD_POLICY})
"""IAM resource types that grant no access (console sign-in, the account's password rules)."""
SECRET_TRUST = (
    "its trust policy is a secret in the plan (a secure: externalId): taken to allow the users whose identity "
    "policies in the plans name the role, under those statements' conditions; the ExternalId is not known (a wrong "
    "one is not refused here), nor any other principal it trusts (roles, permission sets, providers)"
)


class _Known:
    """The policies the plans create (by lower-case ARN) and the AWS managed policies' documents:
    what a role's attachment or boundary names."""

    def __init__(self, managed: ManagedLookup) -> None:
        self.managed = managed
        self.files: dict[str, tuple[str, PermissionPolicyPlan]] = {}
        self.other: dict[str, Policy] = {}

    def policy(self, arn: str, kind: PolicyKind) -> Policy | str:
        """The policy `arn` names, by its document, or what is not known about it (`_managed`)."""
        other = self.other.get(arn.lower()) if arn.lower() not in self.files else None
        if other is not None:
            return Policy(other.document, other.source, kind)
        return _managed(arn, self.managed, self.files, kind)


class PlanJsonError(ValueError):
    """A plan JSON that is not what `make plan FORMAT=json` prints; the message names the stack,
    the resource and the input, the value found and what is expected."""


def model_from_plans(plans: Mapping[str, Mapping[str, Any]], managed: ManagedLookup | None = None) -> AccessModel:
    """The access model of the stacks whose plan JSON documents are `plans` (stack name -> the
    document `make plan FORMAT=json` prints for it): one stack, or every stack of the project."""
    managed = managed or aws_managed_document
    views = [_View(stack, plans[stack]) for stack in sorted(plans)]
    known = _Known(managed)
    for view in views:
        view.known(known)
    people = _People(managed)
    for view in views:
        people.read(view)
    principals = people.principals()
    roles: dict[str, Role] = {}
    secret: list[tuple[_View, int, Mapping[str, Any]]] = []
    outside: dict[str, list[str]] = {}
    sets: dict[str, tuple[str, str, list[Policy]]] = {}
    for view in views:
        for index, resource in view.of(ROLE):
            trust = view.text(index, resource, "assumeRolePolicy")
            if trust == SECRET:
                secret.append((view, index, resource))
                continue
            role = view.role(index, resource, view.document(index, resource, "assumeRolePolicy"), known)
            roles[role.arn.lower()] = role
            _federated(view, role, principals, outside, sets)
    for view, index, resource in secret:
        role = _secret_role(view, index, resource, known, principals)
        roles[role.arn.lower()] = role
    for arn in [a for a in outside if a.lower() in roles]:
        del outside[arn]
    principals.update(role_principals(dict(sorted(roles.items()))))
    add_outside(principals, outside, sets)
    return assemble(roles, principals)


# --- reading one plan, defensively -------------------------------------------------------------


class _View:
    """One stack's plan JSON: its resources by type, its accounts, each value checked as it is read."""

    def __init__(self, stack: str, plan: Any) -> None:
        self.stack = stack
        self.where = f"the plan JSON of stack {show(stack)}"
        if not isinstance(plan, Mapping):
            raise self.error(f"got {show(plan)} ({type_name(plan)}); expected an object with a resources list")
        if plan.get("stack", stack) != stack:
            raise self.error(f"stack: got {show(plan.get('stack'))}; expected {show(stack)}, the stack it is given for")
        resources = plan.get("resources")
        if not isinstance(resources, list):
            raise self.error(f"resources: got {show(resources)} ({type_name(resources)}); expected a list of resources")
        self.plan = plan
        self.by_type: dict[str, list[tuple[int, Mapping[str, Any]]]] = {}
        for i, r in enumerate(resources):
            if not isinstance(r, Mapping):
                raise self.error(f"resources[{i}]: got {show(r)} ({type_name(r)}); expected a resource object")
            for field in ("type", "name"):
                if not isinstance(r.get(field), str) or not r[field]:
                    raise self.error(f"resources[{i}].{field}: got {show(r.get(field))}; expected a non-empty string")
            if not isinstance(r.get("inputs", {}), Mapping):
                raise self.error(
                    f"{self.at(i, r)}.inputs: got {show(r['inputs'])} ({type_name(r['inputs'])}); expected an object"
                )
            if r["type"].startswith("aws:iam/") and r["type"] not in READ | NO_ACCESS:
                raise self.error(
                    f"{self.at(i, r)}: an IAM resource type the access model does not read; expected only users, roles, "
                    "groups, policies, their attachments, inline policies and memberships, login profiles and the password policy"
                )
            self.by_type.setdefault(r["type"], []).append((i, r))
        self._expand()
        self.sides = self._sides()
        self._attachments: dict[str, list[tuple[int, Mapping[str, Any]]]] | None = None
        self._documents: dict[tuple[int, str], Mapping[str, Any]] = {}
        self._inline: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}

    def _expand(self) -> None:
        """An exclusive `PolicyAttachment` as one attachment per role, user and group it names, and
        an exclusive `GroupMembership` as one membership per user (read as the program's own are)."""
        for i, r in self.of(POLICY_ATTACHMENT):
            arn = self.text(i, r, "policyArn")
            for listed, type_, field in (
                ("roles", ROLE_POLICY_ATTACHMENT, "role"),
                ("users", USER_POLICY_ATTACHMENT, "user"),
                ("groups", GROUP_POLICY_ATTACHMENT, "group"),
            ):
                names = self.texts(i, r, listed) if self.inputs(r).get(listed) is not None else []
                for name in names:
                    one = {"type": r["type"], "name": r["name"], "inputs": {field: name, "policyArn": arn}}
                    self.by_type.setdefault(type_, []).append((i, one))
        for i, r in self.of(GROUP_MEMBERSHIP):
            group = self.text(i, r, "group")
            for user in self.texts(i, r, "users"):
                one = {"type": r["type"], "name": r["name"], "inputs": {"user": user, "groups": [group]}}
                self.by_type.setdefault(USER_GROUP_MEMBERSHIP, []).append((i, one))

    def inline(self, type_: str, field: str, names: set[str] | None = None) -> dict[str, list[tuple[str, Mapping[str, Any]]]]:
        """Entity name -> its inline policies of `type_` (`RolePolicy`, `UserPolicy`): (name,
        document); `names`: the entities of the plan it may belong to (None: any)."""
        found: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
        for i, r in self.of(type_):
            owner = self.text(i, r, field)
            if names is not None and owner not in names:
                raise self.error(
                    f"{self.at(i, r)}.inputs.{field}: {show(owner)} is not a {field} of the plan; expected one of its resources"
                )
            found.setdefault(owner, []).append((self.name(i, r), self.document(i, r, "policy")))
        return found

    def error(self, text: str) -> PlanJsonError:
        return PlanJsonError(f"{self.where}: {text}, {EXPECTED}")

    def at(self, index: int, resource: Mapping[str, Any]) -> str:
        return f"resources[{index}] ({show(resource['type'])} {show(resource['name'])})"

    def of(self, type_: str) -> list[tuple[int, Mapping[str, Any]]]:
        return self.by_type.get(type_, [])

    def inputs(self, resource: Mapping[str, Any]) -> Mapping[str, Any]:
        inputs: Mapping[str, Any] = resource.get("inputs") or {}
        return inputs

    def text(self, index: int, resource: Mapping[str, Any], name: str, default: str | None = None) -> str:
        """The input `name`, a non-empty string (`default` where it is absent; without one, required)."""
        value = self.inputs(resource).get(name)
        if value is None and default is not None:
            return default
        if not isinstance(value, str) or not value:
            raise self.error(
                f"{self.at(index, resource)}.inputs.{name}: got {show(value)} ({type_name(value)}); expected a non-empty string"
            )
        return value

    def texts(self, index: int, resource: Mapping[str, Any], name: str) -> list[str]:
        value = self.inputs(resource).get(name)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(
                f"{self.at(index, resource)}.inputs.{name}: got {show(value)} ({type_name(value)}); expected a list of names"
            )
        return value

    def tags(self, index: int, resource: Mapping[str, Any]) -> dict[str, str]:
        value = self.inputs(resource).get("tags")
        if value is None:
            return {}
        if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
            raise self.error(
                f"{self.at(index, resource)}.inputs.tags: got {show(value)} ({type_name(value)}); expected an object of tag values (strings)"
            )
        return dict(value)

    def document(self, index: int, resource: Mapping[str, Any], name: str) -> Mapping[str, Any]:
        """The input `name`: a policy document as JSON text, parsed (duplicate keys refused), once."""
        cached = self._documents.get((index, name))
        if cached is None:
            cached = self._documents[(index, name)] = self._parse(index, resource, name)
        return cached

    def _parse(self, index: int, resource: Mapping[str, Any], name: str) -> Mapping[str, Any]:
        text = self.text(index, resource, name)
        at = f"{self.at(index, resource)}.inputs.{name}"
        try:
            document = json.loads(text, object_pairs_hook=refuse_duplicate_keys)
        except json.JSONDecodeError as exc:
            raise self.error(
                f"{at}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); expected a policy document"
            ) from None
        except (ValueError, RecursionError) as exc:
            raise self.error(f"{at}: not a policy document ({exc or 'nested too deeply'})") from None
        if not isinstance(document, Mapping):
            raise self.error(f"{at}: got {show(document)} ({type_name(document)}); expected a policy document (a JSON object)")
        return document

    def name(self, index: int, resource: Mapping[str, Any]) -> str:
        return self.text(index, resource, "name", str(resource["name"]))

    def _sides(self) -> dict[str, tuple[str, str]]:
        """Side (`source`/`target`) -> (account id, partition), from its provider's allowedAccountIds and region."""
        providers = dict(self.of(PROVIDER))
        by_name = {r["name"]: (i, r) for i, r in providers.items()}
        sides: dict[str, tuple[str, str]] = {}
        for _, resources in sorted(self.by_type.items()):
            for i, r in resources:
                side, provider = r.get("account"), r.get("provider")
                if side is None or r["type"] == PROVIDER:
                    continue
                if not isinstance(side, str) or not isinstance(provider, str) or provider not in by_name:
                    raise self.error(
                        f"{self.at(i, r)}: account {show(side)}, provider {show(provider)}; expected a side "
                        "(source or target) and the name of a provider of the plan"
                    )
                pi, p = by_name[provider]
                ids = self.inputs(p).get("allowedAccountIds")
                if (
                    not isinstance(ids, list)
                    or len(ids) != 1
                    or not isinstance(ids[0], str)
                    or not re.fullmatch(r"\d{12}", ids[0])
                ):
                    raise self.error(
                        f"{self.at(pi, p)}.inputs.allowedAccountIds: got {show(ids)}; expected one 12-digit account id"
                    )
                region = self.text(pi, p, "region", "us-east-1")
                found = (ids[0], partition_of(region))
                if sides.setdefault(side, found) != found:
                    raise self.error(
                        f"{self.at(i, r)}: side {show(side)} is account {found[0]} here and {sides[side][0]} elsewhere"
                    )
        return sides

    def side(self, index: int, resource: Mapping[str, Any]) -> tuple[str, str]:
        side = resource.get("account")
        if side not in self.sides:
            raise self.error(
                f"{self.at(index, resource)}.account: got {show(side)}; expected source or target (an account of a provider)"
            )
        return self.sides[str(side)]

    def policies(self) -> dict[str, tuple[str, Mapping[str, Any], int, Mapping[str, Any]]]:
        """Lower-case ARN -> (name, document, index, resource) of each policy this plan creates."""
        found = {}
        for i, r in self.of(POLICY):
            account, partition = self.side(i, r)
            name = self.name(i, r)
            arn = iam_arn(partition, account, "policy", self.text(i, r, "path", "/"), name)
            found[arn.lower()] = (name, self.document(i, r, "policy"), i, r)
        return found

    def known(self, known: _Known) -> None:
        """Add the policies this plan creates to `known`: from a file of policies/ (their
        description names it), as `build_model` knows them, or otherwise by their name."""
        for arn, (name, document, i, r) in self.policies().items():
            described = FROM_FILE.search(self.text(i, r, "description", " "))
            if described is not None:
                known.files[arn] = (self.stack, PermissionPolicyPlan(described.group(1), name, arn, json.dumps(document)))
            else:
                known.other[arn] = Policy(document, f"{_file(self.stack)} (policy {name})", "identity")

    def attachments(self) -> dict[str, list[tuple[int, Mapping[str, Any]]]]:
        """Role name -> its RolePolicyAttachments, in plan order (read once, with the inline policies)."""
        if self._attachments is None:
            self._attachments = {}
            roles = {self.name(i, r) for i, r in self.of(ROLE)}
            for i, a in self.of(ROLE_POLICY_ATTACHMENT):
                role = self.text(i, a, "role")
                if role not in roles:
                    raise self.error(
                        f"{self.at(i, a)}.inputs.role: {show(role)} is not a role of the plan; expected a Role resource of it"
                    )
                self._attachments.setdefault(role, []).append((i, a))
            self._inline = self.inline(ROLE_POLICY, "role", roles)
        return self._attachments

    def role(
        self,
        index: int,
        resource: Mapping[str, Any],
        trust: Mapping[str, Any],
        known: _Known,
    ) -> Role:
        """The role `resource` declares, with `trust` as its trust policy; `known`: the policies
        its attachments and boundary may name."""
        account, partition = self.side(index, resource)
        name = self.name(index, resource)
        arn = iam_arn(partition, account, "role", self.text(index, resource, "path", "/"), name)
        where = f"{_file(self.stack)} {key(('roles', name))}"
        permissions: list[Policy] = []
        unknown: list[str] = []
        for i, attachment in self.attachments().get(name, []):
            found = known.policy(self.text(i, attachment, "policyArn"), "identity")
            permissions.append(found) if isinstance(found, Policy) else unknown.append(found)
        permissions, unknown = list(by_source(permissions)), sorted(unknown)
        for policy, document in sorted(self._inline.get(name, []), key=lambda p: p[0]):
            permissions.append(Policy(document, f"{where} (inline policy {policy})", "identity"))
        boundary = None
        boundary_arn = self.inputs(resource).get("permissionsBoundary")
        if boundary_arn is not None:
            found = known.policy(self.text(index, resource, "permissionsBoundary"), "boundary")
            if isinstance(found, Policy):
                boundary = found
            else:
                unknown.append(f"permissions boundary {found}: answers are as if it allowed everything")
        route = _route_fields(trust)
        return Role(
            name=name,
            arn=arn,
            account=account,
            where=where,
            trust=Policy(trust, f"{where} (trust policy)", "resource"),
            permissions=tuple(permissions),
            boundary=boundary,
            unknown=tuple(unknown),
            external_id=route[0],
            require_source_identity=route[1],
            mfa_max_age_seconds=route[2],
            secret=False,
            trusted=_trusted(trust),
            federated={arn.lower(): keys for arn, (_, keys) in _providers(trust).items()},
            tags=self.tags(index, resource),
        )


# --- trust policies ----------------------------------------------------------------------------


def _statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = document.get("Statement", [])
    return [s for s in (raw if isinstance(raw, list) else [raw]) if isinstance(s, Mapping) and s.get("Effect") == "Allow"]


def _values(value: Any) -> list[str]:
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]


def _condition(statement: Mapping[str, Any], operator: str, name: str) -> list[str]:
    block = statement.get("Condition")
    keys = block.get(operator) if isinstance(block, Mapping) else None
    if not isinstance(keys, Mapping):
        return []
    return [v for k, value in keys.items() if k.lower() == name.lower() for v in _values(value)]


def _route_fields(trust: Mapping[str, Any]) -> tuple[str | None, bool, int | None]:
    """(ExternalId, source identity required, MFA age limit) as the trust's Allow statements
    pin them (crossaccount.plan.documents: `sts:SetSourceIdentity` is allowed exactly where the
    role requires a source identity)."""
    external = [v for s in _statements(trust) for v in _condition(s, "StringEquals", "sts:ExternalId")]
    source_identity = any(
        any(a.lower() == "sts:setsourceidentity" for a in _values(s.get("Action")))
        or _condition(s, "StringEquals", "sts:SourceIdentity")
        for s in _statements(trust)
    )
    ages = [
        int(v)
        for s in _statements(trust)
        for v in _condition(s, "NumericLessThan", "aws:MultiFactorAuthAge")
        if re.fullmatch(r"\d{1,9}", v, re.ASCII)
    ]
    return (external[0] if external else None, source_identity, max(ages) if ages else None)


def _providers(trust: Mapping[str, Any]) -> dict[str, tuple[str, dict[str, tuple[str, ...]]]]:
    """Provider ARN (as written) -> (saml or oidc, the token keys the trust pins, `token_keys`)."""
    found: dict[str, tuple[str, dict[str, tuple[str, ...]]]] = {}
    for s in _statements(trust):
        principal = s.get("Principal")
        for arn in _values(principal.get("Federated")) if isinstance(principal, Mapping) else []:
            if SAML_PROVIDER_ARN_RE.match(arn):
                found.setdefault(arn, ("saml", token_keys("saml", arn, _condition(s, "StringEquals", "SAML:aud"), None)))
            elif OIDC_PROVIDER_ARN_RE.match(arn):
                url = arn.split(":oidc-provider/", 1)[-1]
                subject = _condition(s, "StringEquals", f"{url}:sub")
                keys = token_keys("oidc", arn, _condition(s, "StringEquals", f"{url}:aud"), subject[0] if subject else None)
                found.setdefault(arn, ("oidc", keys))
    return found


def _federated(
    view: _View,
    role: Role,
    principals: dict[str, Any],
    outside: dict[str, list[str]],
    sets: dict[str, tuple[str, str, list[Policy]]],
) -> None:
    """What the role's trust names beyond the plan's users: roles (`trustedRoles`), permission
    sets (by their role's ARN pattern) and SAML/OIDC providers."""
    for s in _statements(role.trust.document):
        principal = s.get("Principal")
        for arn in _values(principal.get("AWS")) if isinstance(principal, Mapping) else []:
            if ":role/" in arn:
                outside.setdefault(arn, []).append(role.arn)
        for pattern in _condition(s, "ArnLike", "aws:PrincipalArn"):
            found = PERMISSION_SET_ROLE_PATTERN_RE.match(pattern)
            if found is None:
                continue
            name = found.group("permission_set")
            tags = any(a.lower() == "sts:tagsession" for a in _values(s.get("Action")))
            entry = sets.setdefault(name.lower(), (name, pattern, []))
            entry[2].append(permission_set_policy(view.stack, role.name, name, permission_set_document(role.arn, tags)))
    for arn, (kind, _) in _providers(role.trust.document).items():
        add_provider(principals, kind, arn, role.where)


def _secret_role(
    view: _View,
    index: int,
    resource: Mapping[str, Any],
    known: _Known,
    principals: Mapping[str, Any],
) -> Role:
    """A role whose trust the plan holds as `[secret]` (`SECRET_TRUST`): its trust taken to be,
    for each user, each Allow statement of their identity policies in the plans that names the
    role's ARN exactly for sts:AssumeRole, with that statement's conditions (the program writes
    both sides of the trust from the same settings: MFA, source identity). A statement that
    reaches the role only by a wildcard (`AdministratorAccess`) is not taken as trust."""
    role = view.role(index, resource, {"Version": "2012-10-17", "Statement": []}, known)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for p in principals.values():
        if p.kind != "user":
            continue
        for policy in p.identity:
            for s in _statements(policy.document):
                if role.arn not in _values(s.get("Resource")):
                    continue
                if not any(glob_match(a, "sts:AssumeRole", ignore_case=True) for a in _values(s.get("Action"))):
                    continue
                statement = {"Effect": "Allow", "Principal": {"AWS": p.arn}, "Action": "sts:AssumeRole"}
                if isinstance(s.get("Condition"), Mapping):
                    statement["Condition"] = s["Condition"]
                found.setdefault((p.arn, json.dumps(statement, sort_keys=True)), statement)
    trust = {"Version": "2012-10-17", "Statement": [found[k] for k in sorted(found)]}
    source_identity = _route_fields(trust)[1]
    return Role(
        name=role.name,
        arn=role.arn,
        account=role.account,
        where=role.where,
        trust=Policy(trust, f"{role.where} (trust policy: a secret in the plan, taken from the users' side)", "resource"),
        permissions=role.permissions,
        boundary=role.boundary,
        unknown=(*role.unknown, SECRET_TRUST),
        external_id=SECRET,
        require_source_identity=source_identity,
        mfa_max_age_seconds=None,
        secret=True,
        trusted=_trusted(trust),
        federated={},
        tags=role.tags,
    )


USER_ARN = re.compile(r"^arn:[a-z-]+:iam::\d{12}:user/(?:[^/]+/)*([^/]+)\Z")


def _trusted_users(view: _View) -> dict[str, str]:
    """User name -> the exact ARN a trust policy of the plan names it by (a roles-only stack's
    users are only there: their own stack creates them)."""
    found: dict[str, str] = {}
    for i, r in view.of(ROLE):
        if view.text(i, r, "assumeRolePolicy") == SECRET:
            continue
        for s in _statements(view.document(i, r, "assumeRolePolicy")):
            principal = s.get("Principal")
            for arn in _values(principal.get("AWS")) if isinstance(principal, Mapping) else []:
                matched = USER_ARN.match(arn)
                if matched is not None:
                    found.setdefault(matched.group(1), arn)
    return found


# --- people ------------------------------------------------------------------------------------


def _named_group(view: _View, index: int, resource: Mapping[str, Any], name: str, groups: dict[str, GroupEntry]) -> GroupEntry:
    """The group an attachment or a membership names. One the plan does not create (a group of
    another stack or made by hand, which IAM evaluates all the same: its policies are each
    member's) is taken at the path `/` in the account of the resource that names it, and its
    `where` says so: modelled, not left out."""
    if name not in groups:
        account, partition = view.side(index, resource)
        arn = iam_arn(partition, account, "group", "/", name)
        where = f"{_file(view.stack)} group {name} (named by {view.at(index, resource)}; not created by this plan: path / taken)"
        groups[name] = (name, where, [], [], [], arn)
    return groups[name]


class _People:
    """The users and groups of every plan, merged as `build_model` merges them."""

    def __init__(self, managed: ManagedLookup) -> None:
        self.managed = managed
        self.policies: dict[str, list[Policy]] = {}
        self.first: dict[str, UserEntry] = {}
        self.groups: dict[str, GroupEntry] = {}
        self.notes: dict[str, list[str]] = {}

    def read(self, view: _View) -> None:
        created = view.policies()
        source = view.sides.get("source")
        groups: dict[str, GroupEntry] = {}
        for i, g in view.of(GROUP):
            account, partition = view.side(i, g)
            name = view.name(i, g)
            arn = iam_arn(partition, account, "group", view.text(i, g, "path", "/"), name)
            where = f"{_file(view.stack)} {key(('groups', name))}"
            groups[name] = (name, where, [], [], [], arn)
        by_arn: dict[str, list[Policy]] = {}
        for i, a in view.of(GROUP_POLICY_ATTACHMENT):
            entry = self._group(view, i, a, groups)
            policy_arn = view.text(i, a, "policyArn")
            mine = created.get(policy_arn.lower())
            if mine is not None:
                entry[3].append(Policy(mine[1], f"{entry[1]} (policy {mine[0]})", "identity"))
                continue
            found = _managed(policy_arn, self.managed, {}, "identity")
            by_arn.setdefault(entry[0], []).append(found) if isinstance(found, Policy) else entry[4].append(found)
        for i, p in view.of(GROUP_POLICY):
            entry = self._group(view, i, p, groups)
            entry[3].append(Policy(view.document(i, p, "policy"), f"{entry[1]} (inline policy {view.name(i, p)})", "identity"))
        for name, entry in groups.items():
            entry[3].extend(by_source(by_arn.get(name, [])))
            entry[4].sort()
        member_of: dict[str, list[str]] = {}
        for i, m in view.of(USER_GROUP_MEMBERSHIP):
            user = view.text(i, m, "user")
            for group in view.texts(i, m, "groups"):
                _named_group(view, i, m, group, groups)
                if user not in groups[group][2]:
                    groups[group][2].append(user)
                if group not in member_of.setdefault(user, []):
                    member_of[user].append(group)
        for entry in groups.values():
            self.groups[entry[5].lower()] = entry
        self._users(view, created, source, groups, member_of)

    def _group(self, view: _View, index: int, resource: Mapping[str, Any], groups: dict[str, GroupEntry]) -> GroupEntry:
        return _named_group(view, index, resource, view.text(index, resource, "group"), groups)

    def _users(
        self,
        view: _View,
        created: Mapping[str, tuple[str, Mapping[str, Any], int, Mapping[str, Any]]],
        source: tuple[str, str] | None,
        groups: Mapping[str, GroupEntry],
        member_of: Mapping[str, list[str]],
    ) -> None:
        resources = {view.name(i, u): (i, u) for i, u in view.of(USER)}
        attached: dict[str, list[tuple[int, Mapping[str, Any]]]] = {}
        for i, a in view.of(USER_POLICY_ATTACHMENT):
            attached.setdefault(view.text(i, a, "user"), []).append((i, a))
        outputs = view.plan.get("outputs")
        declared = outputs.get("users") if isinstance(outputs, Mapping) else None
        trusted = _trusted_users(view)
        inline = view.inline(USER_POLICY, "user")
        for name in dict.fromkeys([*resources, *attached, *member_of, *trusted, *inline]):
            arn = self._arn(view, name, resources.get(name), declared, source, trusted.get(name))
            where = f"{_file(view.stack)} {key(('users', name))}"
            mine = self.policies.setdefault(arn.lower(), [])
            tags = view.tags(*resources[name]) if name in resources else {}
            # In the order build_model keeps: the assume-role policies (their parts in URN order,
            # which is the order of their bits), the self-service policy, then any other by ARN.
            own, service, other = [], [], []
            for i, a in attached.get(name, []):
                policy_arn = view.text(i, a, "policyArn")
                policy = created.get(policy_arn.lower())
                if policy is None:
                    found = _managed(policy_arn, self.managed, {}, "identity")
                    other.append(found) if isinstance(found, Policy) else self.notes.setdefault(arn.lower(), []).append(found)
                elif policy[0] == self_service_policy_name(view.stack):
                    service.append(self_service_policy(view.stack, policy[0], policy[1]))
                else:
                    own.append(Policy(policy[1], f"{where} (policy {policy[0]})", "identity"))
            mine += [*own, *service, *by_source(other)]
            mine += [
                Policy(d, f"{where} (inline policy {n})", "identity") for n, d in sorted(inline.get(name, []), key=lambda p: p[0])
            ]
            for group in member_of.get(name, []):
                mine += groups[group][3]
            create = name in resources
            if arn.lower() not in self.first or (create and not self.first[arn.lower()][4]):
                self.first[arn.lower()] = (name, arn, where, tags, (view.stack,) if create else ())

    def _arn(
        self,
        view: _View,
        name: str,
        resource: tuple[int, Mapping[str, Any]] | None,
        declared: Any,
        source: tuple[str, str] | None,
        trusted: str | None,
    ) -> str:
        """The user's ARN: the plan's outputs say it (`users.<name>.arn`), or a trust names it;
        else its path and name in the source account."""
        entry = declared.get(name) if isinstance(declared, Mapping) else None
        arn = entry.get("arn") if isinstance(entry, Mapping) else None
        mine = source is not None and isinstance(arn, str) and arn.startswith(f"arn:{source[1]}:iam::{source[0]}:user/")
        if mine and isinstance(arn, str) and arn.rsplit("/", 1)[-1] == name:
            return arn
        if trusted is not None:
            return trusted
        if source is None:
            raise view.error(f"the user {show(name)}: no resource of the plan is in the source account; expected its provider")
        path = view.text(*resource, "path", "/") if resource is not None else "/"
        return iam_arn(source[1], source[0], "user", path, name)

    def principals(self) -> dict[str, Any]:
        return people_principals(self.first, self.policies, self.groups, self.notes)
