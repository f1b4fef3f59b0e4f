"""Read: the only step that touches files.

YAML as the engine reads it (`yaml`), the engine's configuration map and its one decoding
(`engine`), the project's files (`project`), the policy documents (`policies`), strict JSON
for every JSON file (`strict_json`), the files a command is handed (`json_file`), and the
reference data the guardrails judge by (`iam_catalogue`, `managed_policies`, `escalation_paths`,
`data_files`). `read_stack` gathers what the settings step needs for one stack into a
`StackInput`, `read_reference` what the guardrails need besides the stack into a
`ReferenceData`; nothing after this step opens a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from crossaccount import NAMESPACE
from crossaccount.errors import SettingsError
from crossaccount.inputs import (
    POLICIES_DIR,
    PROJECT_FILE,
    SOURCE_POLICIES_DIR,
    OtherStack,
    PolicyFolder,
    ProjectFacts,
    StackInput,
)
from crossaccount.reference import ReferenceData

from .data_files import DataFileError
from .engine import EngineConfig, decode_engine_config, encode_value, engine_config_of
from .escalation_paths import read_escalation_paths
from .iam_catalogue import read_iam_catalogue
from .managed_policies import read_managed_policies
from .policies import read_policy_folder
from .project import (
    other_stack_names,
    project_config,
    read_engine_config,
    read_project_file,
    read_stack_config,
    stack_dir,
    stack_file_name,
    stack_values,
)

__all__ = [
    "DataFileError",
    "EngineConfig",
    "read_organisation",
    "read_policies",
    "read_project",
    "read_reference",
    "read_stack",
    "read_stack_file",
    "read_values",
]


def read_stack(project_dir: Path, stack: str, config: EngineConfig | None = None) -> StackInput:
    """Stack `stack` of the project in `project_dir`: its configuration as the engine passes it
    (`config`, when the engine did pass it; else read from `Pulumi.yaml` and the stack file),
    the policy documents beside the program, and the project's other stacks."""
    if config is None:
        config = read_engine_config(project_dir, stack)
    elif (project_dir / PROJECT_FILE).exists():
        # The program, under the engine: the engine read Pulumi.yaml, but checks less of it than
        # the offline commands do (a project-level `secure:` value, an absolute stackConfigDir,
        # two spellings of one key): the program refuses what they refuse.
        data = read_project_file(project_dir)
        stack_dir(project_dir, data)
        project_config(project_dir, data)
    decoded = decode_engine_config(config)
    policies, source = read_policies(project_dir / POLICIES_DIR)
    return StackInput(
        stack=stack,
        raw=decoded.raw,
        policies=policies,
        source_policies=source,
        secret_paths=decoded.secret_paths,
        project=read_project(project_dir, stack),
        environments=config.environments,
        inherited=_inherited(project_dir, stack, config),
    )


@lru_cache(maxsize=1)
def read_reference() -> ReferenceData:
    """The IAM action catalogue, AWS's managed policies and the privilege-escalation catalogue,
    read once per process (each file's reader parses only what the guardrails ask of it); one
    `DataFileError` naming the file, where in it, the value and what is expected, if one is not
    as its reader expects."""
    return ReferenceData(iam=read_iam_catalogue(), managed=read_managed_policies(), escalation=read_escalation_paths())


def _inherited(project_dir: Path, stack: str, config: EngineConfig) -> frozenset[str]:
    """The keys of `Pulumi.yaml`'s config that the stack file does not set and whose value the
    engine passed is that of `Pulumi.yaml` (none when a file cannot be read: that is the stack's
    own error, reported where it is read)."""
    try:
        folder = stack_dir(project_dir)
        if not (folder / stack_file_name(stack)).is_file():
            return frozenset()
        project = project_config(project_dir)
        own = stack_values(folder, stack)
    except SettingsError:
        return frozenset()
    passed = config.values
    return frozenset(k for k in project if k not in own and passed.get(f"{NAMESPACE}:{k}") == encode_value(project[k])[0])


def read_values(
    stack: str,
    values: Mapping[str, Any],
    policies_dir: Path,
    secret_paths: frozenset[tuple[str, ...]] = frozenset(),
) -> StackInput:
    """Settings given as the settings' input (values keyed without namespace, as
    `decode_engine_config` returns them: tests, the benchmark), with the documents of
    `policies_dir`; no project around them."""
    policies, source = read_policies(policies_dir)
    return StackInput(stack=stack, raw=values, policies=policies, source_policies=source, secret_paths=secret_paths)


def read_stack_file(path: Path) -> dict[str, Any]:
    """The settings' input of `path` (a `Pulumi.<stack>.yaml`), decoded exactly as the program
    decodes what the engine passes (project-level values from the `Pulumi.yaml` beside it included)."""
    stack = path.name.removeprefix("Pulumi.").removesuffix(".yaml")
    return decode_engine_config(read_engine_config(path.parent, stack)).raw


def read_policies(policies_dir: Path) -> tuple[PolicyFolder, PolicyFolder]:
    """policies/ and policies/source/."""
    return (
        read_policy_folder(policies_dir, f"{POLICIES_DIR}/"),
        read_policy_folder(policies_dir / SOURCE_POLICIES_DIR, f"{POLICIES_DIR}/{SOURCE_POLICIES_DIR}/"),
    )


def read_project(project_dir: Path, stack: str) -> ProjectFacts:
    """`Pulumi.yaml`'s config and every other stack of the project, each as the engine would pass
    it. A file that cannot be read is its own stack's error (reported when that stack is read),
    not this one's: such a stack is listed without values."""
    try:
        project_values = project_config(project_dir)
        folder = stack_dir(project_dir)
    except SettingsError:
        return ProjectFacts()
    others = []
    for name in other_stack_names(folder, stack):
        problems: tuple[str, ...] = ()
        environments: tuple[str, ...] = ()
        try:
            own, environments = read_stack_config(folder, name)
            values: Mapping[str, Any] | None = decode_engine_config(engine_config_of({**project_values, **own})).raw
        except SettingsError as error:
            own, values, problems = {}, None, tuple(error.problems)
        others.append(
            OtherStack(
                name=name,
                file_name=stack_file_name(name),
                values=values,
                own_keys=frozenset(own),
                problems=problems,
                environments=environments,
            )
        )
    return ProjectFacts(project_values=project_values, other_stacks=tuple(others))


def read_organisation(project_dir: Path) -> dict[str, StackInput | SettingsError]:
    """Every stack of the project, each as `read_stack` reads it (or the error that stops it),
    with the policy folder read once and one `ProjectFacts.views` shared by all, so that the
    settings step parses each other stack once for the whole organisation (each stack file is
    read twice: as the engine merges it, and for the keys it sets itself). A project that
    cannot be read at all (`Pulumi.yaml`, the stack folder) raises."""
    project_values = project_config(project_dir)
    folder = stack_dir(project_dir)
    policies, source = read_policies(project_dir / POLICIES_DIR)
    names = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in folder.glob("Pulumi.*.yaml"))
    own: dict[str, frozenset[str]] = {}
    read: dict[str, StackInput | SettingsError] = {}
    for name in names:
        try:
            config = read_engine_config(project_dir, name)
            own[name] = frozenset(stack_values(folder, name))
            decoded = decode_engine_config(config)
        except SettingsError as error:
            read[name] = error
            continue
        read[name] = StackInput(
            stack=name,
            raw=decoded.raw,
            policies=policies,
            source_policies=source,
            secret_paths=decoded.secret_paths,
            environments=config.environments,
            inherited=frozenset(k for k in project_values if k not in own[name]),
        )
    views: dict[str, Any] = {}
    for name, given in read.items():
        if isinstance(given, StackInput):
            others = tuple(_other(n, read[n], own.get(n, frozenset())) for n in names if n != name)
            facts = ProjectFacts(project_values=project_values, other_stacks=others, views=views)
            read[name] = replace(given, project=facts)
    return read


def _other(name: str, given: StackInput | SettingsError, own: frozenset[str]) -> OtherStack:
    if isinstance(given, SettingsError):
        return OtherStack(name=name, file_name=stack_file_name(name), values=None, own_keys=own, problems=tuple(given.problems))
    return OtherStack(name=name, file_name=stack_file_name(name), values=given.raw, own_keys=own, environments=given.environments)
