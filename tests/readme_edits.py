"""The edits the README tells a newcomer to make, applied to a copy of the repository.

    python -m tests.readme_edits DIR     # DIR: a copy of the repository (its Pulumi*.yaml, policies/)

1. Real use, step 4: put your own account ids in `Pulumi.yaml` (the source account) and in the
   walk-through stack (its target account).
2. docs/people.md, "A person with console access": add `alice` to the people's stack with
   `consoleAccess: true`, trusted by the walk-through's role.
3. docs/organisation.md, "Add an account": copy the roles-only `Pulumi.staging.yaml` to
   `Pulumi.qa.yaml` with another account id and profile.

The files are edited as a person would, keeping their comments (ruamel's round trip). Whatever
the stacks hold, the people's stack is the one with a `users` key that creates someone, and
the person is trusted by the first role of the first stack that has roles.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

NS = "cross-account-roles:"
SOURCE_ACCOUNT = "210987654321"
TARGET_ACCOUNT = "123456789012"
QA_ACCOUNT = "345678901234"
PERSON = "alice"


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    return yaml


def _load(path: Path) -> Any:
    return _yaml().load(path.read_text(encoding="utf-8"))


def _dump(path: Path, data: Any) -> None:
    with path.open("w", encoding="utf-8") as stream:
        _yaml().dump(data, stream)


def _stacks(project: Path) -> list[Path]:
    return sorted(project.glob("Pulumi.*.yaml"))


def _creates_people(config: Any) -> bool:
    users = config.get(f"{NS}users") or {}
    return any((settings or {}).get("create", True) is not False for settings in users.values())


def set_account_ids(project: Path) -> None:
    """Step 1: the source account in Pulumi.yaml, the people's stack's target account."""
    data = _load(project / "Pulumi.yaml")
    data["config"][f"{NS}source"]["value"]["accountId"] = SOURCE_ACCOUNT
    _dump(project / "Pulumi.yaml", data)
    people = people_stack(project)
    data = _load(people)
    data["config"][f"{NS}target"]["accountId"] = TARGET_ACCOUNT
    _dump(people, data)


def people_stack(project: Path) -> Path:
    found = [p for p in _stacks(project) if _creates_people(_load(p)["config"])]
    if len(found) != 1:
        raise SystemExit(f"{project}: expected one people's stack (a stack that creates users), found {len(found)}")
    return found[0]


def add_person(project: Path) -> None:
    """Step 2: a person with console access, trusted by a role."""
    people = people_stack(project)
    with_roles = [p for p in _stacks(project) if _load(p)["config"].get(f"{NS}roles")]
    holder = people if people in with_roles else with_roles[0]
    data = _load(people)
    data["config"][f"{NS}users"][PERSON] = {"consoleAccess": True}
    if holder == people:
        _trust(data)
        _dump(people, data)
        return
    _dump(people, data)
    other = _load(holder)
    _trust(other)
    _dump(holder, other)


def _trust(data: Any) -> None:
    role = next(iter(data["config"][f"{NS}roles"].values()))
    role.setdefault("trustedUsers", []).append(PERSON)


def add_account(project: Path) -> None:
    """Step 3: a new account, a copy of the roles-only staging stack with its own id and profile."""
    data = _load(project / "Pulumi.staging.yaml")
    target = data["config"][f"{NS}target"]
    target["accountId"] = QA_ACCOUNT
    target["profile"] = "qa"
    _dump(project / "Pulumi.qa.yaml", data)


def apply(project: Path) -> None:
    set_account_ids(project)
    add_person(project)
    add_account(project)


if __name__ == "__main__":
    apply(Path(sys.argv[1]))
