"""The component's permissions table (components/permissions.py), from which the CI roles come.

Invariant: every resource type the program can register has a row (in a plan with every
feature, and in the component's source), so a new resource type cannot ship without the CI
roles' permissions for it; each row's actions are ones IAM knows, its reads are reads, and each
action is granted on the ARNs its resource types match; the deploy role holds every row's
create, read, update and delete (no delete for retained users), the preview role every read
and nothing that writes IAM. tests/conftest.py adds the same check over every plan the whole
test suite makes (`registered_types`).
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from components.permissions import EVERYTHING, PERMISSIONS, PROVIDER_TYPE
from crossaccount.guardrails import catalogue
from tests.conftest import TARGET
from tools.commands import ci_roles
from tools.offline.mocks import ProgramRun
from tools.paths import PROJECT_DIR


def every_feature(raw: dict[str, Any]) -> dict[str, Any]:
    """The walk-through's people's stack with every feature the component has."""
    raw["users"]["alice"] = {"path": "/team-data/", "consoleAccess": True, "tags": {"team": "data"}}
    raw["groups"] = {
        "platform": {"members": ["random_user", "alice"], "managedPolicyArns": ["arn:aws:iam::aws:policy/IAMReadOnlyAccess"]}
    }
    raw["selfService"] = {"enabled": True, "enforceMfa": True}
    raw["passwordPolicy"] = {"minimumPasswordLength": 16}
    role = raw["roles"]["s3-list-role"]
    role["trustedGroups"] = ["platform"]
    role["permissionsBoundary"] = f"arn:aws:iam::{TARGET}:policy/cap"
    role["managedPolicyArns"] = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    role["tags"] = {"team": "data"}
    return raw


def test_every_resource_type_of_a_stack_with_every_feature_has_its_permissions(
    settings: dict[str, Any], run: Callable[..., ProgramRun]
) -> None:
    registered = {r.type for r in run(every_feature(settings)).registrations if r.custom}
    assert registered == set(PERMISSIONS), (registered - set(PERMISSIONS), set(PERMISSIONS) - registered)


def component_resource_types() -> set[str]:
    """Every `aws.<module>.<Type>(...)` resource the component's modules construct (of any AWS
    service, not only IAM; `...Args` input types aside), as the engine's type token."""
    found = set()
    for path in sorted((PROJECT_DIR / "components").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            target, name = ast.unparse(node.func.value), node.func.attr
            if name.endswith("Args"):
                continue
            if target.startswith("aws."):
                found.add(f"aws:{target[len('aws.') :]}/{name[0].lower()}{name[1:]}:{name}")
            elif target == "aws" and name == "Provider":
                found.add(PROVIDER_TYPE)
    return found


def test_every_resource_type_the_component_can_register_has_a_row() -> None:
    assert component_resource_types() == set(PERMISSIONS)


def test_each_row_cites_the_providers_file_it_was_read_in() -> None:
    for resource_type, row in PERMISSIONS.items():
        if resource_type == PROVIDER_TYPE:
            continue
        assert re.fullmatch(r"[a-z_]+\.go", row.source), resource_type
        assert all((row.create, row.read, row.delete)), resource_type


@pytest.mark.parametrize("resource_type", sorted(PERMISSIONS))
def test_each_action_is_known_placed_on_its_arns_and_reads_are_reads(resource_type: str) -> None:
    row = PERMISSIONS[resource_type]
    for action in row.create + row.read + row.update + row.delete:
        entry = catalogue.action(action)
        assert entry is not None, action
        assert entry.name == action, action
        assert ci_roles.resources_of(action, row.resources), action
    for action in row.read:
        assert catalogue.action(action).access_level in ("Read", "List"), action  # type: ignore[union-attr]


def test_an_action_on_no_resource_type_goes_on_every_resource_and_nowhere_else() -> None:
    assert ci_roles.resources_of("iam:UpdateAccountPasswordPolicy", (EVERYTHING,)) == (EVERYTHING,)
    with pytest.raises(ci_roles.TableError, match=r"iam:CreateUser acts on none of \['\*'\]"):
        ci_roles.resources_of("iam:CreateUser", (EVERYTHING,))
    with pytest.raises(ci_roles.TableError, match="iam:CreateUsers is not an IAM action"):
        ci_roles.resources_of("iam:CreateUsers", ("arn:aws:iam::<ACCOUNT_ID>:user/*",))


def granted(name: str) -> dict[str, set[str]]:
    document = json.loads((PROJECT_DIR / "ci-roles" / name).read_text(encoding="utf-8"))
    on: dict[str, set[str]] = {}
    for statement in document["Statement"]:
        if statement["Effect"] == "Allow":
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            for action in statement["Action"]:
                on.setdefault(action, set()).update(resources)
    return on


@pytest.mark.parametrize("resource_type", sorted(PERMISSIONS))
def test_the_deploy_role_holds_every_call_of_the_row_but_a_retained_resources_delete(resource_type: str) -> None:
    row = PERMISSIONS[resource_type]
    on = granted("deploy-permissions.json")
    for action in row.writes():
        assert set(ci_roles.resources_of(action, row.resources)) <= on.get(action, set()), action
    if row.retained:  # its delete's own calls are not granted (another row may need a shared one)
        others = {a for t, r in PERMISSIONS.items() if t != resource_type for a in r.writes()}
        never = set(row.delete) - set(row.create + row.read + row.update) - others
        assert never, resource_type
        assert not never & set(on), never & set(on)


def test_the_preview_role_holds_every_read_and_nothing_else_of_iam() -> None:
    on = granted("preview-permissions.json")
    reads = {a for row in PERMISSIONS.values() for a in row.read}
    assert {a for a in on if a.startswith("iam:")} == reads
