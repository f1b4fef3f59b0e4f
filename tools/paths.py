"""Where the project's files are: a module light enough for the recording mocks (and the
benchmark's floor) to import without the program's own modules."""

from __future__ import annotations

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PROGRAM = PROJECT_DIR / "__main__.py"
