"""What the read step hands the settings step: plain data, already read from disk.

The read step (`crossaccount.read`) is the only one that touches files; it fills these. The
settings step (`crossaccount.settings`) takes them and reads nothing. No I/O, no Pulumi.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import SettingsError

POLICY_FILE_RE = re.compile(r"^[A-Za-z0-9._-]+\.json\Z", re.ASCII)
"""A role's policyFiles entry: a plain file name in policies/ (no slash, so never a file of policies/source/)."""
POLICIES_DIR, SOURCE_POLICIES_DIR = "policies", "source"
"""policies/ beside the program; policies/source/ holds the documents of the source account."""
SELF_SERVICE_FILE = "self-service-credentials.json"
UNDECRYPTED = "undecrypted-secret"
"""What an offline read hands on in place of a `secure:` value it never decrypts (another
stack's secret `externalId`, as the people's stack reads it)."""
PROJECT_FILE = "Pulumi.yaml"
"""The project file, whose `config:` every stack inherits."""


@dataclass(frozen=True)
class PolicyFile:
    """A permission document read from policies/: its file name and compact JSON text."""

    file_name: str
    document: dict[str, Any]
    text: str


@dataclass(frozen=True)
class PolicyFolder:
    """One folder of policy documents as read: each `<name>.json` in it, or why it cannot be used.

    A name that is absent was not in the folder; `where` is the folder as problems name it
    (`policies/`), `path` as the file system does.
    """

    where: str
    path: str
    files: Mapping[str, PolicyFile | str] = field(default_factory=dict)
    """File name -> its document, or the problem found reading it (a text naming the file)."""


@dataclass(frozen=True)
class OtherStack:
    """Another stack of the same project, as far as the rules across stacks need it."""

    name: str
    file_name: str
    values: Mapping[str, Any] | None
    """Its `cross-account-roles:*` values (project config merged), or None when its file cannot
    be read: that is its own stack's error, reported when that stack is planned."""
    own_keys: frozenset[str] = frozenset()
    """The keys its own file sets (not inherited from `Pulumi.yaml`)."""
    problems: tuple[str, ...] = ()
    """Why its file cannot be read (when `values` is None): the read step's problems."""
    environments: tuple[str, ...] = ()
    """The Pulumi ESC environments its file imports, whose values no offline read and no other
    stack's program sees."""


@dataclass(frozen=True)
class ProjectFacts:
    """The project around a stack: the settings every stack inherits, and the other stacks."""

    project_values: Mapping[str, Any] = field(default_factory=dict)
    """`cross-account-roles:*` values of `Pulumi.yaml`'s config, keyed without namespace."""
    other_stacks: tuple[OtherStack, ...] = ()
    views: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Other stacks as the settings step parsed them, by name: filled on first use, and shared
    by the stacks of one organisation check, so that each stack file is parsed once."""


@dataclass(frozen=True)
class StackInput:
    """Everything the settings step needs for one stack."""

    stack: str
    raw: Mapping[str, Any]
    """The stack's `cross-account-roles:*` values, keyed without namespace, decoded as the program decodes them."""
    policies: PolicyFolder
    source_policies: PolicyFolder
    """policies/source/: documents of the source account (the self-service policy)."""
    secret_paths: frozenset[tuple[str, ...]] = frozenset()
    project: ProjectFacts = field(default_factory=ProjectFacts)
    environments: tuple[str, ...] = ()
    """The Pulumi ESC environments its stack file imports, whose values an offline read has not seen."""
    inherited: frozenset[str] = frozenset()
    """The keys whose value comes from `Pulumi.yaml`'s config (the stack file does not set them):
    a problem in one of them is reported against `Pulumi.yaml`, where the fix goes."""


class OrganisationError(SettingsError):
    """The `--organisation DIR` folder cannot be used: every problem found, each naming the file,
    the key and the value, and what is expected (crossaccount/read/organisation.py reads the
    files, crossaccount/access/organisation.py reads what they say). A `SettingsError`, so that
    every command prints it as one error and exits 2 (tools/__main__.py)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        listing = "\n".join(f"  - {p}" for p in problems)
        Exception.__init__(
            self, f"{len(problems)} problem(s) in the organisation's folder; its policies were not read:\n{listing}"
        )


@dataclass(frozen=True)
class OrganisationFolder:
    """The files of an `--organisation DIR` folder as the read step parsed them (strict JSON)."""

    where: str
    """The folder as problems name it (what the user typed, ending in `/`)."""
    files: Mapping[str, Any]
    """File name (`roots.json`, `policy-p-abc12345.json`, ...) -> its JSON, as AWS's CLI printed it."""
    contents: Mapping[str, Any] = field(default_factory=dict)
    """`policy-<id>.json` -> its `Policy.Content` (a JSON document in a string) parsed strictly."""
