"""Names the component gives its providers: a module light enough for the recording mocks to
import without the program's own modules (the benchmark's floor imports the mocks and nothing
else of the program)."""

from __future__ import annotations

SOURCE_SUFFIX = "-source"
"""The source account's provider is named `<component name>-source`."""
TARGET_SUFFIX = "-target"
"""The target account's provider is named `<component name>-target`."""
