"""The one place the steps are joined: read -> settings -> plan -> guardrails.

The program (`components.stack_config`, which `make plan` runs under the mocks), `make check`,
`make verify` and the CI matrix all call `check_stack`, so every entry point accepts and
refuses exactly the same stacks (tests/test_entry_points.py). The policy pack sees the
engine's resources, not a stack's settings: it shares the last step, the same guardrail rules.

- read (`crossaccount.read`): the only step that touches files;
- settings (`crossaccount.settings`): validated settings, or one `SettingsError`;
- plan (`crossaccount.plan`): names, ARNs and documents; its problems are raised here, with
  the same `SettingsError`, before anything is registered;
- guardrails (`crossaccount.guardrails`): findings, returned; `enforce` refuses a stack with a
  blocking finding (`GuardrailError`) and shows the others. They judge by the reference data
  the read step reads once per process (`read_reference`: the IAM action catalogue, AWS's
  managed policies, the privilege-escalation catalogue), which this module hands them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .errors import SettingsError
from .guardrails import WARNING, Finding, GuardrailError, check_plan
from .guardrails import enforce as enforce_findings
from .inputs import StackInput
from .plan import StackPlan, build_stack_plan
from .read import EngineConfig, read_organisation, read_reference, read_stack, read_values
from .read.project import environments_note, stack_file_name
from .settings import LoadedSettings, load_settings

__all__ = [
    "Checked",
    "GuardrailError",
    "SettingsError",
    "check",
    "check_organisation",
    "check_stack",
    "check_values",
    "enforce",
    "environments_finding",
    "load_values",
    "plan_of",
    "read_reference",
    "with_environments",
]


@dataclass(frozen=True)
class Checked:
    """A stack that passed settings and plan: its settings, its plan and the guardrails' findings."""

    loaded: LoadedSettings
    plan: StackPlan
    findings: tuple[Finding, ...]
    environments: tuple[str, ...] = ()
    """The ESC environments the stack file imports, which an offline read has not seen (`environments_note`)."""

    @property
    def blocked(self) -> bool:
        """A guardrail error is left (not waived): `up` would refuse the stack."""
        return any(f.blocking for f in self.findings)


def plan_of(loaded: LoadedSettings, outcome: str = "nothing was created") -> StackPlan:
    """The plan of checked settings; its problems (collisions the settings cannot see) raised as one `SettingsError`."""
    plan = build_stack_plan(loaded)
    if plan.problems:
        raise SettingsError(list(plan.problems), outcome)
    return plan


def check(given: StackInput, outcome: str = "nothing was created") -> Checked:
    """Settings -> plan -> guardrails for what the read step read (and its reference data)."""
    reference = read_reference()
    try:
        loaded = load_settings(given)
        if given.environments:
            own = environments_finding(given.stack, given.environments)
            loaded = replace(loaded, notes=((own.rule_id, own.location, own.message), *loaded.notes))
        plan = plan_of(loaded, outcome)
    except SettingsError as error:
        raise SettingsError(with_environments(error.problems, given.stack, given.environments), outcome) from None
    return Checked(loaded=loaded, plan=plan, findings=tuple(check_plan(plan, reference)), environments=given.environments)


def environments_finding(stack: str, environments: tuple[str, ...]) -> Finding:
    """The warning (ESC_UNSEEN) of an offline read of a stack whose file imports ESC environments."""
    file_name = stack_file_name(stack)
    return Finding("ESC_UNSEEN", WARNING, file_name, environments_note(file_name, environments).removeprefix(f"{file_name} "))


def with_environments(problems: list[str], stack: str, environments: tuple[str, ...]) -> list[str]:
    """A stack's problems, and, when its file imports ESC environments, the note that their
    values were not read: a missing or partial setting may be one an environment sets."""
    if not environments:
        return problems
    return [*problems, environments_note(stack_file_name(stack), environments)]


def check_stack(
    project_dir: Path, stack: str, config: EngineConfig | None = None, outcome: str = "nothing was created"
) -> Checked:
    """Stack `stack` of the project in `project_dir`, read from its files, or from `config`
    when the engine passed it (the program): read -> settings -> plan -> guardrails."""
    try:
        given = read_stack(project_dir, stack, config)
    except SettingsError as error:
        raise type(error)(error.problems, outcome) from None
    return check(given, outcome)


def check_organisation(project_dir: Path) -> dict[str, Checked | SettingsError]:
    """Every stack of the project, checked together as the accounts will see them: each stack's
    own problems, and the problems across stacks (a person owned twice, a name two stacks would
    create in one account, a person's managed policies across stacks), each stack's settings
    step judging them from its side. Each file and each other stack is read and parsed once."""
    checked: dict[str, Checked | SettingsError] = {}
    for stack, given in read_organisation(project_dir).items():
        if isinstance(given, SettingsError):
            checked[stack] = given
            continue
        try:
            checked[stack] = check(given)
        except SettingsError as error:
            checked[stack] = error
    return checked


def check_values(stack: str, values: Mapping[str, Any], policies_dir: Path) -> Checked:
    """Settings given as Python values (tests, the benchmark), with the documents of `policies_dir`."""
    return check(read_values(stack, values, policies_dir))


def load_values(
    stack: str, values: Mapping[str, Any], policies_dir: Path, secret_paths: frozenset[tuple[str, ...]] = frozenset()
) -> LoadedSettings:
    """Only the settings step, for values (tests that look at one setting's effect)."""
    return load_settings(read_values(stack, values, policies_dir, secret_paths))


def enforce(checked: Checked, warn: Callable[[str], None]) -> None:
    """Show every warning and waived finding with `warn`; raise `GuardrailError` if an error is left."""
    enforce_findings(checked.plan.stack, checked.findings, warn)
