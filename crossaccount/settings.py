"""The stack's settings, read once into typed objects.

Everything a stack file can say is declared here, with its default. `load_settings` turns the
raw `cross-account-roles:*` config values into a `StackSettings`, or raises one
`SettingsError` that lists every problem with its key path, the value received and what is
expected. Nothing here touches the Pulumi runtime: the program, the offline plan, `check`
and `verify` all call the same function.
"""

from __future__ import annotations

import json
import re
import stat
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic.alias_generators import to_camel

from . import NAMESPACE as _NAMESPACE

NAMESPACE = _NAMESPACE
"""The project name, the prefix of every config key (defined in `crossaccount/__init__.py`)."""

KEYS = ("source", "target", "users", "roles", "tags", "policyWaivers", "groups", "selfService", "passwordPolicy")

# IAM's own limits (../shared/IAM-FACTS.md).
ACCOUNT_ID_RE = re.compile(r"^\d{12}\Z", re.ASCII)
REGION_RE = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d\Z", re.ASCII)
IAM_NAME_RE = re.compile(r"^[\w+=,.@-]{1,64}\Z", re.ASCII)
GROUP_NAME_RE = re.compile(r"^[\w+=,.@-]{1,128}\Z", re.ASCII)
"""IAM's CreateGroup takes 1 to 128 characters (users and roles: 64)."""
ENTITY_PATH_RE = re.compile(r"^(/|/[\x21-\x7E]{1,510}/)\Z", re.ASCII)
EXTERNAL_ID_RE = re.compile(r"^[\w+=,.@:/-]{2,1224}\Z", re.ASCII)
ROLE_ARN_RE = re.compile(r"^arn:aws(-cn|-us-gov)?:iam::\d{12}:role/([\x21-\x7E]*/)?[\w+=,.@-]{1,64}\Z", re.ASCII)
POLICY_ARN_RE = re.compile(
    r"^arn:aws(-cn|-us-gov)?:iam::(\d{12}|aws):policy/([A-Za-z0-9.,+@=_-]+/)*[\w+=,.@-]{1,128}\Z", re.ASCII
)
PATH_METACHARACTERS = ("*", "?", "${")
"""In a path that is pasted into an ARN in a policy, these are a wildcard or a policy variable."""
MIN_SESSION_NAME = 2
"""STS: RoleSessionName and SourceIdentity are 2 to 64 characters (both are the user's name here)."""
TAG_PUNCTUATION = frozenset("_.:/=+-@")
PROFILE_NAME_RE = re.compile(r"^[A-Za-z0-9+=,.@_:/-]{1,128}\Z", re.ASCII)
"""A profile name that works in `[profile NAME]` and on a command line unquoted."""
POLICY_FILE_RE = re.compile(r"^[A-Za-z0-9._-]+\.json\Z", re.ASCII)
SMOKE_ACTION_RE = re.compile(r"^[a-z0-9-]+:[A-Z][A-Za-z0-9]+\Z", re.ASCII)
MIN_SESSION, MAX_SESSION = 3600, 43200
MAX_TAGS = 50
MAX_ATTACHED_POLICIES = 10
MANAGED_POLICY_SIZE = 6144
"""Characters of a customer managed policy, whitespace not counted."""
SOURCE_POLICIES_DIR = "source"
"""policies/source/: documents of the source account. A role's policyFiles entry is a plain
file name (POLICY_FILE_RE has no slash), so no role can ever name a file in here."""
SELF_SERVICE_FILE = "self-service-credentials.json"


class SettingsError(Exception):
    """Every problem found in a stack's settings, reported together.

    `outcome` says what did not happen because of them: for the program, that nothing was
    created; for `verify`, that no AWS call was made.
    """

    def __init__(self, problems: list[str], outcome: str = "nothing was created"):
        self.problems = problems
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the stack settings; {outcome}:\n{listing}")


class _Model(BaseModel):
    """Stack-file keys are camelCase; unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=False, extra="forbid", frozen=True, strict=True)


class AccountSettings(_Model):
    """One side of the pair: where the provider for that account points."""

    account_id: str = Field(description="The account's 12-digit id, as a string.")
    region: str = Field(description="The provider's region, e.g. eu-north-1.")
    profile: str | None = Field(None, description="A named profile in ~/.aws/config.")
    role_arn: str | None = Field(None, description="A role the provider assumes to deploy (CI has no profiles).")

    @property
    def partition(self) -> str:
        if self.region.startswith("cn-"):
            return "aws-cn"
        if self.region.startswith("us-gov-"):
            return "aws-us-gov"
        return "aws"


class UserSettings(_Model):
    """An IAM user in the source account that may assume roles of this stack."""

    create: bool = Field(True, description="False: the user exists (owned elsewhere); only referenced.")
    path: str = Field("/", description="The user's IAM path.")
    mfa_device_name: str | None = Field(None, description="Name of the user's virtual MFA device (default: the user name).")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags on the user.")
    import_: bool = Field(
        False, alias="import", description="Adopt the existing IAM user of this name (Pulumi's import option, id: the name)."
    )
    profile: str | None = Field(
        None,
        description="The profile with this user's own credentials on the person's machine (default: <user>@<source account>).",
    )
    console_access: bool = Field(False, description="Create a console login profile (password reset at first sign-in).")
    pgp_key: str | None = Field(
        None, description="keybase:<user> or a base64 PGP public key: the initial password is encrypted to it."
    )


class GroupSettings(_Model):
    """An IAM group in the source account, created by this stack, with members of this stack."""

    members: list[str] = Field(default_factory=list, description="Users (declared under users) added to the group.")
    path: str = Field("/", description="The group's IAM path.")
    managed_policy_arns: list[str] = Field(
        default_factory=list, description="Existing managed policies of the source account (or AWS's) to attach."
    )


class SelfServiceSettings(_Model):
    """The policy that lets each user of this stack manage their own credentials (crossaccount.selfservice)."""

    enabled: bool = Field(True, description="Attach the self-service policy to every user this stack creates.")
    enforce_mfa: bool = Field(True, description="Deny everything but MFA enrolment and password change until signed in with MFA.")


class PasswordPolicySettings(_Model):
    """The source account's password policy; the stack that sets this key owns it.

    Defaults: the AWS Config managed rule iam-password-policy's (length 14, reuse 24, age 90,
    all four character classes), https://docs.aws.amazon.com/config/latest/developerguide/iam-password-policy.html
    """

    minimum_password_length: int = Field(14, description="6 to 128.")
    require_uppercase_characters: bool = True
    require_lowercase_characters: bool = True
    require_numbers: bool = True
    require_symbols: bool = True
    password_reuse_prevention: int | None = Field(24, description="1 to 24 previous passwords; null: none.")
    max_password_age: int | None = Field(90, description="1 to 1,095 days; null: passwords never expire.")
    allow_users_to_change_password: bool = True
    hard_expiry: bool = Field(False, description="True: an expired password can only be reset by an administrator.")


class SmokeCheck(_Model):
    """One call that `verify` makes with the role's session, and what must happen."""

    action: str = Field(description="service:Operation as boto3 names it, e.g. s3:ListBuckets.")
    params: dict[str, Any] = Field(default_factory=dict, description="The call's parameters.")
    expect: Literal["allow", "deny"] = Field("allow", description="allow: must succeed; deny: must be AccessDenied.")


class TrustedTag(_Model):
    """`trust: tag`: the tag a source-account user must carry (the program tags the users it owns)."""

    key: str = Field(description="The tag key, e.g. team.")
    value: str = Field(description="The tag value, e.g. data.")


class RoleSettings(_Model):
    """A role in the target account and who may assume it."""

    trusted_users: list[str] = Field(
        default_factory=list, description="Names of users (declared under users) that may assume it."
    )
    trusted_groups: list[str] = Field(
        default_factory=list, description="Groups (declared under groups): their members' ARNs are written in the trust policy."
    )
    trusted_roles: list[str] = Field(
        default_factory=list, description="ARNs of existing roles in the source account, in a trust statement of their own."
    )
    require_mfa_for_roles: bool | None = Field(
        None, description="MFA rule of the trustedRoles statement; default: the same as requireMfa."
    )
    trust: Literal["users", "path", "tag"] = Field(
        "users", description="How the trust policy names them: exact user ARNs, a user path, or a user tag."
    )
    trusted_path: str | None = Field(None, description="trust: path: the users' IAM path, e.g. /team-data/.")
    trusted_tag: TrustedTag | None = Field(None, description="trust: tag: the tag key and value the users carry.")
    description: str = Field("", description="The role's description.")
    policy_files: list[str] = Field(default_factory=list, description="Permission documents, relative to policies/.")
    managed_policy_arns: list[str] = Field(default_factory=list, description="Existing managed policies to attach.")
    require_mfa: bool = Field(True, description="Trust only sessions signed in with MFA.")
    mfa_max_age_seconds: int | None = Field(None, description="Also require MFA no older than this.")
    external_id: str | None = Field(None, description="Require this sts:ExternalId (third parties).")
    allow_session_tags: bool = Field(False, description="Allow sts:TagSession.")
    require_source_identity: bool = Field(False, description="Require source identity = the user name.")
    max_session_duration: int = Field(MIN_SESSION, description="Longest session, 3,600 to 43,200 seconds.")
    path: str = Field("/", description="The role's IAM path.")
    permissions_boundary: str | None = Field(None, description="ARN of a permissions boundary policy.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags on the role and its policies.")
    checks: list[SmokeCheck] = Field(default_factory=list, description="What `verify` proves after deploy.")
    waivers: dict[str, str] = Field(
        default_factory=dict, description="Guardrail rules waived for this role: rule id -> why (shown in the plan)."
    )
    import_: bool = Field(
        False, alias="import", description="Adopt the existing IAM role of this name (Pulumi's import option, id: the name)."
    )
    import_policies: bool = Field(
        False, description="Adopt the existing policies made from policyFiles (id: ARN) and every attachment (id: role/ARN)."
    )


@dataclass(frozen=True)
class PolicyFile:
    """A permission document read from policies/: its file name and compact JSON text."""

    file_name: str
    document: dict[str, Any]
    text: str


class StackSettings(_Model):
    """Everything one stack (one pair of accounts) says."""

    source: AccountSettings
    target: AccountSettings
    users: dict[str, UserSettings]
    roles: dict[str, RoleSettings]
    tags: dict[str, str] = Field(default_factory=dict, description="Tags applied to everything.")
    policy_waivers: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="Guardrail rules waived for one file of policies/: file name -> {rule id: why}."
    )
    groups: dict[str, GroupSettings] = Field(default_factory=dict, description="Groups of the source account.")
    self_service: SelfServiceSettings = Field(default_factory=SelfServiceSettings, description="Self-service credentials.")
    password_policy: PasswordPolicySettings | None = Field(
        None, description="The source account's password policy, owned by this stack when set."
    )


@dataclass(frozen=True)
class LoadedSettings:
    """The parsed settings plus the policy documents they name, as loaded from disk."""

    stack: str
    settings: StackSettings
    policy_files: Mapping[str, PolicyFile]
    source_documents: Mapping[str, PolicyFile] = field(default_factory=dict)
    """Documents of the source account read from policies/source/ (the self-service policy)."""
    secret_paths: frozenset[tuple[str, ...]] = frozenset()
    """Settings that hold a secret, e.g. `("roles", "deploy", "externalId")`: outputs that
    contain them are Pulumi secrets, and the offline plan shows `[secret]`."""

    def is_secret(self, *path: str) -> bool:
        return tuple(path) in self.secret_paths


def key(path: tuple[str | int, ...]) -> str:
    """`('roles', 's3-list-role', 'path')` -> `cross-account-roles:roles.s3-list-role.path`."""
    head, *rest = path
    text = f"{NAMESPACE}:{head}"
    for part in rest:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _show(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _expected_type(item: Any, loc: tuple[Any, ...]) -> str:
    if loc and loc[-1] == "accountId":
        return 'a 12-digit account id as a quoted string, e.g. "111122223333" (unquoted, YAML reads it as a number)'
    value = item.get("input")
    if item["type"] == "string_type" and isinstance(value, bool):
        return f'a string; {json.dumps(value)} unquoted is a boolean to the engine: quote it, e.g. "{json.dumps(value)}"'
    if item["type"] == "string_type" and isinstance(value, int | float):
        return f'a string; {value} unquoted is a number to the engine: quote it, e.g. "{value}"'
    return {
        "string_type": "a string",
        "bool_type": "true or false",
        "int_type": "a whole number",
        "dict_type": "a mapping",
        "model_type": "a mapping",
        "list_type": "a list",
    }.get(item["type"], str(item["msg"]).removeprefix("Input should be ").lower())


def _pydantic_problems(error: ValidationError, at: tuple[str | int, ...]) -> list[str]:
    problems = []
    for item in error.errors():
        loc = (*at, *item["loc"])
        if item["type"] == "missing":
            problems.append(f"{key(loc)}: missing; {_expected_for(loc)}")
        elif item["type"] == "extra_forbidden":
            problems.append(f"{key(loc)}: unknown key (value {_show(item['input'])}); see the README's settings reference")
        else:
            problems.append(f"{key(loc)}: got {_show(item['input'])}; expected {_expected_type(item, loc)}")
    return problems


_M = TypeVar("_M", bound=BaseModel)
_TAGS = TypeAdapter(dict[str, str], config=ConfigDict(strict=True))
_POLICY_WAIVERS = TypeAdapter(dict[str, dict[str, str]], config=ConfigDict(strict=True))


def _parse(model: type[_M], value: Any, at: tuple[str | int, ...], problems: list[str]) -> _M | None:
    """One part of the settings, or None with its problems added (the other parts still get checked)."""
    try:
        return model.model_validate(value)
    except ValidationError as error:
        problems.extend(_pydantic_problems(error, at))
        return None


def _parse_mapping(raw: Mapping[str, Any], name: str, problems: list[str]) -> dict[str, Any]:
    value = raw.get(name)
    if value is None:
        problems.append(f"{key((name,))}: missing; {_expected_for((name,))}")
        return {}
    if not isinstance(value, dict):
        problems.append(f"{key((name,))}: got {_show(value)}; {_expected_for((name,))}")
        return {}
    return value


def _parse_optional_mapping(raw: Mapping[str, Any], name: str, problems: list[str]) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        problems.append(f"{key((name,))}: got {_show(value)}; expected a mapping of name to settings")
        return {}
    return value


def _expected_for(loc: tuple[Any, ...]) -> str:
    leaf = loc[-1]
    return {
        "accountId": 'expected a 12-digit account id as a quoted string, e.g. "111122223333"',
        "region": "expected an AWS region, e.g. eu-north-1",
        "trustedUsers": "expected a list of user names declared under cross-account-roles:users",
        "source": "expected a mapping with accountId and region",
        "target": "expected a mapping with accountId and region",
        "users": "expected a mapping of user name to user settings",
        "roles": "expected a mapping of role name to role settings",
        "action": "expected service:Operation, e.g. s3:ListBuckets",
    }.get(str(leaf), "this key is required")


def _check_tags(
    tags: Mapping[str, str], path: tuple[str | int, ...], problems: list[str], inherited: Mapping[str, str] | None = None
) -> None:
    """Each tag's key and value; the count includes the stack-wide tags the entity inherits."""
    total = len({**(inherited or {}), **tags})
    if total > MAX_TAGS:
        with_inherited = " (with cross-account-roles:tags)" if inherited else ""
        problems.append(f"{key(path)}: {total} tags{with_inherited}; expected at most {MAX_TAGS}")
    for k, v in tags.items():
        if not 1 <= len(k) <= 128:
            problems.append(f"{key(path)}: tag key {_show(k)} has {len(k)} characters; expected 1 to 128")
        if k.lower().startswith("aws:"):
            problems.append(f"{key(path)}: tag key {_show(k)} uses the reserved prefix aws:; choose another key")
        if len(v) > 256:
            problems.append(f"{key(path)}.{k}: tag value has {len(v)} characters; expected at most 256")
        for what, text in (("key", k), ("value", v)):
            bad = _bad_tag_characters(text)
            if bad:
                problems.append(
                    f"{key(path)}.{k}: tag {what} {_show(text)} has characters IAM refuses ({bad}); "
                    "expected letters, digits, spaces and _.:/=+-@"
                )
    _check_unique_ignoring_case(list({**(inherited or {}), **tags}), path, "tag key", problems)


def _bad_tag_characters(text: str) -> str:
    """IAM's tag pattern `[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*`: letters, separators, numbers, six marks."""
    bad = sorted({ch for ch in text if ch not in TAG_PUNCTUATION and unicodedata.category(ch)[0] not in ("L", "Z", "N")})
    return ", ".join(f"U+{ord(ch):04X} {json.dumps(ch)}" for ch in bad)


def _check_account(acc: AccountSettings, side: str, problems: list[str]) -> None:
    if not ACCOUNT_ID_RE.match(acc.account_id):
        problems.append(f"{key((side, 'accountId'))}: got {_show(acc.account_id)}; expected exactly 12 digits as a quoted string")
    if not REGION_RE.match(acc.region):
        problems.append(f"{key((side, 'region'))}: got {_show(acc.region)}; expected an AWS region such as eu-north-1")
    if acc.profile is not None and acc.role_arn is not None:
        problems.append(
            f"{key((side,))}: both profile and roleArn are set; expected one of them (or neither, for environment credentials)"
        )
    if acc.profile is not None and not acc.profile.strip():
        problems.append(f"{key((side, 'profile'))}: got an empty string; expected a profile name")
    if acc.role_arn is not None:
        if not ROLE_ARN_RE.match(acc.role_arn):
            problems.append(f"{key((side, 'roleArn'))}: got {_show(acc.role_arn)}; expected arn:aws:iam::<12 digits>:role/<name>")
        elif _arn_partition(acc.role_arn) != acc.partition:
            problems.append(
                f"{key((side, 'roleArn'))}: got {_show(acc.role_arn)}; expected an ARN of partition {acc.partition} ({side}.region {acc.region})"
            )
        elif acc.role_arn.split(":")[4] != acc.account_id:
            problems.append(
                f"{key((side, 'roleArn'))}: got {_show(acc.role_arn)}; expected a role in account {acc.account_id} ({side}.accountId)"
            )


def _check_name(name: str, path: tuple[str | int, ...], what: str, problems: list[str]) -> None:
    if not IAM_NAME_RE.match(name):
        problems.append(
            f"{key(path)}: {what} name {_show(name)} is not valid; expected 1 to 64 characters of letters, digits and +=,.@_-"
        )
    elif what == "user" and len(name) < MIN_SESSION_NAME:
        problems.append(
            f"{key(path)}: user name {_show(name)} is shorter than {MIN_SESSION_NAME} characters; it is the role session "
            "name and source identity, which STS takes from 2 to 64 characters"
        )


def _check_path(value: str, path: tuple[str | int, ...], problems: list[str]) -> None:
    if not ENTITY_PATH_RE.match(value):
        problems.append(f"{key(path)}: got {_show(value)}; expected / or /<printable ASCII>/ (at most 512 characters)")
    found = [m for m in PATH_METACHARACTERS if m in value]
    if found:
        problems.append(
            f"{key(path)}: got {_show(value)}; {' and '.join(found)} in a path becomes a wildcard or a policy variable "
            "in the ARNs this stack writes into policies: expected a path without them"
        )


def _arn_partition(arn: str) -> str:
    return arn.split(":")[1]


def _check_declared(
    names: list[str], declared: Mapping[str, Any], path: tuple[str | int, ...], what: str, under: str, problems: list[str]
) -> None:
    """Each name in a list (trustedUsers, trustedGroups, a group's members) is declared under `under`, and listed once."""
    for i, name in enumerate(names):
        if name not in declared:
            problems.append(
                f"{key((*path, i))}: {what} {_show(name)} is not declared under {key((under,))}; "
                f"expected one of {', '.join(sorted(declared)) or '(none declared)'}"
            )
    if len(set(names)) != len(names):
        problems.append(f"{key(path)}: lists a {what} twice; expected each {what} once")


def _check_unique_ignoring_case(names: list[str], path: tuple[str | int, ...], what: str, problems: list[str]) -> None:
    seen: dict[str, str] = {}
    for name in names:
        other = seen.setdefault(name.lower(), name)
        if other != name:
            problems.append(
                f"{key(path)}: {what} names {_show(other)} and {_show(name)} differ only in case; IAM treats them as one"
            )


def _check_waivers(waivers: Mapping[str, str], path: tuple[str | int, ...], problems: list[str]) -> None:
    """A waiver names a rule and says why; whether the rule exists is the guardrails' call (WAIVER_INVALID)."""
    for rule_id, reason in waivers.items():
        if not rule_id.strip():
            problems.append(f"{key(path)}: a waiver with an empty rule id; expected a rule id such as RESOURCE_STAR")
        if not reason.strip():
            problems.append(
                f"{key((*path, rule_id))}: got {_show(reason)}; expected the reason for waiving {rule_id} (it is shown in the plan)"
            )


MAX_POLICY_FILE_BYTES = 64 << 10
"""Ten times IAM's largest policy (6,144 characters without whitespace): anything larger is not a policy."""
MAX_POLICY_DEPTH = 16
"""A policy nests 5 deep (Statement, item, Condition, operator, key); 16 leaves room for any real one."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (AWS refuses it)")


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A reviewer reads one of two equal keys and AWS another: refuse both."""
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise ValueError(f"the key {name!r} appears twice in one object; a reviewer and AWS may read different ones")
        result[name] = value
    return result


def _json_depth(value: Any) -> int:
    depth, level = 0, [value]
    while level:
        depth += 1
        level = [
            v for item in level if isinstance(item, dict | list) for v in (item.values() if isinstance(item, dict) else item)
        ]
    return depth - 1


def load_policy_file(policies_dir: Path, file_name: str) -> tuple[PolicyFile | None, str | None]:  # noqa: PLR0911 (one return per refusal)
    """Read one permission document. Returns the file or a problem text naming it.

    Refused: names that leave policies/, symbolic links that resolve outside it, anything but
    a regular file (a FIFO would block the read), files too large to be a policy, text that
    is not UTF-8, duplicate keys, NaN/Infinity, and nesting deeper than any policy.
    """
    where = f"policies/{file_name}"
    if not POLICY_FILE_RE.match(file_name):
        return None, f"{where}: not a plain file name; expected <name>.json inside policies/ (letters, digits, . _ -)"
    path = policies_dir / file_name
    try:
        resolved = path.resolve(strict=True)
        if not resolved.is_relative_to(policies_dir.resolve(strict=True)):
            return None, f"{where}: a symbolic link to {resolved}, outside policies/; expected the document itself in policies/"
        info = resolved.stat()
    except FileNotFoundError:
        return None, f"{where}: file not found in {policies_dir}; expected a JSON policy document there"
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link loop
        return None, f"{where}: cannot be read ({exc}); expected a JSON policy document"
    if not stat.S_ISREG(info.st_mode):
        return None, f"{where}: not a regular file; expected a JSON policy document"
    if info.st_size > MAX_POLICY_FILE_BYTES:
        return None, f"{where}: {info.st_size:,} bytes; expected a policy document (at most {MAX_POLICY_FILE_BYTES:,} bytes)"
    try:
        raw = resolved.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start}); expected a JSON policy document"
    except OSError as exc:
        return None, f"{where}: cannot be read ({exc.strerror}); expected a JSON policy document"
    try:
        document = json.loads(raw, parse_constant=_refuse_constant, object_pairs_hook=_refuse_duplicate_keys)
    except json.JSONDecodeError as exc:
        return (
            None,
            f"{where}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); expected a JSON policy document",
        )
    except ValueError as exc:
        return None, f"{where}: {exc}; expected a JSON policy document"
    except RecursionError:
        return None, f"{where}: nested too deeply to be a policy; expected a JSON policy document"
    if _json_depth(document) > MAX_POLICY_DEPTH:
        return None, f"{where}: nested more than {MAX_POLICY_DEPTH} levels deep; expected a JSON policy document"
    if not isinstance(document, dict) or "Statement" not in document:
        return None, f"{where}: got {_show(document)}; expected a JSON object with Version and Statement"
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return PolicyFile(file_name, document, text), None


def load_settings(
    stack: str,
    raw: Mapping[str, Any],
    policies_dir: Path,
    secret_paths: frozenset[tuple[str, ...]] = frozenset(),
) -> LoadedSettings:
    """Parse the stack's `cross-account-roles:*` values, as `crossaccount.stack_file` decodes them.

    `raw` maps the key without namespace (`source`, `roles`, ...) to its value; `secret_paths`
    names the settings that hold a secret. Raises `SettingsError` with every problem found.
    """
    # The checks of groups, trusted roles, console sign-in and the password policy live in
    # their own module, which reads the models declared here: imported here, not at the top.
    from . import people  # noqa: PLC0415

    problems: list[str] = []
    unknown = sorted(set(raw) - set(KEYS))
    for name in unknown:
        problems.append(f"{key((name,))}: unknown key; expected one of {', '.join(KEYS)}")
    if not IAM_NAME_RE.match(stack) or len(stack) > 40:
        problems.append(
            f"stack name {_show(stack)}: expected 1 to 40 characters of letters, digits and +=,.@_- (it is part of policy names)"
        )
    source = _parse(AccountSettings, raw.get("source"), ("source",), problems) if "source" in raw else None
    target = _parse(AccountSettings, raw.get("target"), ("target",), problems) if "target" in raw else None
    for side in ("source", "target"):
        if side not in raw:
            problems.append(f"{key((side,))}: missing; {_expected_for((side,))}")
    tags: dict[str, str] = {}
    try:
        tags = _TAGS.validate_python(raw.get("tags", {}))
    except ValidationError as error:
        problems.extend(_pydantic_problems(error, ("tags",)))
    policy_waivers: dict[str, dict[str, str]] = {}
    try:
        policy_waivers = _POLICY_WAIVERS.validate_python(raw.get("policyWaivers", {}))
    except ValidationError as error:
        problems.extend(_pydantic_problems(error, ("policyWaivers",)))
    raw_users = _parse_mapping(raw, "users", problems)
    raw_roles = _parse_mapping(raw, "roles", problems)
    users = {n: u for n, v in raw_users.items() if (u := _parse(UserSettings, v, ("users", n), problems))}
    roles = {n: r for n, v in raw_roles.items() if (r := _parse(RoleSettings, v, ("roles", n), problems))}
    raw_groups = _parse_optional_mapping(raw, "groups", problems)
    groups = {n: g for n, v in raw_groups.items() if (g := _parse(GroupSettings, v, ("groups", n), problems))}
    self_service = _parse(SelfServiceSettings, raw.get("selfService", {}), ("selfService",), problems)
    password_policy = (
        _parse(PasswordPolicySettings, raw["passwordPolicy"], ("passwordPolicy",), problems) if "passwordPolicy" in raw else None
    )

    if source is not None:
        _check_account(source, "source", problems)
    if target is not None:
        _check_account(target, "target", problems)
    if source is not None and target is not None and source.partition != target.partition:
        problems.append(
            f"{key(('target', 'region'))}: {target.region} is in partition {target.partition}, the source account's "
            f"region {source.region} in {source.partition}; a role cannot trust a user of another partition: "
            "expected regions of one partition"
        )
    partition = target.partition if target is not None else None
    _check_tags(tags, ("tags",), problems)
    if "users" in raw and not raw_users:
        problems.append(f"{key(('users',))}: empty; expected at least one user")
    if "roles" in raw and not raw_roles:
        problems.append(f"{key(('roles',))}: empty; expected at least one role")
    _check_unique_ignoring_case(list(raw_users), ("users",), "user", problems)
    _check_unique_ignoring_case(list(raw_roles), ("roles",), "role", problems)
    for name in raw_users:
        _check_name(name, ("users", name), "user", problems)
    for name in raw_roles:
        _check_name(name, ("roles", name), "role", problems)

    trusted_anywhere = {u for r in roles.values() for u in people.trusted_user_names(r, groups)}
    for name, user in users.items():
        _check_path(user.path, ("users", name, "path"), problems)
        if user.mfa_device_name is not None:
            _check_name(user.mfa_device_name, ("users", name, "mfaDeviceName"), "MFA device", problems)
        _check_tags(user.tags, ("users", name, "tags"), problems, inherited=tags)
        if raw_roles and len(roles) == len(raw_roles) and len(groups) == len(raw_groups) and name not in trusted_anywhere:
            problems.append(
                f"{key(('users', name))}: no role lists this user in trustedUsers or one of its groups in trustedGroups; "
                "expected every declared user to be trusted by a role"
            )
        if user.profile is not None and not PROFILE_NAME_RE.match(user.profile):
            problems.append(
                f"{key(('users', name, 'profile'))}: got {_show(user.profile)}; expected a profile name of 1 to 128 "
                "letters, digits and +=,.@_:/- (no spaces or brackets: it is written as [profile NAME])"
            )
        if not user.create and user.import_:
            problems.append(
                f"{key(('users', name, 'import'))}: set on a user with create: false; import adopts a user into this stack, "
                "which a user with create: false is not (set create: true to adopt it)"
            )
        if not user.create and user.tags:
            problems.append(
                f"{key(('users', name, 'tags'))}: set on a user with create: false; tags belong to the stack that owns the user"
            )

    policies: dict[str, PolicyFile] = {}
    files: dict[str, tuple[PolicyFile | None, str | None]] = {}
    for name, role in roles.items():
        at = ("roles", name)
        _check_path(role.path, (*at, "path"), problems)
        if len(role.path) - 1 + len(name) > 64:
            problems.append(
                f"{key((*at, 'path'))}: path {_show(role.path)} plus role name is {len(role.path) - 1 + len(name)} characters; "
                "the console's switch-role page takes at most 64"
            )
        if len(role.description) > 1000:
            problems.append(f"{key((*at, 'description'))}: {len(role.description)} characters; expected at most 1,000")
        if not MIN_SESSION <= role.max_session_duration <= MAX_SESSION:
            problems.append(
                f"{key((*at, 'maxSessionDuration'))}: got {role.max_session_duration}; expected {MIN_SESSION} to {MAX_SESSION} seconds"
            )
        if role.mfa_max_age_seconds is not None:
            if not role.require_mfa:
                problems.append(f"{key((*at, 'mfaMaxAgeSeconds'))}: set while requireMfa is false; expected requireMfa: true")
            if not 900 <= role.mfa_max_age_seconds <= 129600:
                problems.append(
                    f"{key((*at, 'mfaMaxAgeSeconds'))}: got {role.mfa_max_age_seconds}; expected 900 to 129600 seconds"
                )
        if role.external_id is not None and not EXTERNAL_ID_RE.match(role.external_id):
            problems.append(
                f"{key((*at, 'externalId'))}: got {_show(role.external_id)}; expected 2 to 1,224 characters of letters, digits and +=,.@:/_-"
            )
        if role.permissions_boundary is not None and not POLICY_ARN_RE.match(role.permissions_boundary):
            problems.append(f"{key((*at, 'permissionsBoundary'))}: got {_show(role.permissions_boundary)}; expected a policy ARN")
        elif role.permissions_boundary is not None and target is not None:
            boundary = role.permissions_boundary
            if _arn_partition(boundary) != partition:
                problems.append(
                    f"{key((*at, 'permissionsBoundary'))}: got {_show(boundary)}; expected an ARN of partition {partition} "
                    f"(target.region {target.region})"
                )
            if boundary.split(":")[4] not in (target.account_id, "aws"):
                problems.append(
                    f"{key((*at, 'permissionsBoundary'))}: got {_show(boundary)}; a permissions boundary must be a policy of "
                    f"the target account {target.account_id} or an AWS managed policy (arn:{partition}:iam::aws:policy/...)"
                )
        _check_tags(role.tags, (*at, "tags"), problems, inherited=tags)
        if not role.trusted_users and not role.trusted_groups and not role.trusted_roles:
            problems.append(
                f"{key((*at, 'trustedUsers'))}: empty, and no trustedGroups or trustedRoles; expected at least one principal"
            )
        _check_declared(role.trusted_users, raw_users, (*at, "trustedUsers"), "user", "users", problems)
        if not role.policy_files and not role.managed_policy_arns:
            problems.append(f"{key(at)}: neither policyFiles nor managedPolicyArns; expected at least one permission source")
        seen_arns: dict[str, int] = {}
        for i, arn in enumerate(role.managed_policy_arns):
            if not POLICY_ARN_RE.match(arn):
                problems.append(
                    f"{key((*at, 'managedPolicyArns', i))}: got {_show(arn)}; expected a policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess"
                )
            elif partition is not None and _arn_partition(arn) != partition:
                problems.append(
                    f"{key((*at, 'managedPolicyArns', i))}: got {_show(arn)}; expected an ARN of partition {partition} "
                    "(the target account's)"
                )
            first = seen_arns.setdefault(arn.lower(), i)
            if first != i:
                problems.append(
                    f"{key((*at, 'managedPolicyArns', i))}: {_show(arn)} is also managedPolicyArns[{first}] (IAM ignores case); "
                    "expected each policy once"
                )
        attached = len(role.policy_files) + len(role.managed_policy_arns)
        if attached > MAX_ATTACHED_POLICIES:
            problems.append(
                f"{key(at)}: {attached} managed policies (policyFiles plus managedPolicyArns); AWS attaches at most {MAX_ATTACHED_POLICIES} to a role"
            )
        if len(set(role.policy_files)) != len(role.policy_files):
            problems.append(f"{key((*at, 'policyFiles'))}: lists a file twice; expected each file once")
        for i, file_name in enumerate(role.policy_files):
            if file_name not in files:  # each file is read and reported once, whoever names it
                files[file_name] = load_policy_file(policies_dir, file_name)
                loaded, problem = files[file_name]
                if problem is not None:
                    problems.append(f"{key((*at, 'policyFiles', i))}: {problem}")
                elif loaded is not None:
                    policies[file_name] = loaded
        _check_waivers(role.waivers, (*at, "waivers"), problems)
        for i, check in enumerate(role.checks):
            if not SMOKE_ACTION_RE.match(check.action):
                problems.append(
                    f"{key((*at, 'checks', i, 'action'))}: got {_show(check.action)}; expected service:Operation, e.g. s3:ListBuckets"
                )

    # Trust modes (users, path, tag) are checked in their own module; imported here because
    # that module builds on this one's models.
    from .trust_modes import trust_mode_problems  # noqa: PLC0415 (trust_modes imports this module)

    problems += trust_mode_problems(users, roles, tags)

    used_files = sorted({f for role in roles.values() for f in role.policy_files})
    for file_name, waivers in policy_waivers.items():
        if file_name not in used_files:
            problems.append(
                f"{key(('policyWaivers', file_name))}: no role lists this file in policyFiles; "
                f"expected one of {', '.join(used_files) or '(no policy files)'}"
            )
        _check_waivers(waivers, ("policyWaivers", file_name), problems)

    source_documents: dict[str, PolicyFile] = {}
    if source is not None and self_service is not None and len(groups) == len(raw_groups):
        people.check_people(source, users, roles, groups, self_service, password_policy, problems)
        if self_service.enabled and any(u.create for u in users.values()):
            loaded_doc, problem = load_policy_file(policies_dir / SOURCE_POLICIES_DIR, SELF_SERVICE_FILE)
            if problem is not None:
                problems.append(f"{key(('selfService',))}: {problem.replace('policies/', f'policies/{SOURCE_POLICIES_DIR}/', 1)}")
            elif loaded_doc is not None:
                source_documents[SELF_SERVICE_FILE] = loaded_doc

    if problems or source is None or target is None:
        raise SettingsError(problems)
    settings = StackSettings.model_validate(
        {
            "source": source,
            "target": target,
            "users": users,
            "roles": roles,
            "tags": tags,
            "policyWaivers": policy_waivers,
            "groups": groups,
            "selfService": self_service,
            "passwordPolicy": password_policy,
        }
    )
    return LoadedSettings(
        stack=stack,
        settings=settings,
        policy_files=dict(sorted(policies.items())),
        source_documents=source_documents,
        secret_paths=secret_paths,
    )


def read_stack_file(path: Path) -> dict[str, Any]:
    """The `cross-account-roles:*` values of `path` (a `Pulumi.<stack>.yaml`), keyed without
    namespace, decoded exactly as the program decodes what the engine passes
    (`crossaccount.stack_file`; project-level values from the `Pulumi.yaml` beside it included)."""
    from .stack_file import decode_engine_config, read_engine_config  # noqa: PLC0415 (stack_file imports this module)

    stack = path.name.removeprefix("Pulumi.").removesuffix(".yaml")
    return decode_engine_config(read_engine_config(path.parent, stack)).raw
