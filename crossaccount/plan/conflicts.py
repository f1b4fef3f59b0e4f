"""What the settings alone cannot see: names derived from several settings that collide, and
more managed policies than a user takes. Each returns its problems; none raises (the pipeline
reports them with the settings' problems)."""

from __future__ import annotations

from crossaccount.errors import key
from crossaccount.iam import MANAGED_POLICY_SIZE, MAX_ATTACHED_POLICIES, non_whitespace_length
from crossaccount.settings.models import LoadedSettings

from .model import GroupPlan, RolePlan, SelfServicePlan, UserPlan
from .names import group_assume_resource_name, group_managed_attachment_name, managed_attachment_name
from .organisation import policies_elsewhere


def policy_name_problems(roles: list[RolePlan], users: list[UserPlan], same_account: bool) -> list[str]:
    """Names derived from role, file, user and stack names must be distinct.

    IAM policy names are unique in an account ignoring case; the component's Pulumi names
    (`<component>-attach-<...>`) are unique in the stack. When source and target are one
    account, the users' and the roles' policies share that account. Their length and
    characters are the guardrails' NAME_FORMAT rule.
    """
    problems: list[str] = []
    seen: dict[str, str] = {}
    attachments: dict[str, str] = {}
    created_arns = {p.arn.lower() for r in roles for p in r.policies}
    for role in roles:
        for i, policy in enumerate(role.policies):
            where = f"{key(('roles', role.name, 'policyFiles', i))}"
            other = seen.setdefault(policy.name.lower(), where)
            if other != where:
                problems.append(
                    f"{where}: policy name {policy.name!r} is also the name derived at {other}; rename one of the files"
                )
            other = attachments.setdefault(policy.name.lower(), where)
        for i, arn in enumerate(role.managed_policy_arns):
            where = f"{key(('roles', role.name, 'managedPolicyArns', i))}"
            if arn.lower() in created_arns:
                problems.append(f"{where}: {arn} is a policy this stack creates from policyFiles; list it once, in policyFiles")
                continue
            other = attachments.setdefault(managed_attachment_name(role.name, arn).lower(), where)
            if other != where:
                problems.append(
                    f"{where}: attaching {arn} would get the resource name of the attachment at {other} "
                    f"({managed_attachment_name(role.name, arn)}); rename the policy file"
                )
    for user in users:
        where = key(("users", user.name))
        for assume in user.assume_policies:  # one, or the parts of a split (crossaccount.packing)
            suffix = f"-{assume.part}" if assume.part else ""
            other = attachments.setdefault(f"assume-{user.name}{suffix}".lower(), where)
            if other != where:
                problems.append(
                    f"{where}: the attachment of its assume-role policy (attach-assume-{user.name}{suffix}) would get the "
                    f"resource name of the attachment at {other}; rename the role or the file"
                )
            if same_account:
                other = seen.setdefault(assume.name.lower(), where)
                if other != where:
                    problems.append(
                        f"{where}: its assume-role policy {assume.name!r} has the name of the policy derived at {other}, "
                        "and source and target are one account; rename the file or the role"
                    )
    return problems


def source_policy_name_problems(
    users: list[UserPlan], groups: list[GroupPlan], self_service: SelfServicePlan | None, roles_in_source: list[RolePlan]
) -> list[str]:
    """The source account's policy names of this stack are distinct ignoring case (IAM does);
    `roles_in_source`: the roles, when source and target are one account."""
    named: list[tuple[str | None, str]] = [
        (p.name, key(("roles", r.name, "policyFiles", i))) for r in roles_in_source for i, p in enumerate(r.policies)
    ]
    named += [(a.name, key(("users", u.name))) for u in users for a in u.assume_policies]
    named += [(a.name, key(("groups", g.name))) for g in groups for a in g.assume_policies]
    if self_service is not None:
        named.append((self_service.name, key(("selfService",))))
    problems: list[str] = []
    seen: dict[str, str] = {}
    for policy_name, where in named:
        if policy_name is None:
            continue
        other = seen.setdefault(policy_name.lower(), where)
        if other != where:
            problems.append(f"{where}: policy name {policy_name!r} is also the name derived at {other}; rename one of them")
    return problems


def user_policy_count_problems(users: list[UserPlan], loaded: LoadedSettings) -> list[str]:
    """A user takes at most 10 managed policies (AWS's default quota), counted across every
    stack of the project that attaches one (`crossaccount.plan.organisation`): refuse, with the
    numbers and the way out, a stack that would attach more, before anything is registered."""
    attaching = [u for u in users if u.attached_policies]
    elsewhere = policies_elsewhere(loaded, [u.name for u in attaching]) if loaded.others else {}
    problems: list[str] = []
    for user in attaching:
        others = elsewhere.get(user.name, [])
        total = user.attached_policies + sum(n for _, n in others)
        if total <= MAX_ATTACHED_POLICIES:
            continue
        here = (
            f"trusted by {len(user.direct_roles)} roles whose exact ARNs need {len(user.assume_policies)} assume-role "
            f"policies of at most {MANAGED_POLICY_SIZE:,} characters; this stack attaches {user.attached_policies}"
        )
        there = "".join(f", {file_name} attaches {n}" for file_name, n in others)
        there += f": {total} managed policies on one user" if others else " managed policies to the user"
        way_out = (
            "remove users from the stacks that re-list this person (create: false), so that the people's stack grants "
            "their roles in its packed policies (docs/organisation.md#migrate-from-people-re-listed-in-each-stack)"
            if others
            else "fewer roles trusting this person, or a group (trustedGroups) whose policy the members share"
        )
        problems.append(
            f"{key(('users', user.name))}: {here}{there}, and AWS attaches at most "
            f"{MAX_ATTACHED_POLICIES} (20 by quota request); expected at most {MAX_ATTACHED_POLICIES}: {way_out}"
        )
    return problems


def group_policy_count_problems(groups: list[GroupPlan]) -> list[str]:
    """A group takes at most 10 managed policies: its assume-role parts and its managedPolicyArns."""
    problems = []
    for group in groups:
        attached = len(group.assume_policies) + len(group.managed_policy_arns)
        if attached > MAX_ATTACHED_POLICIES and len(group.assume_policies) > 1:
            problems.append(
                f"{key(('groups', group.name))}: trusted by {len(group.roles)} roles whose exact ARNs need "
                f"{len(group.assume_policies)} assume-role policies, plus {len(group.managed_policy_arns)} managedPolicyArns: "
                f"{attached} managed policies, and AWS attaches at most {MAX_ATTACHED_POLICIES} to a group; "
                "expected fewer roles trusting the group, or fewer managedPolicyArns"
            )
    return problems


def group_resource_name_problems(groups: list[GroupPlan]) -> list[str]:
    """The groups' Pulumi names (`components/people.py`) are distinct per resource type.

    They are built from the group's name, an assume-role policy's part and a managed policy
    ARN's account and last name, joined with `-`, which group names may hold too: group `dev`
    with `arn:aws:iam::111122223333:policy/aws-ro` and group `dev-111122223333` with
    `arn:aws:iam::aws:policy/ro` would both be `attach-group-dev-111122223333-aws-ro`. The engine
    refuses the second registration of a URN ("Duplicate resource URN '...'; try giving it a
    unique name": pulumi/pulumi sdk/go/common/diag/errors.go GetDuplicateResourceURNError,
    raised by pkg/resource/deploy/step_generator.go), after the resources before it were
    created. Renaming resources would replace what is deployed, so a collision is refused.
    """
    problems: list[str] = []
    policies: dict[str, str] = {}
    attachments: dict[str, str] = {}

    def claim(seen: dict[str, str], name: str, where: str, what: str) -> None:
        other = seen.setdefault(name, where)
        if other != where:
            problems.append(
                f"{where}: {what} would get the Pulumi name {name!r} of the one at {other}, and the engine refuses two "
                "resources of one URN (Duplicate resource URN); expected names that do not collide: rename one of the groups "
                "(or attach one policy of that name)"
            )

    for group in groups:
        at = key(("groups", group.name))
        for assume in group.assume_policies:
            name = group_assume_resource_name(group.name, assume.part)
            claim(policies, name, at, f"its assume-role policy{' part ' + assume.part if assume.part else ''}")
            claim(attachments, name, at, "the attachment of its assume-role policy")
        for i, arn in enumerate(group.managed_policy_arns):
            where = key(("groups", group.name, "managedPolicyArns", i))
            claim(attachments, group_managed_attachment_name(group.name, arn), where, f"the attachment of {arn}")
    return problems


def self_service_size_problems(self_service: SelfServicePlan | None, paths: list[str]) -> list[str]:
    """The self-service policy holds each user resource once per distinct user path: too many
    paths and it is over a managed policy's size, which AWS refuses (CreatePolicy: LimitExceeded)."""
    if self_service is None:
        return []
    size = non_whitespace_length(self_service.document)
    if size <= MANAGED_POLICY_SIZE:
        return []
    return [
        f"{key(('users',))}: the self-service policy names each user's ARN by its path, and the users this stack "
        f"creates have {len(paths)} distinct paths ({', '.join(paths)}): {size:,} characters without whitespace, "
        f"over the {MANAGED_POLICY_SIZE:,} a managed policy holds; expected fewer distinct paths "
        "(users under one path share its resources), or the users split across people's stacks"
    ]
