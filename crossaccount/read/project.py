"""The project's files: `Pulumi.yaml` (its config and `stackConfigDir`), the stack files, and
the `cross-account-roles:*` map the engine would pass for a stack (`read_engine_config`).

What the engine does is read in pulumi/pulumi (snapshot of 2026-08-21, commit 1b59498); each
function cites the file and function it follows. Where the engine would read a file otherwise
than it is written (two spellings of one key, an absolute stackConfigDir, a project-level
`secure:` value), the reader refuses it with one error instead of guessing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from crossaccount import NAMESPACE
from crossaccount.inputs import PROJECT_FILE

from .engine import EngineConfig, contains_secure, encode_value
from .yaml import StackFileError, load_yaml


def _our_key(raw_key: str, file_name: str, project_level: bool) -> str | None:
    """The setting name of a config key in our namespace, None for another namespace."""
    if ":" not in raw_key:
        if project_level:
            return raw_key  # a project-level key without namespace is the project's
        raise StackFileError(
            [f"{file_name}: config key {raw_key!r} has no namespace; expected {NAMESPACE}:{raw_key} (the engine refuses it)"]
        )
    namespace, name = raw_key.split(":", 1)
    if namespace == NAMESPACE:
        return name
    if namespace.lower() == NAMESPACE:
        raise StackFileError(
            [
                f"{file_name}: config key {raw_key!r}: namespace {namespace!r} differs from {NAMESPACE!r} only in case; write {NAMESPACE}:{name}"
            ]
        )
    return None


_PROJECT_CONFIG_FIELDS = ("description", "default", "value", "type", "items", "secret")


def read_project_file(project_dir: Path) -> dict[str, Any]:
    """`Pulumi.yaml`, which must be in `project_dir` itself: the engine looks for it there and
    then in every folder above (sdk/go/common/workspace/paths.go DetectProjectPathFrom), so a
    folder without one would be read by `pulumi up` as part of some other project."""
    path = project_dir / PROJECT_FILE
    if not path.exists() and not path.is_symlink():
        raise StackFileError(
            [
                f"{project_dir}: no {PROJECT_FILE} in this folder; expected the project's folder, the one with {PROJECT_FILE} "
                "(the engine would look for it in the folders above and read that project instead)"
            ]
        )
    data = load_yaml(path, "Pulumi project file")
    if not isinstance(data, dict):
        raise StackFileError([f"{PROJECT_FILE}: got {_kind(data)}; expected a mapping with name, runtime and config"])
    if data.get("name") != NAMESPACE:
        raise StackFileError([f"{PROJECT_FILE}: name is {data.get('name')!r}; expected {NAMESPACE!r} (the settings' namespace)"])
    return data


def stack_dir(project_dir: Path, project: Mapping[str, Any] | None = None) -> Path:
    """Where the stack files are: `stackConfigDir` of Pulumi.yaml (or its old spelling, a string
    `config:`), joined to the project's folder.

    The engine: workspace/project.go RewriteConfigPathIntoStackConfigDir refuses both spellings
    at once; workspace/paths.go ProjectStackPath uses the project's folder for an empty value and
    otherwise `filepath.Join(<project folder>, stackConfigDir, ...)`, which keeps an absolute
    path under the project folder (`/etc/stacks` -> `<project>/etc/stacks`) where Python's `/`
    would leave the project: an absolute path is refused, since it does not mean what it says.
    """
    data = read_project_file(project_dir) if project is None else project
    old = data.get("config")
    if isinstance(old, str) and "stackConfigDir" in data:
        raise StackFileError(
            [
                f"{PROJECT_FILE}: both stackConfigDir and config: {old!r} name the stack folder; the engine refuses the project: "
                "keep stackConfigDir only"
            ]
        )
    folder = data.get("stackConfigDir", old if isinstance(old, str) else None)
    if folder is None or folder == "":
        return project_dir
    if not isinstance(folder, str) or not folder.strip():
        raise StackFileError([f"{PROJECT_FILE}: stackConfigDir is {_kind(folder)}; expected a folder name"])
    if PurePosixPath(folder).is_absolute() or PureWindowsPath(folder).is_absolute():
        raise StackFileError(
            [
                f"{PROJECT_FILE}: stackConfigDir is the absolute path {folder!r}; the engine joins it to the project's folder "
                f"(<project>/{folder.lstrip('/')}), not the path written: expected a folder relative to {PROJECT_FILE}"
            ]
        )
    return project_dir / folder


@dataclass(frozen=True)
class ProjectConfig:
    """`Pulumi.yaml`'s `config:` as the engine reads it, for this namespace."""

    values: dict[str, Any]
    """Keys (without namespace) with a value or default, and that value."""
    others: int = 0
    """How many keys of other namespaces it gives a value (`aws:region`, `pulumi:*`)."""
    required: dict[str, str] = field(default_factory=dict)
    """Keys declared with neither: key -> how Pulumi.yaml spells it. The engine stops a stack
    that does not set them (pkg/workspace/config.go mergeConfig, missingStackConfigurationKeysError)."""


_NO_VALUE = object()


def _other_namespace_problem(raw_key: str, entry: Any, at: str) -> str | None:
    """Another namespace's key (`aws:region`): the engine's rules for it (workspace/project.go
    Project.Validate): a value, never a type or a default. A scalar or list is short-hand for `value`."""
    if not isinstance(entry, dict):
        return None
    if entry.get("type") is not None:  # a null field is no field (Go's yaml leaves it nil)
        return f"{at}: type on a key of another namespace; the engine refuses the project (only {NAMESPACE}:* keys are typed)"
    if entry.get("default") is not None:
        return (
            f"{at}: default on a key of another namespace; the engine refuses the project "
            "(a default belongs to a key of the project's own namespace): write value: instead"
        )
    if entry.get("value") is None:
        return f"{at}: a key of another namespace without value; the engine refuses the project: give it value:"
    return None


def _own_entry(at: str, entry: Any) -> Any:
    """The value of one of this namespace's keys, `_NO_VALUE` when it is declared without one."""
    if not isinstance(entry, dict):
        # short-hand: the engine reads a string, an integer, a boolean or a list as `default`;
        # project.json allows nothing else (workspace/project.go RewriteShorthandConfigValues).
        if entry is None or isinstance(entry, float):
            raise StackFileError(
                [
                    f"{at}: got {_kind(entry)}; the engine refuses the project (project.json: a string, an integer, a boolean, "
                    "a list, or a map with value:)"
                ]
            )
        return entry
    unknown = sorted(set(entry) - set(_PROJECT_CONFIG_FIELDS))
    if unknown:
        raise StackFileError(
            [f"{at}: unknown field(s) {', '.join(unknown)}; a map value is written under value: (e.g. value: {{team: x}})"]
        )
    if entry.get("default") is not None and entry.get("value") is not None:
        raise StackFileError([f"{at}: both default and value; the engine refuses the project file: keep one"])
    for name in ("type", "items", "secret"):
        if name in entry:
            raise StackFileError([f"{at}: {name} is not supported for this project's settings (they are maps); remove it"])
    # `default: null` is no default: Go's yaml leaves the field nil (ProjectConfigType.Default).
    value = entry.get("default") if entry.get("default") is not None else entry.get("value")
    return _NO_VALUE if value is None else value


def read_project_config(project_dir: Path, project: Mapping[str, Any] | None = None) -> ProjectConfig:
    """`Pulumi.yaml`'s config for this namespace, refused where the engine refuses it or reads it
    otherwise than it is written."""
    data = read_project_file(project_dir) if project is None else project
    section = data.get("config")
    if section is None or isinstance(section, str):  # a string is the old spelling of stackConfigDir
        return ProjectConfig(values={}, required={})
    if not isinstance(section, dict):
        raise StackFileError([f"{PROJECT_FILE}: config is {_kind(section)}; expected a mapping of config keys"])
    values: dict[str, Any] = {}
    required: dict[str, str] = {}
    spelled: dict[str, str] = {}
    others = 0
    for raw_key, entry in section.items():
        at = f"{PROJECT_FILE}: config {raw_key}"
        name = _our_key(raw_key, PROJECT_FILE, project_level=True)
        if name is None:
            problem = _other_namespace_problem(raw_key, entry, at)
            if problem:
                raise StackFileError([problem])
            others += 1
            continue
        _check_own_name(name, raw_key, spelled, at)
        value = _own_entry(at, entry)
        if value is _NO_VALUE:
            required[name] = raw_key
            continue
        if contains_secure(value):
            raise StackFileError(
                [
                    f"{at}: holds a secure: value; the engine has no project-level secrets: it passes the value on as plain, "
                    "not secret, configuration, decrypted with the key of whichever stack runs (a ciphertext only the stack "
                    "that made it can read) (pkg/workspace/config.go createConfigValue; config/map.go SecureKeys): "
                    f"set the secret in each stack file (pulumi config set --secret {NAMESPACE}:{name} ...)"
                ]
            )
        values[name] = value
    return ProjectConfig(values=values, others=others, required=required)


def _check_own_name(name: str, raw_key: str, spelled: dict[str, str], at: str) -> None:
    """One spelling per key, and no property path: the engine applies project keys in the sorted
    order of their spelling, and the first one set wins (pkg/workspace/config.go mergeConfig:
    a later spelling finds the key set); a key with `.` or `[` is a path into a setting
    (config.ParseKey, `Map.Set(key, value, path=true)`)."""
    first = spelled.setdefault(name, raw_key)
    if first != raw_key:
        winner = min(first, raw_key)
        raise StackFileError(
            [
                f"{at}: the same key as config {first} ({NAMESPACE}:{name}); the engine keeps only {winner} (the spelling "
                "that sorts first) and ignores the other: write it once"
            ]
        )
    if "." in name or "[" in name:
        raise StackFileError(
            [
                f"{at}: {name!r} is a property path; the engine would set part of the {NAMESPACE}:{name.split('.', maxsplit=1)[0].split('[', maxsplit=1)[0]} "
                "setting: write the whole setting under value:"
            ]
        )


def project_config(project_dir: Path, project: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """`cross-account-roles:*` values that `Pulumi.yaml`'s `config:` gives every stack, keyed without namespace."""
    return read_project_config(project_dir, project).values


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (empty)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"the {type(value).__name__} {json.dumps(value, default=str)[:60]}"


def stack_file_name(stack: str) -> str:
    return f"Pulumi.{stack}.yaml"


def stack_values(project_dir: Path, stack: str) -> dict[str, Any]:
    """The `cross-account-roles:*` values of `Pulumi.<stack>.yaml` as YAML data, keyed without namespace."""
    return read_stack_config(project_dir, stack)[0]


def read_stack_config(project_dir: Path, stack: str) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The `cross-account-roles:*` values of `Pulumi.<stack>.yaml`, keyed without namespace, and
    the Pulumi ESC environments it imports (`environment:`)."""
    file_name = stack_file_name(stack)
    data = load_yaml(project_dir / file_name, "stack file")
    if data is None:
        raise StackFileError([f"{file_name}: empty; expected config: with the {NAMESPACE}:* settings"])
    if not isinstance(data, dict):
        raise StackFileError([f"{file_name}: got {_kind(data)} at the top; expected a mapping with config:"])
    environments = _environments(data.get("environment"), file_name) if "environment" in data else ()
    config = data.get("config")
    if config is None:
        return {}, environments
    if not isinstance(config, dict):
        raise StackFileError([f"{file_name}: config is {_kind(config)}; expected a mapping of {NAMESPACE}:* keys"])
    values: dict[str, Any] = {}
    for raw_key, value in config.items():
        name = _our_key(raw_key, file_name, project_level=False)
        if name is not None:
            values[name] = value
    return values, environments


def _environments(section: Any, file_name: str) -> tuple[str, ...]:
    """The names of the ESC environments `environment:` imports, as the engine lists them
    (workspace/project.go Environment.Imports): a list of names, or a definition whose
    `imports` name them (a name, or a map of one name to its options) and whose own `values`
    count as one more, `yaml`. The offline commands only name them: ESC evaluates them."""
    names: list[str] = []
    imports = section if isinstance(section, list) else section.get("imports") if isinstance(section, dict) else None
    for entry in imports if isinstance(imports, list) else []:
        if isinstance(entry, str) and entry.strip():
            names.append(entry)
        elif isinstance(entry, dict) and len(entry) == 1 and isinstance(next(iter(entry)), str):
            names.append(next(iter(entry)))
        else:
            raise StackFileError(
                [
                    f"{file_name}: environment: an import {_kind(entry)}; expected the name of a Pulumi ESC environment (project/env)"
                ]
            )
    if isinstance(section, dict) and section.get("values"):
        names.append("yaml")
    if not names:
        raise StackFileError(
            [
                f"{file_name}: environment: is {_kind(section)}; expected a list of Pulumi ESC environments "
                "(environment: [project/env]) or a definition with imports:"
            ]
        )
    return tuple(names)


def environments_note(file_name: str, environments: tuple[str, ...]) -> str:
    """What an offline command says of a stack that imports ESC environments."""
    shown = ", ".join(environments)
    return (
        f"{file_name} imports the Pulumi ESC environment(s) {shown}: their values are not visible offline, so this reads "
        f"only {file_name} and {PROJECT_FILE}; `pulumi up` also merges each {NAMESPACE}:* key the environment(s) set "
        "(pulumiConfig; a map is merged key by key, the stack file's values win: pkg/workspace/config.go mergeConfig)"
    )


def other_stack_names(folder: Path, stack: str) -> list[str]:
    """The project's other stacks: every `Pulumi.<name>.yaml` in the stack folder but this stack's, sorted."""
    own = stack_file_name(stack)
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in folder.glob("Pulumi.*.yaml") if p.name != own)


def has_any_config(declared: ProjectConfig, own: dict[str, Any], environments: tuple[str, ...], stack_file: Path) -> bool:
    """Whether the engine's configuration for the stack holds anything at all (any namespace)."""
    if declared.values or declared.others or own or environments:
        return True
    data = load_yaml(stack_file, "stack file")
    return isinstance(data, dict) and bool(data.get("config"))


def _no_config_at_all(file_name: str) -> None:
    """With no configuration at all, the language host passes the program no PULUMI_CONFIG of
    its own, so one left in the shell reaches the program as the stack's configuration
    (sdk/python/cmd/pulumi-language-python/main.go: constructConfig returns "" for a nil config
    map, and PULUMI_CONFIG is only appended when it is not ""). Offline nothing reads it."""
    if "PULUMI_CONFIG" in os.environ:
        raise StackFileError(
            [
                f"{file_name}: no configuration at all, and PULUMI_CONFIG is set in the environment; the engine would hand "
                "the program that variable as the stack's configuration: unset PULUMI_CONFIG, and put the settings in "
                f"{file_name}"
            ]
        )


def read_engine_config(project_dir: Path, stack: str) -> EngineConfig:
    """`Pulumi.yaml` + `Pulumi.<stack>.yaml` -> the `cross-account-roles:*` map the engine passes.

    Project-level values apply to keys the stack does not set; a stack value replaces the
    project value of the same key (pkg/workspace/config.go mergeConfig); a key Pulumi.yaml
    declares without a value stops the engine when the stack does not set it. `secure:` values
    are not decrypted: they stay in their `{"secure": ...}` form, and their keys are secret.
    Values of ESC environments are not read (`EngineConfig.environments` names them).
    """
    project = read_project_file(project_dir)
    stacks = stack_dir(project_dir, project)
    declared = read_project_config(project_dir, project)
    own, environments = read_stack_config(stacks, stack)
    file_name = stack_file_name(stack)
    missing = [raw for name, raw in sorted(declared.required.items()) if name not in own]
    if not has_any_config(declared, own, environments, stacks / file_name):
        _no_config_at_all(file_name)
    if missing:
        unseen = f"; {environments_note(file_name, environments)}" if environments else ""
        raise StackFileError(
            [
                f"{PROJECT_FILE}: config {raw} is declared without a value and {file_name} does not set it; the engine stops "
                f"(\"Stack '{stack}' is missing configuration value '{raw}'\"){unseen}: set it in {file_name}, or give it "
                f"value: in {PROJECT_FILE}"
                for raw in missing
            ]
        )
    merged = {**declared.values, **own}
    values: dict[str, str] = {}
    secret: set[str] = set()
    for name in sorted(merged):
        text, is_secret = encode_value(merged[name])
        values[f"{NAMESPACE}:{name}"] = text
        if is_secret:
            secret.add(f"{NAMESPACE}:{name}")
    return EngineConfig(values=values, secret_keys=frozenset(secret), environments=environments)
