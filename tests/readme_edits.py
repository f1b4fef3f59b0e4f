"""The edits the README tells a newcomer to make, applied to a copy of the repository.

    python -m tests.readme_edits DIR     # DIR: a copy of the repository (its Pulumi*.yaml, policies/)

1. Real use, step 4: put your own account ids in `Pulumi.yaml` (the source account) and in the
   walk-through stack (its target account).
2. docs/people.md, "A person with console access": add `alice` to the people's stack with
   `consoleAccess: true`, trusted by the walk-through's role.
3. docs/organisation.md, "Add an account": copy the roles-only `Pulumi.staging.yaml` to
   `Pulumi.qa.yaml` with another account id and profile (the `cross-account-roles:` keys of a
   roles-only stack; a key of another namespace, e.g. `aws:region`, is dropped).

The files are edited as a person would, keeping their comments (ruamel's round trip). Whatever
the stacks hold, the people's stack is the one with a `users` key that creates someone, and
the person is trusted by the first role of the first stack that has roles. Names and account
ids already taken (a repository where these edits were made before) are skipped: `alice2`,
`qa2`, the next free id.
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


def _free(name: str, taken: set[str]) -> str:
    """`name`, or `name2`, `name3` ... whichever is not taken (compared ignoring case, as IAM does)."""
    lowered = {t.lower() for t in taken}
    return next(n for n in [name, *(f"{name}{i}" for i in range(2, 1000))] if n.lower() not in lowered)


def _accounts(project: Path) -> set[str]:
    return {str(_load(p)["config"].get(f"{NS}target", {}).get("accountId")) for p in _stacks(project)}


def add_person(project: Path) -> str:
    """Step 2: a person with console access, trusted by a role. Returns the person's name."""
    people = people_stack(project)
    data = _load(people)
    users = data["config"][f"{NS}users"]
    person = _free(PERSON, set(users))
    users[person] = {"consoleAccess": True}
    with_roles = [p for p in _stacks(project) if _load(p)["config"].get(f"{NS}roles")]
    holder = people if people in with_roles else with_roles[0]
    if holder == people:
        _trust(data, person)
        _dump(people, data)
        return person
    _dump(people, data)
    other = _load(holder)
    _trust(other, person)
    _dump(holder, other)
    return person


def _trust(data: Any, person: str) -> None:
    role = next(iter(data["config"][f"{NS}roles"].values()))
    role.setdefault("trustedUsers", []).append(person)


def add_account(project: Path) -> tuple[str, str]:
    """Step 3: a new account, a copy of a roles-only stack (staging, or the first without `users`)
    with its own id and profile; in a project without one, the people's stack's target and roles.
    Returns the new stack's name and account id."""
    roles_only = [p for p in _stacks(project) if f"{NS}users" not in _load(p)["config"]]
    preferred = [p for p in roles_only if p.name == "Pulumi.staging.yaml"] + roles_only
    data = _load(preferred[0] if preferred else people_stack(project))
    for key in list(data["config"]):
        if key not in (f"{NS}target", f"{NS}roles", f"{NS}tags", f"{NS}policyWaivers"):
            del data["config"][key]
    stack = _free("qa", {p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in _stacks(project)})
    taken = _accounts(project)
    account = next(a for a in (str(int(QA_ACCOUNT) + i) for i in range(1000)) if a not in taken)
    target = data["config"][f"{NS}target"]
    target["accountId"] = account
    target["profile"] = stack
    _dump(project / f"Pulumi.{stack}.yaml", data)
    return stack, account


def apply(project: Path) -> tuple[str, str, str]:
    """Every step; returns the person's name, the new stack's name and its account id."""
    set_account_ids(project)
    person = add_person(project)
    return (person, *add_account(project))


if __name__ == "__main__":
    print(apply(Path(sys.argv[1])))
