"""Names the component gives its providers, and the program's findings sink: a module light
enough for the recording mocks to import without the program's own modules (the benchmark's
floor imports the mocks and nothing else of the program)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crossaccount.guardrails import Finding

SOURCE_SUFFIX = "-source"
"""The source account's provider is named `<component name>-source`."""
TARGET_SUFFIX = "-target"
"""The target account's provider is named `<component name>-target`."""

FINDINGS_SINK: ContextVar[list[Finding] | None] = ContextVar("cross_account_roles_findings", default=None)
"""Where a caller that runs the program in process (`make plan`, under the mocks) receives
the findings the program's own guardrail run produced, so that it shows them without
reading the stack file and running the rules a second time. Unset under the real engine."""
