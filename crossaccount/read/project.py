"""The project's files: `Pulumi.yaml` (its config and `stackConfigDir`), the stack files, and
the `cross-account-roles:*` map the engine would pass for a stack (`read_engine_config`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from crossaccount import NAMESPACE

from .engine import EngineConfig, encode_value
from .yaml import StackFileError, load_yaml

PROJECT_FILE = "Pulumi.yaml"


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


def _project_file(project_dir: Path) -> dict[str, Any]:
    path = project_dir / PROJECT_FILE
    if not path.exists():
        return {}
    data = load_yaml(path, "Pulumi project file")
    if not isinstance(data, dict):
        raise StackFileError([f"{PROJECT_FILE}: got {_kind(data)}; expected a mapping with name, runtime and config"])
    if data.get("name") != NAMESPACE:
        raise StackFileError([f"{PROJECT_FILE}: name is {data.get('name')!r}; expected {NAMESPACE!r} (the settings' namespace)"])
    return data


def stack_dir(project_dir: Path, project: Mapping[str, Any] | None = None) -> Path:
    """Where the stack files are: `stackConfigDir` of Pulumi.yaml (or its old spelling, a string
    `config:`), relative to the project (workspace/paths.go DetectProjectStackPath)."""
    data = _project_file(project_dir) if project is None else project
    folder = data.get("stackConfigDir", data.get("config") if isinstance(data.get("config"), str) else None)
    if folder is None:
        return project_dir
    if not isinstance(folder, str) or not folder.strip():
        raise StackFileError([f"{PROJECT_FILE}: stackConfigDir is {_kind(folder)}; expected a folder name"])
    return project_dir / folder


def project_config(project_dir: Path, project: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """`cross-account-roles:*` values that `Pulumi.yaml`'s `config:` gives every stack, keyed without namespace."""
    data = _project_file(project_dir) if project is None else project
    section = data.get("config")
    if section is None or isinstance(section, str):  # a string is the old spelling of stackConfigDir
        return {}
    if not isinstance(section, dict):
        raise StackFileError([f"{PROJECT_FILE}: config is {_kind(section)}; expected a mapping of config keys"])
    values: dict[str, Any] = {}
    for raw_key, entry in section.items():
        name = _our_key(raw_key, PROJECT_FILE, project_level=True)
        if name is None:
            continue
        at = f"{PROJECT_FILE}: config {raw_key}"
        if not isinstance(entry, dict):  # short-hand: the engine reads a scalar or a list as `default`
            values[name] = entry
            continue
        unknown = sorted(set(entry) - set(_PROJECT_CONFIG_FIELDS))
        if unknown:
            raise StackFileError(
                [f"{at}: unknown field(s) {', '.join(unknown)}; a map value is written under value: (e.g. value: {{team: x}})"]
            )
        if "default" in entry and "value" in entry:
            raise StackFileError([f"{at}: both default and value; the engine refuses the project file: keep one"])
        for field in ("type", "items", "secret"):
            if field in entry:
                raise StackFileError([f"{at}: {field} is not supported for this project's settings (they are maps); remove it"])
        if "value" in entry or "default" in entry:
            values[name] = entry.get("default", entry.get("value"))
    return values


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
    file_name = stack_file_name(stack)
    data = load_yaml(project_dir / file_name, "stack file")
    if data is None:
        raise StackFileError([f"{file_name}: empty; expected config: with the {NAMESPACE}:* settings"])
    if not isinstance(data, dict):
        raise StackFileError([f"{file_name}: got {_kind(data)} at the top; expected a mapping with config:"])
    if "environment" in data:
        raise StackFileError(
            [
                f"{file_name}: environment: imports Pulumi ESC environments, which only the engine can read; "
                "offline commands would miss their values: put the settings in the stack file"
            ]
        )
    config = data.get("config")
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise StackFileError([f"{file_name}: config is {_kind(config)}; expected a mapping of {NAMESPACE}:* keys"])
    values: dict[str, Any] = {}
    for raw_key, value in config.items():
        name = _our_key(raw_key, file_name, project_level=False)
        if name is not None:
            values[name] = value
    return values


def other_stack_names(folder: Path, stack: str) -> list[str]:
    """The project's other stacks: every `Pulumi.<name>.yaml` in the stack folder but this stack's, sorted."""
    own = stack_file_name(stack)
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in folder.glob("Pulumi.*.yaml") if p.name != own)


def read_engine_config(project_dir: Path, stack: str) -> EngineConfig:
    """`Pulumi.yaml` + `Pulumi.<stack>.yaml` -> the `cross-account-roles:*` map the engine passes.

    Project-level values apply to keys the stack does not set; a stack value replaces the
    project value of the same key (pkg/workspace/config.go mergeConfig). `secure:` values are
    not decrypted: they stay in their `{"secure": ...}` form, and their keys are secret.
    """
    project = _project_file(project_dir)
    stacks = stack_dir(project_dir, project)
    merged = {**project_config(project_dir, project), **stack_values(stacks, stack)}
    values: dict[str, str] = {}
    secret: set[str] = set()
    for name in sorted(merged):
        text, is_secret = encode_value(merged[name])
        values[f"{NAMESPACE}:{name}"] = text
        if is_secret:
            secret.add(f"{NAMESPACE}:{name}")
    return EngineConfig(values=values, secret_keys=frozenset(secret))
