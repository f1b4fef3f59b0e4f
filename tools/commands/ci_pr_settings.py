"""Put a pull request's settings, and nothing else of it, into a checkout of the base branch.

    python -m tools.commands.ci_pr_settings pull-request     # the pull request's checkout

The cloud preview of a pull request holds the keys to the stacks' state (the secrets
passphrase or the Pulumi access token) and a read-only role in every account. It runs no code
of the pull request: the program, the Makefile, the requirements, the policy pack and
`Pulumi.yaml` all come from the base branch. From the pull request it takes only data, which
the base branch's own reader then reads, and only data that stays data for the Pulumi CLI too:

- every `Pulumi.<stack>.yaml` of the stack folder (`stackConfigDir` of the base branch's
  `Pulumi.yaml`), replacing the base branch's stack files, each of which may hold only
  `config:` keys of this program's namespace (`cross-account-roles:*`) and the keys of its
  secrets provider, unchanged (below);
- of `policies/`, only the JSON documents the stack files name (each role's `policyFiles`, and
  the self-service document `policies/source/self-service-credentials.json`), each checked to be
  a JSON text; the base branch's `policies/` is replaced by exactly these.

Refused in a stack file the pull request adds or changes (exit 2, one line naming the file and
the key, nothing taken; a file byte for byte the base branch's is the base branch's data, so a
stack that imports ESC environments on the base branch is still previewed while unchanged):

- `environment:`: a Pulumi ESC environment is evaluated by the CLI, and its
  `environmentVariables` are set in the CLI's own process (then inherited by the program, the
  policy pack and the providers): `PYTHONPATH`, `LD_PRELOAD`, `AWS_*` would run or reach
  whatever the pull request says, with the state's keys in the same process;
- any other top-level key the program does not know (the engine ignores none it cannot read
  the same way);
- a `config:` key of another namespace: `aws:*` configures the AWS provider (endpoints,
  profile, assumeRole, shared credentials files, proxies: where the calls and the credentials
  go), `pulumi:*` the engine itself (`pulumi:disable-default-providers`, which Pulumi.yaml sets);
  the program reads neither, its providers are explicit and take their settings from
  `cross-account-roles:source`/`target` alone, so nothing of value is lost;
- `secretsprovider`, `encryptedkey` or `encryptionsalt` different from the base branch's file of
  the same stack: they say how the CLI reaches the key that decrypts the state (a KMS key, a
  Vault server); a stack new in the pull request may carry them (its preview then fails until
  an administrator ran `pulumi stack init`);
- a symbolic link, or anything but a regular file or folder, among what is taken: a link could
  point the reader at a file of the runner;
- a named policy file that is not UTF-8 JSON: nothing but a document lands.

Files outside these (code, workflows, `Pulumi.yaml`, any other file under `policies/`) are
never read.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import stat
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from crossaccount import NAMESPACE
from crossaccount.errors import show
from crossaccount.inputs import POLICIES_DIR, POLICY_FILE_RE, SELF_SERVICE_FILE, SOURCE_POLICIES_DIR
from crossaccount.read import strict_json
from crossaccount.read.project import project_config, stack_dir
from crossaccount.read.yaml import StackFileError, load_yaml
from tools.paths import PROJECT_DIR

STACK_FILE = re.compile(r"Pulumi\.[A-Za-z0-9_.-]+\.yaml")
"""A stack file's name (stack names: letters, digits, `_`, `.`, `-`)."""
SECRETS_KEYS = ("secretsprovider", "encryptedkey", "encryptionsalt")
"""A stack file's secrets-provider keys (pulumi/pulumi sdk/go/common/workspace/project.go ProjectStack)."""
KNOWN_KEYS = frozenset({"config", *SECRETS_KEYS})
"""The top-level keys a pull request's stack file may have."""
MAX_POLICY_BYTES = 1_000_000


class NotDataError(Exception):
    """Something of the pull request that is not plain data, or not data the preview takes."""


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


def _read(path: Path, where: str) -> dict[str, Any]:
    """A stack file, read by the program's strict reader (the engine's YAML, no tricks)."""
    try:
        data = load_yaml(path, "stack file")
    except StackFileError as error:
        raise NotDataError("; ".join(error.problems).replace(path.name, where, 1)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise NotDataError(f"{where}: not a mapping at the top; expected config: with the {NAMESPACE}:* settings")
    return data


def _config_key_problem(raw_key: str) -> str | None:
    if raw_key.startswith(f"{NAMESPACE}:"):
        return None
    namespace = raw_key.split(":", 1)[0] if ":" in raw_key else ""
    if namespace == "aws":
        why = (
            "configures the AWS provider (where its calls and credentials go: endpoints, profile, assumeRole, "
            "shared credentials files, proxies), which the program never reads: its providers are explicit, from "
            f"{NAMESPACE}:source and {NAMESPACE}:target"
        )
    elif namespace == "pulumi":
        why = "configures the engine itself (e.g. pulumi:disable-default-providers, which Pulumi.yaml sets)"
    else:
        why = "is not a setting of this program"
    return f"config key {show(raw_key)} {why}; expected only {NAMESPACE}:* keys in a pull request's stack file"


def check_stack_file(data: Mapping[str, Any], base: Mapping[str, Any] | None, where: str) -> None:
    """Refuse what the Pulumi CLI would act on beyond the program's settings (module docstring)."""
    if "environment" in data:
        raise NotDataError(
            f"{where}: environment: imports Pulumi ESC environments, whose environmentVariables the Pulumi CLI sets in its "
            "own process (PYTHONPATH, LD_PRELOAD, AWS_* run or reach what they name, beside the state's keys); expected "
            "no environment: in a pull request's stack file (the preview takes stack files as data)"
        )
    for raw in data:
        if raw not in KNOWN_KEYS:
            raise NotDataError(
                f"{where}: top-level key {show(raw)} is not one the program knows; expected only config: and the secrets "
                f"provider's {', '.join(SECRETS_KEYS)}"
            )
    config = data.get("config")
    if config is not None and not isinstance(config, dict):
        raise NotDataError(f"{where}: config is not a mapping; expected a mapping of {NAMESPACE}:* keys")
    for raw_key in config or {}:
        problem = _config_key_problem(str(raw_key))
        if problem:
            raise NotDataError(f"{where}: {problem}")
    if base is None:
        return  # a stack new in the pull request: its preview needs `pulumi stack init` first
    for name in SECRETS_KEYS:
        if data.get(name) != base.get(name):
            raise NotDataError(
                f"{where}: {name} differs from the base branch's; it says how the Pulumi CLI reaches the key to the "
                "stack's state: expected the base branch's value (change it on the base branch, by an administrator)"
            )


def _role_files(roles: Any) -> Iterable[str]:
    if isinstance(roles, str):  # a top-level value may be JSON text (what `pulumi config set` stores)
        try:
            roles = strict_json.loads(roles)
        except (ValueError, RecursionError):
            return
    if not isinstance(roles, dict):
        return
    for role in roles.values():
        files = role.get("policyFiles") if isinstance(role, dict) else None
        for name in files if isinstance(files, list) else []:
            if isinstance(name, str) and POLICY_FILE_RE.match(name):
                yield name


def named_policy_files(stack_data: Iterable[Mapping[str, Any]], project_dir: Path) -> list[str]:
    """Every file of policies/ that a stack names (each role's policyFiles, the base branch's
    project-level roles included), and the self-service document; relative to the project."""
    names: set[str] = set()
    for data in stack_data:
        config = data.get("config")
        if isinstance(config, dict):
            names.update(_role_files(config.get(f"{NAMESPACE}:roles")))
    with contextlib.suppress(StackFileError):  # the base branch's own Pulumi.yaml: its reader reports it at plan time
        names.update(_role_files(project_config(project_dir).get("roles")))
    files = [f"{POLICIES_DIR}/{n}" for n in names] + [f"{POLICIES_DIR}/{SOURCE_POLICIES_DIR}/{SELF_SERVICE_FILE}"]
    return sorted(files)


def _policy_text(path: Path, root: Path) -> bytes:
    relative = path.relative_to(root)
    for parent in reversed(relative.parents[:-1]):  # policies/, policies/source/: plain folders
        _plain(root / parent, root)
    _plain(path, root)
    if path.is_dir():
        raise NotDataError(f"{relative.as_posix()}: a folder; expected a JSON policy document")
    data = path.read_bytes()
    if len(data) > MAX_POLICY_BYTES:
        raise NotDataError(
            f"{relative.as_posix()}: {len(data):,} bytes; expected a policy document of at most {MAX_POLICY_BYTES:,}"
        )
    try:
        strict_json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise NotDataError(
            f"{relative.as_posix()}: not a JSON text ({show(str(error))}); expected a JSON policy document"
        ) from None
    return data


def take(pull_request: Path, project_dir: Path = PROJECT_DIR) -> list[str]:
    """Replace the stack files and policies/ of `project_dir` by the pull request's; returns
    what was taken, relative to the project (sorted). Checks everything before changing anything."""
    pull_request = pull_request.resolve()
    destination = stack_dir(project_dir)  # the base branch's Pulumi.yaml decides where
    origin = pull_request / destination.relative_to(project_dir)
    incoming = stack_files(origin, pull_request)
    base_files = {p.name: p for p in stack_files(destination, project_dir)}
    read: list[Mapping[str, Any]] = []
    for path in incoming:
        where = path.relative_to(pull_request).as_posix()
        data = _read(path, where)
        base = base_files.get(path.name)
        if base is not None and base.read_bytes() == path.read_bytes():
            read.append(data)  # the base branch's own file, byte for byte: reviewed on the base branch
            continue
        base_data = None
        if base is not None:
            try:
                base_data = _read(base, base.name)
            except NotDataError:
                base_data = {}  # an unreadable base file: any secrets key in the pull request is a change
        check_stack_file(data, base_data, where)
        read.append(data)
    policies: dict[str, bytes] = {}
    for relative in named_policy_files(read, project_dir):
        path = pull_request / relative
        if path.exists() or path.is_symlink():
            policies[relative] = _policy_text(path, pull_request)
    for old in base_files.values():
        old.unlink()
    for path in incoming:
        shutil.copyfile(path, destination / path.name)
    shutil.rmtree(project_dir / POLICIES_DIR, ignore_errors=True)
    for relative, document in policies.items():
        target = project_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(document)
    taken = [(destination / p.name).relative_to(project_dir).as_posix() for p in incoming] + list(policies)
    return sorted(taken)


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
    print(f"took {len(taken)} files of the pull request: its stack files and the policy documents they name", file=sys.stderr)
    print(json.dumps(taken), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
