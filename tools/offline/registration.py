"""One resource as the engine would see it: what the recording mocks record for each registration."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
