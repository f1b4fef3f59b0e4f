"""The stack's plan as guardrail subjects: every document and entity the component creates,
located by the stack key or file a user edits, with the waivers that apply to it.

- a role's trust policy, the role itself and the policies made from its files: the role's
  key (`cross-account-roles:roles.<name>`), under the role's waivers;
- each file of policies/ once, however many roles use it: `policies/<file>`, under the
  file's waivers (`policyWaivers.<file>`);
- each user and its assume-role policy: the user's key (users have no waivers: their
  documents are built entirely by this program).
"""

from __future__ import annotations

from crossaccount.errors import key
from crossaccount.inputs import SELF_SERVICE_FILE, SOURCE_POLICIES_DIR
from crossaccount.plan import StackPlan
from crossaccount.reference import ReferenceData

from .given import use
from .model import ERROR, WARNING, Entity, Finding, PolicyDocument, declare, sort_findings
from .runner import Subjects, WaiverScope, run_rules

declare(
    "ESC_UNSEEN",
    WARNING,
    "a stack file that imports a Pulumi ESC environment, whose values no offline command (and no other stack's program) reads",
    "stack files",
    waivable=False,
)
declare(
    "ACCESS_INVARIANT",
    ERROR,
    "an access invariant of the stack (accessInvariants) that the access model of every stack breaks: "
    "who reaches it, through which roles, by which statements (docs/access.md)",
    "stack files",
    waivable=False,
)
declare(
    "ORG_SHARED_ACCOUNT",
    WARNING,
    "two stacks create roles in one target account (no name collides: a collision is a settings error)",
    "stack files",
    waivable=False,
)


def subjects_for(plan: StackPlan) -> Subjects:
    settings = plan.settings
    documents: list[tuple[PolicyDocument, WaiverScope | None]] = []
    entities: list[tuple[Entity, WaiverScope | None]] = []
    scopes: list[WaiverScope] = []

    for role in plan.roles:
        role_settings = settings.roles[role.name]
        at = ("roles", role.name)
        scope = WaiverScope(key((*at, "waivers")), role_settings.waivers)
        scopes.append(scope)
        documents.append(
            (PolicyDocument("trust", f"{key(at)} (trust policy)", role.trust_document, settings.target.account_id), scope)
        )
        entities.append(
            (
                Entity(
                    kind="role",
                    where=key(at),
                    name=role.name,
                    path=role.path,
                    description=role.description,
                    tags=role.tags,
                    max_session_duration=role.max_session_duration,
                    managed_policy_arns=tuple(
                        (key((*at, "managedPolicyArns", i)), arn) for i, arn in enumerate(role.managed_policy_arns)
                    ),
                    other_attached=len(role.policies),
                    permissions_boundary=role.permissions_boundary,
                    permission_documents=tuple(
                        PolicyDocument("managed", f"policies/{p.file_name}", p.document) for p in role.policies
                    ),
                    mfa_required_by_identity=tuple(a.user for a in role.access if a.mfa.reason),
                    arn=role.arn,
                    policy_arns=tuple(p.arn for p in role.policies),
                ),
                scope,
            )
        )
        for i, policy in enumerate(role.policies):
            entities.append(
                (Entity(kind="policy", where=key((*at, "policyFiles", i)), name=policy.name, path="/", tags=role.tags), scope)
            )

    file_scopes = {f: WaiverScope(key(("policyWaivers", f)), w) for f, w in sorted(settings.policy_waivers.items())}
    scopes += file_scopes.values()
    files = {p.file_name: p.document for role in plan.roles for p in role.policies}
    for file_name in sorted(files):
        documents.append((PolicyDocument("managed", f"policies/{file_name}", files[file_name]), file_scopes.get(file_name)))

    for user in plan.users:
        at = ("users", user.name)
        for assume in user.assume_policies:  # none when its roles come through its groups
            where = f"{key(at)} (assume-role policy{' ' + assume.part if assume.part else ''})"
            documents.append((PolicyDocument("managed", where, assume.document), None))
            entities.append((Entity(kind="policy", where=where, name=assume.name, path="/"), None))
        if user.create:
            entities.append(
                (
                    Entity(
                        kind="user",
                        where=key(at),
                        name=user.name,
                        path=user.path,
                        tags=user.tags,
                        other_attached=user.attached_policies,
                    ),
                    None,
                )
            )
    _people_subjects(plan, documents, entities)
    return Subjects(documents=documents, entities=entities, scopes=scopes)


def _people_subjects(
    plan: StackPlan,
    documents: list[tuple[PolicyDocument, WaiverScope | None]],
    entities: list[tuple[Entity, WaiverScope | None]],
) -> None:
    """Groups (name, path, attached count), their assume-role policies, and the self-service
    policy (checked once, located at its file). Built by this program: no waivers."""
    for group in plan.groups:
        at = ("groups", group.name)
        for assume in group.assume_policies:
            where = f"{key(at)} (assume-role policy{' ' + assume.part if assume.part else ''})"
            documents.append((PolicyDocument("managed", where, assume.document), None))
            entities.append((Entity(kind="policy", where=where, name=assume.name, path="/"), None))
        arns = tuple((key((*at, "managedPolicyArns", i)), arn) for i, arn in enumerate(group.managed_policy_arns))
        entities.append(
            (
                Entity(
                    kind="group",
                    where=key(at),
                    name=group.name,
                    path=group.path,
                    managed_policy_arns=arns,
                    other_attached=len(group.assume_policies),
                ),
                None,
            )
        )
    if plan.self_service is not None:
        where = f"policies/{SOURCE_POLICIES_DIR}/{SELF_SERVICE_FILE}"
        documents.append((PolicyDocument("managed", where, plan.self_service.document), None))
        entities.append((Entity(kind="policy", where=where, name=plan.self_service.name, path="/"), None))


def check_plan(plan: StackPlan, reference: ReferenceData | None = None) -> list[Finding]:
    """Every finding for the stack's plan, waivers applied, in a stable order; and a warning
    for each Pulumi ESC environment whose values the stack's offline read cannot see. Judged by
    `reference`, the read step's data (`crossaccount.read.read_reference`), when given; else by
    the data given before (`given.use`)."""
    if reference is not None:
        use(reference)
    notes = [Finding(rule_id, WARNING, where, message) for rule_id, where, message in plan.notes]
    return sort_findings([*run_rules(subjects_for(plan)), *notes])
