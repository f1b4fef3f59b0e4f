"""Fixtures shared by the tests: the walk-through's settings and the recording-mocks runner.

The runner is the one `make plan` uses (`tools.offline.mocks.run_program`), not a copy: what the
tests assert is what the plan prints.

The repository's `Pulumi.yaml` source account and its `Pulumi.<stack>.yaml` files are the user's:
examples they edit and replace. The tests own their copies, in tests/fixtures/project/ (the
walk-through as the repository first shipped it, and a roles-only staging stack), and read those
for every exact document and figure. A test that reads the repository's own stack files checks
only what must hold for any stack (tests/test_repository_stacks.py).
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from components.permissions import PERMISSIONS
from crossaccount.guardrails import Finding, use
from crossaccount.pipeline import check_stack
from crossaccount.read import read_reference, read_stack_file
from crossaccount.read.engine import EngineConfig
from crossaccount.read.project import stack_file_name
from crossaccount.settings.models import LoadedSettings
from tools.offline import mocks
from tools.offline.mocks import PROJECT_DIR, ProgramRun, Registration, run_program

use(read_reference())
"""The guardrails judge by the read step's reference data, as under the pipeline: tests that call
a rule, or `check_plan`, without a pipeline get the same data (tests/test_reference_data.py
tests what happens without)."""

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_PROJECT = FIXTURES / "project"
"""The tests' own project files: Pulumi.yaml (the shared source account 111122223333),
Pulumi.utils.yaml (the walk-through, the people's stack) and Pulumi.staging.yaml (roles only)."""
FIXTURE_STACKS = ("staging", "utils")

SOURCE = "111122223333"
TARGET = "444455556666"
MINIMAL_PROJECT = "name: cross-account-roles\nruntime: python\n"
"""A `Pulumi.yaml` with no config: the engine needs one in every project folder."""


def stack_settings(project_dir: Path, stack: str) -> LoadedSettings:
    """The settings of Pulumi.<stack>.yaml, through the pipeline every entry point uses."""
    return check_stack(project_dir, stack).loaded


def engine_settings(stack: str, config: EngineConfig, policies_dir: Path) -> LoadedSettings:
    """The settings the program computes from the engine's config map (what `pulumi up` passes)."""
    return check_stack(policies_dir.parent, stack, config).loaded


def stack_findings(stack: str, project_dir: Path) -> list[Finding]:
    """The guardrails' findings for Pulumi.<stack>.yaml, without running the program."""
    return list(check_stack(project_dir, stack).findings)


def stack_file(stack: str, project_dir: Path = FIXTURE_PROJECT) -> Path:
    return project_dir / stack_file_name(stack)


def walkthrough_settings() -> dict[str, Any]:
    """The `cross-account-roles:*` values of the tests' walk-through stack, as a fresh dict."""
    return copy.deepcopy(read_stack_file(FIXTURE_PROJECT / "Pulumi.utils.yaml"))


def copy_program(home: Path, project_file: Path = FIXTURE_PROJECT / "Pulumi.yaml") -> Path:
    """The real program (`__main__.py`, policies/) in `home`, with the tests' Pulumi.yaml (the
    shared source account 111122223333) and no stack file."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy2(PROJECT_DIR / "__main__.py", home / "__main__.py")
    shutil.copy2(project_file, home / "Pulumi.yaml")
    shutil.copytree(PROJECT_DIR / "policies", home / "policies", dirs_exist_ok=True)
    return home


@pytest.fixture(scope="session", autouse=True)
def program_of_its_own(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The program that `run_program` runs when a test gives only settings: the real
    `__main__.py`, `Pulumi.yaml` and policies/ in a project without stack files, so that the
    repository's stacks (examples users edit, and other stacks of the project to the program)
    never enter a test's result. A test of the repository's stacks passes their program."""
    home = copy_program(tmp_path_factory.mktemp("program"))
    mocks.DEFAULT_PROGRAM[0] = home / "__main__.py"
    return home


@pytest.fixture(scope="session")
def walkthrough_project(program_of_its_own: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of the program and the walk-through's stack file alone (no other stack adds roles
    to its people), for tests that run the commands on a project folder."""
    project = tmp_path_factory.mktemp("walkthrough")
    shutil.copytree(program_of_its_own, project, dirs_exist_ok=True)
    shutil.copy2(FIXTURE_PROJECT / "Pulumi.utils.yaml", project / "Pulumi.utils.yaml")
    return project


@pytest.fixture(scope="session")
def fixture_project(program_of_its_own: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The program with the tests' two stacks (tests/fixtures/project/): the walk-through, which
    owns random_user, and staging, a roles-only stack whose role random_user may assume."""
    project = tmp_path_factory.mktemp("fixture-project")
    shutil.copytree(program_of_its_own, project, dirs_exist_ok=True)
    for stack in FIXTURE_STACKS:
        shutil.copy2(FIXTURE_PROJECT / f"Pulumi.{stack}.yaml", project / f"Pulumi.{stack}.yaml")
    return project


@pytest.fixture
def settings() -> dict[str, Any]:
    """A mutable copy of the walk-through's settings, for tests that change one key."""
    return walkthrough_settings()


@pytest.fixture
def run() -> Callable[..., ProgramRun]:
    """Run the real __main__.py with the given settings under the recording mocks."""

    def _run(raw: dict[str, Any], stack: str = "utils") -> ProgramRun:
        return run_program(stack, raw)

    return _run


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the program (the real __main__.py and policies/) that a test may add files to,
    in a project of its own: a `Pulumi.yaml` with its name and no config (a test that needs the
    project's config writes its own)."""
    shutil.copy2(PROJECT_DIR / "__main__.py", tmp_path / "__main__.py")
    (tmp_path / "Pulumi.yaml").write_text(MINIMAL_PROJECT, encoding="utf-8")
    shutil.copytree(PROJECT_DIR / "policies", tmp_path / "policies")
    return tmp_path


@pytest.fixture
def run_in(project: Path) -> Callable[..., ProgramRun]:
    """Run the copy of the program in `project` (so its policies/ can hold test files)."""

    def _run(raw: dict[str, Any], stack: str = "utils") -> ProgramRun:
        return run_program(stack, raw, program_path=project / "__main__.py")

    return _run


def of_type(run: ProgramRun, type_: str) -> list[Registration]:
    return [r for r in run.registrations if r.type == type_]


def one(run: ProgramRun, type_: str, name: str) -> Registration:
    """The registration of `type_` whose AWS name (or, failing that, resource name) is `name`."""
    found = [r for r in of_type(run, type_) if r.inputs.get("name", r.name) == name]
    assert len(found) == 1, f"expected one {type_} named {name}, found {[r.name for r in of_type(run, type_)]}"
    return found[0]


def by_name(run: ProgramRun, name: str) -> Registration:
    found = [r for r in run.registrations if r.name == name]
    assert len(found) == 1, name
    return found[0]


def write_policy(directory: Path, name: str, document: Any) -> Path:
    path = directory / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.fixture(scope="session", autouse=True)
def registered_types() -> Iterator[set[str]]:
    """Every AWS resource type that any plan of the test session registered. At the session's
    end each must have its row in components/permissions.py, from which the CI roles'
    permissions come (tests/test_permissions.py): a plan that registers a new type fails the
    run here, whichever test made it."""
    seen: set[str] = set()
    record = mocks.RecordingMocks.record

    def recording(self: mocks.RecordingMocks, urn: str, type_: str, *args: Any, **kwargs: Any) -> Any:
        seen.add(type_)
        return record(self, urn, type_, *args, **kwargs)

    mocks.RecordingMocks.record = recording  # type: ignore[method-assign]
    yield seen
    mocks.RecordingMocks.record = record  # type: ignore[method-assign]
    missing = sorted(t for t in seen if t.startswith(("aws:", "pulumi:providers:")) and t not in PERMISSIONS)
    assert not missing, f"resource types with no row in components/permissions.py (the CI roles lack them): {missing}"
