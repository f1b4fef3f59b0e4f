"""Put a pull request's settings, and nothing else of it, into a checkout of the base branch.

    python -m tools.commands.ci_pr_settings pull-request     # the pull request's checkout

The cloud preview of a pull request holds the keys to the stacks' state (the secrets
passphrase or the Pulumi access token, which decrypt a person's initial password) and a role
in every account. So it runs no code of the pull request: the program, the Makefile, the
requirements, the policy pack and `Pulumi.yaml` all come from the base branch; from the pull
request it takes only data, which the base branch's own reader then reads:

- every `Pulumi.<stack>.yaml` of the stack folder (`stackConfigDir` of the base branch's
  `Pulumi.yaml`), replacing the base branch's stack files;
- the `policies/` folder, replacing the base branch's.

A symbolic link, or anything but a regular file or folder, is refused (exit 2, one line naming
it): a link could point the reader at a file of the runner. Files outside these two places
(code, workflows, `Pulumi.yaml`) are never read.
"""

from __future__ import annotations

import re
import shutil
import stat
import sys
from pathlib import Path

from crossaccount.read.project import stack_dir
from tools.paths import PROJECT_DIR

STACK_FILE = re.compile(r"Pulumi\.[A-Za-z0-9_.-]+\.yaml")
"""A stack file's name (stack names: letters, digits, `_`, `.`, `-`)."""


class NotDataError(Exception):
    """Something of the pull request that is not a plain file or folder."""


def _plain(path: Path, root: Path) -> None:
    mode = path.lstat().st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        what = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
        raise NotDataError(f"{path.relative_to(root).as_posix()}: {what}; expected plain files only (settings are data)")


def stack_files(folder: Path, root: Path) -> list[Path]:
    """The stack files of `folder`, each checked to be a regular file."""
    found = sorted(p for p in folder.iterdir() if STACK_FILE.fullmatch(p.name)) if folder.is_dir() else []
    for path in found:
        _plain(path, root)
    return found


def take(pull_request: Path, project_dir: Path = PROJECT_DIR) -> list[str]:
    """Replace the stack files and policies/ of `project_dir` by the pull request's; returns
    what was taken, relative to the project (sorted)."""
    pull_request = pull_request.resolve()
    destination = stack_dir(project_dir)  # the base branch's Pulumi.yaml decides where
    origin = pull_request / destination.relative_to(project_dir)
    incoming = stack_files(origin, pull_request)
    policies = pull_request / "policies"
    policy_files = []
    if policies.exists():
        _plain(policies, pull_request)
        for path in sorted(policies.rglob("*")):
            _plain(path, pull_request)
            if path.is_file():
                policy_files.append(path)
    for old in stack_files(destination, project_dir):
        old.unlink()
    for path in incoming:
        shutil.copyfile(path, destination / path.name)
    shutil.rmtree(project_dir / "policies", ignore_errors=True)
    for path in policy_files:
        target = project_dir / path.relative_to(pull_request)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    taken = [destination / p.name for p in incoming] + [project_dir / p.relative_to(pull_request) for p in policy_files]
    return sorted(p.relative_to(project_dir).as_posix() for p in taken)


def main(argv: list[str] | None = None, project_dir: Path = PROJECT_DIR) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        print("usage: python -m tools.commands.ci_pr_settings <the pull request's checkout folder>", file=sys.stderr)
        return 2
    try:
        taken = take(Path(args[0]), project_dir)
    except NotDataError as error:
        print(f"error: {error}; nothing was taken", file=sys.stderr)
        return 2
    print(f"took {len(taken)} files of the pull request: its stack files and policies/", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
