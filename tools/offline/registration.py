"""What the offline engine records: each resource as the engine would see it (`Registration`),
and a whole run of the program (`ProgramRun`). Plain data, no Pulumi import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crossaccount.guardrails import Finding


@dataclass(frozen=True)
class Registration:
    """One resource as the engine would see it."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    provider: str | None
    """The provider resource's name (None for providers and components)."""
    account: str | None
    """`source` or `target`: the side of the provider; None where there is no provider."""
    inputs: dict[str, Any]
    """As registered, camelCase keys, secrets replaced by `[secret]`."""
    state: dict[str, Any] = field(default_factory=dict)
    """What the mocks answered: inputs plus computed properties such as `arn`."""
    dependencies: tuple[str, ...] = ()
    """URNs this resource waits for (`depends_on` and the inputs' own dependencies), sorted."""
    options: dict[str, Any] = field(default_factory=dict)
    """The resource options a reviewer must see, by the engine's names, only those set:
    `protect`, `retainOnDelete`, `import` (the id to adopt), `deleteBeforeReplace`,
    `ignoreChanges` (the inputs whose changes are ignored)."""


@dataclass(frozen=True)
class ProgramRun:
    """What one run of the program registered, and its stack outputs."""

    project: str
    stack: str
    registrations: list[Registration]
    outputs: dict[str, Any]
    findings: tuple[Finding, ...] = ()
    """The guardrails' findings of the program's own run (warnings and waived ones: an error
    stops the program): the `findings` of what the program's `main()` returned."""
    output_keys: Mapping[str, list[str]] = field(default_factory=dict)
    """URN -> the names of the outputs each resource (the stack included) registered, as the
    engine would store them in the state."""
