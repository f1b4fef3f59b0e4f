"""Where the project's files are: a module light enough for the recording mocks (and the
benchmark's floor) to import without the program's own modules."""

from __future__ import annotations

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PROGRAM = PROJECT_DIR / "__main__.py"


def program_problem(project_dir: Path) -> str | None:
    """Why `project_dir` is not this program's project folder (no `__main__.py` in it), or None."""
    if (project_dir / "__main__.py").is_file():
        return None
    return (
        f"--project-dir {project_dir}: no __main__.py in it; expected the project's folder, the one with Pulumi.yaml, "
        "__main__.py and policies/ (a stackConfigDir folder holds only the stack files: give its parent)"
    )
