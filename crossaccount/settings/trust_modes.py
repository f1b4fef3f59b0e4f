"""Trust modes: how a role's trust policy names the source-account users it trusts.

- `users` (default): the exact ARN of every trusted user. Tightest: only an administrator of
  the *target* account can change who is trusted. About 32 users fit the 2,048-character
  trust policy quota.
- `path`: the source account (`arn:<p>:iam::<source>:root`) narrowed by an `ArnLike
  aws:PrincipalArn` condition on the users under one IAM path
  (`arn:<p>:iam::<source>:user/team-data/*`). No limit on the number of users, but anyone in
  the source account who may create a user (or move one, `iam:UpdateUser`) under that path
  can grant themselves the role.
- `tag`: the source account narrowed by `StringEquals aws:PrincipalTag/<key>: <value>` and
  `ArnLike aws:PrincipalArn arn:<p>:iam::<source>:user/*` (IAM users only: a role carrying
  the tag does not qualify). The program tags the users it owns. Anyone in the source
  account who may tag a user (`iam:TagUser`) can grant themselves the role.

MFA, mfaMaxAgeSeconds, externalId and session tags apply in every mode. The identity side
(each user's assume-role policy) always names exact role ARNs. The account-wide modes are
shown by the guardrails as TRUST_ACCOUNT_WIDE warnings, never silently.

Pure: no Pulumi import. The checks are here; the account-wide trust policies are built by
`crossaccount.plan.trust`.
"""

from __future__ import annotations

from collections.abc import Mapping

from crossaccount.errors import key
from crossaccount.iam import ENTITY_PATH_RE, PATTERN_CHARACTERS, TAG_KEY_RE, TAG_VALUE_RE

from .federation import federated_keys
from .models import RoleSettings, UserSettings

TRUST_MODES = ("users", "path", "tag")


def _wildcards(text: str) -> list[str]:
    return [c for c in PATTERN_CHARACTERS if c in text]


def trust_mode_problems(
    users: Mapping[str, UserSettings], roles: Mapping[str, RoleSettings], stack_tags: Mapping[str, str]
) -> list[str]:
    """Every problem with the roles' trust modes, each naming its stack key."""
    problems: list[str] = []
    tag_owner: dict[tuple[str, str], tuple[str, str]] = {}  # (user, key lower-cased) -> (value, role)
    for name, role in roles.items():
        at = ("roles", name)
        if role.trusted_path is not None and role.trust != "path":
            problems.append(f"{key((*at, 'trustedPath'))}: set while trust is {role.trust!r}; expected trust: path, or remove it")
        if role.trusted_tag is not None and role.trust != "tag":
            problems.append(f"{key((*at, 'trustedTag'))}: set while trust is {role.trust!r}; expected trust: tag, or remove it")
        if role.trust != "users" and role.require_source_identity:
            problems.append(
                f"{key((*at, 'requireSourceIdentity'))}: true with trust: {role.trust}; pinning the source identity to each "
                "user's name needs a statement per user, expected trust: users (or requireSourceIdentity: false)"
            )
        if role.trust != "users" and (role.trusted_groups or role.trusted_roles or federated_keys(role)):
            listed = " and ".join(
                [k for k, v in (("trustedGroups", role.trusted_groups), ("trustedRoles", role.trusted_roles)) if v]
                + federated_keys(role)
            )
            problems.append(
                f"{key(at)}: {listed} with trust: {role.trust}; the account-wide modes trust IAM users only, "
                "expected the members in trustedUsers (or trust: users for groups, roles, permission sets and providers)"
            )
        if role.trust == "path":
            problems += _path_problems(name, role, users)
        elif role.trust == "tag":
            problems += _tag_problems(name, role, users, stack_tags, tag_owner)
    return problems


def _path_problems(name: str, role: RoleSettings, users: Mapping[str, UserSettings]) -> list[str]:
    at = ("roles", name, "trustedPath")
    path = role.trusted_path
    if path is None:
        return [f"{key(at)}: missing; trust: path needs the users' IAM path, e.g. /team-data/"]
    if wild := _wildcards(path):
        return [
            f"{key(at)}: got {path!r}, which holds {' and '.join(wild)}; ArnLike would read it as a pattern "
            "(or a policy variable) and trust more users than the path names: expected a literal path such as /team-data/"
        ]
    if not ENTITY_PATH_RE.match(path):
        return [f"{key(at)}: got {path!r}; expected /<printable ASCII>/ (at most 512 characters), e.g. /team-data/"]
    if path == "/":
        return [
            f"{key(at)}: got '/', which every user of the source account is under; expected a path of this team's "
            "users only, e.g. /team-data/ (or trust: users)"
        ]
    problems = []
    for i, user_name in enumerate(role.trusted_users):
        user = users.get(user_name)
        if user is not None and not user.path.startswith(path):
            problems.append(
                f"{key(('roles', name, 'trustedUsers', i))}: user {user_name!r} has path {user.path!r}, not under the "
                f"role's trustedPath {path!r}, so the trust policy would not let it in; expected its path to start with {path!r}"
            )
    return problems


def _tag_problems(
    name: str,
    role: RoleSettings,
    users: Mapping[str, UserSettings],
    stack_tags: Mapping[str, str],
    tag_owner: dict[tuple[str, str], tuple[str, str]],
) -> list[str]:
    at = ("roles", name, "trustedTag")
    tag = role.trusted_tag
    if tag is None:
        return [
            f"{key(at)}: missing; trust: tag needs {{key, value}}, the tag the trusted users carry, e.g. {{key: team, value: data}}"
        ]
    problems = []
    if not TAG_KEY_RE.match(tag.key) or tag.key.lower().startswith("aws:"):
        problems.append(
            f"{key((*at, 'key'))}: got {tag.key!r}; expected 1 to 128 characters of letters, digits, space and _.:/=+@- "
            "not starting with aws:"
        )
    if not TAG_VALUE_RE.match(tag.value):
        problems.append(
            f"{key((*at, 'value'))}: got {tag.value!r}; expected 1 to 256 characters of letters, digits, space and _.:/=+@- "
            "(no policy variable, no empty value)"
        )
    if problems:
        return problems
    lowered = tag.key.lower()
    for i, user_name in enumerate(role.trusted_users):
        user = users.get(user_name)
        if user is None:
            continue
        where = key(("roles", name, "trustedUsers", i))
        if not user.create:
            problems.append(
                f"{where}: user {user_name!r} has create: false, so this stack cannot tag it {tag.key}={tag.value}; "
                "expected a user this stack creates, or trust: users for this role"
            )
            continue
        for source, tags in (("its tags", user.tags), ("cross-account-roles:tags", stack_tags)):
            for k, v in tags.items():
                if k.lower() == lowered and (k, v) != (tag.key, tag.value):
                    problems.append(
                        f"{where}: user {user_name!r} would carry tag {k}={v} from {source} and {tag.key}={tag.value} "
                        "from this role's trustedTag; a user has one value per key (ignoring case): expected the same key and value"
                    )
        other = tag_owner.setdefault((user_name, lowered), (f"{tag.key}={tag.value}", name))
        if other[0] != f"{tag.key}={tag.value}":
            problems.append(
                f"{where}: user {user_name!r} would need tag {tag.key}={tag.value} for this role and {other[0]} for role "
                f"{other[1]!r}; a user has one value per key (ignoring case): expected the same trustedTag"
            )
    return problems
