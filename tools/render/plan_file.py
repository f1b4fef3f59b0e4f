"""The base plan of `plan --against`: a file a user hands the command, read like every other
(`crossaccount.read.json_file`: a regular file, bounded, strict JSON), then typed: every field
the diff (`tools.render.plan_diff`) reads has the type `make plan FORMAT=json` writes, so a
hostile or hand-edited base plan gets one error naming the file, the place in it, the value
and what is expected, never a traceback or a diff computed from values the plan never holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from crossaccount import NAMESPACE
from crossaccount.errors import show
from crossaccount.read import json_file
from crossaccount.read.policies import MAX_POLICY_DEPTH
from crossaccount.resource_types import SECRET

EXPECTED = "expected the output of make plan FORMAT=json"
MAX_PLAN_BYTES = 64 << 20
"""A plan of 4,000 users and 400 roles is about 20 MB; a larger file is not a plan."""
MAX_PLAN_DEPTH = 32
"""A plan nests 5 deep (outputs, users, a user, its roles, a role); documents are JSON text inside it."""
PROJECT = NAMESPACE
"""The project every plan of this program names (Pulumi.yaml's `name` is the settings' namespace)."""

RESOURCE_STRINGS = ("urn", "type", "name")
RESOURCE_OPTIONAL_STRINGS = ("account", "provider")
INPUT_STRINGS = ("name", "namePrefix", "path", "description", "permissionsBoundary", "role", "user", "group", "policyArn")
"""Inputs the diff reads as text (names, ARNs): a number or an object there is no plan's."""
INPUT_STRING_LISTS = ("groups", "users")
"""Inputs the diff reads as lists of names (a membership's groups, a group membership's users)."""
DOCUMENT_INPUTS = ("assumeRolePolicy", "policy")


def read_plan(path: Path, source: str) -> dict[str, Any]:
    """The plan JSON at `path`; `ValueError` (`JsonFileError`) naming `source` otherwise."""
    data = json_file.read_json_file(path, source, EXPECTED, max_bytes=MAX_PLAN_BYTES, max_depth=MAX_PLAN_DEPTH, noun="plan JSON")
    return check_plan(data, source)


def load_plan(text: str, source: str) -> dict[str, Any]:
    """A plan JSON as `make plan FORMAT=json` prints it, or one clear error naming `source`."""
    return check_plan(json_file.parse(text, source, EXPECTED, MAX_PLAN_DEPTH, "plan JSON"), source)


def same_stack_problem(plan: Mapping[str, Any], stack: str, hint: str = "", project: str = PROJECT) -> str | None:
    """Why `plan` is not a plan of `stack` of this project (its `project` and `stack` fields), or None."""
    theirs = (plan.get("project"), plan.get("stack"))
    if theirs == (project, stack):
        return None
    return (
        f"the plan of project {show(theirs[0])}, stack {show(theirs[1])}; expected a plan of project {show(project)}, "
        f"stack {show(stack)}{hint}"
    )


def check_plan(data: Any, source: str) -> dict[str, Any]:
    """`data` if every field the diff reads has its plan's type; else `JsonFileError` with the first problem."""
    problem = _plan_problem(data)
    if problem is not None:
        raise json_file.JsonFileError(f"{source}: {problem}, as in the output of make plan FORMAT=json")
    assert isinstance(data, dict)
    return data


def _plan_problem(data: Any) -> str | None:  # noqa: PLR0911 (one return per problem)
    if not isinstance(data, dict):
        return json_file.got((), data, "an object with a resources list")
    if "resources" not in data:
        return "no resources list; expected an object with a resources list"
    if not isinstance(data["resources"], list):
        return json_file.got(("resources",), data["resources"], "a list of resources")
    if not isinstance(data.get("stack", ""), str):
        return json_file.got(("stack",), data["stack"], "the stack's name (a string)")
    seen: dict[str, int] = {}
    for i, resource in enumerate(data["resources"]):
        problem = _resource_problem(("resources", i), resource)
        if problem is not None:
            return problem
        first = seen.setdefault(resource["urn"], i)
        if first != i:
            return (
                f"resources[{i}].urn: {show(resource['urn'])} is also resources[{first}].urn; "
                "expected each URN once (the engine refuses a second resource with the same URN)"
            )
    return None


def _resource_problem(at: tuple[str | int, ...], resource: Any) -> str | None:
    if not isinstance(resource, dict):
        return json_file.got(at, resource, "a resource object with urn, type and name")
    for name in RESOURCE_STRINGS:
        if name not in resource:
            return f"{json_file.path_text(at)}: no {name}; expected a resource object with urn, type and name"
        if not isinstance(resource[name], str) or not resource[name]:
            return json_file.got((*at, name), resource[name], "a non-empty string")
    for name in RESOURCE_OPTIONAL_STRINGS:
        if resource.get(name) is not None and not isinstance(resource[name], str):
            return json_file.got((*at, name), resource[name], "a string or null")
    inputs = resource.get("inputs", {})
    if not isinstance(inputs, dict):
        return json_file.got((*at, "inputs"), inputs, "an object of the resource's inputs")
    return _inputs_problem((*at, "inputs"), inputs)


def _inputs_problem(at: tuple[str | int, ...], inputs: Mapping[str, Any]) -> str | None:
    for name in INPUT_STRINGS:
        if inputs.get(name) is not None and not isinstance(inputs[name], str):
            return json_file.got((*at, name), inputs[name], "a string")
    for name in INPUT_STRING_LISTS:
        names = inputs.get(name)
        if names is not None and not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
            return json_file.got((*at, name), names, "a list of names (strings)")
    duration = inputs.get("maxSessionDuration")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int)):
        return json_file.got((*at, "maxSessionDuration"), duration, "a whole number of seconds")
    for name in DOCUMENT_INPUTS:
        document = inputs.get(name)
        if document is None or document == SECRET:
            continue
        if not isinstance(document, str):
            return json_file.got((*at, name), document, "a policy document as JSON text")
        if document in _GOOD_DOCUMENTS:
            continue
        where = json_file.path_text((*at, name))
        try:
            json_file.parse(document, where, "expected a policy document as JSON text", MAX_POLICY_DEPTH, "policy JSON")
        except json_file.JsonFileError as error:
            return str(error)
        _remember(document)
    return None


_GOOD_DOCUMENTS: dict[str, None] = {}
"""Document texts already read strictly and found good, whatever plan held them: `tools comment`
reads the base plan and this one, whose documents are nearly all the same text (4,800 of them at
4,000 x 400), and the verdict on a text does not depend on where it stands. At most
`MAX_GOOD_DOCUMENTS`, the oldest forgotten first."""
MAX_GOOD_DOCUMENTS = 1 << 14


def _remember(document: str) -> None:
    _GOOD_DOCUMENTS[document] = None
    if len(_GOOD_DOCUMENTS) > MAX_GOOD_DOCUMENTS:
        del _GOOD_DOCUMENTS[next(iter(_GOOD_DOCUMENTS))]
