"""The stacks of this project as GitHub Actions matrices, for the preview and deploy workflows.

    python -m tools.commands.ci_matrix                       # {"include": [{"stack": "utils", ...}, ...]}
    python -m tools.commands.ci_matrix --github-output       # people=..., targets=..., all=... lines
    python -m tools.commands.ci_matrix --github-output --changed-against base   # a pull request's

One entry per `Pulumi.<stack>.yaml`, read with the same reader and settings as `make plan`,
with what a workflow needs to reach both accounts through GitHub's OIDC provider: each side's
account id, partition, region and the `profile` the stack's provider uses (the workflow writes
that profile with `aws-actions/configure-aws-credentials`' `aws-profile`, so the stack file
works unchanged in CI and on a laptop), and the stack's `kind`
(`crossaccount.settings.organisation.stack_kind`):

- `people`: the people's stack of a source account (creates the users; holds every person's
  assume-role policies, which name the roles of the roles-only stacks too);
- `roles`: a roles-only stack (no `users` key); `legacy`: a stack that re-lists people with
  `create: false` and attaches its own policies to them.

The deploy order that loses no access (issue 18): every people's stack first (an identity
policy may name a role that does not exist yet; that is allowed), then the other stacks, whose
trust policies name users that now exist, in parallel (each touches only its own target
account and the people's users, never another target stack's resources), then a convergence
check of every stack. `--github-output` writes the matrices as `people`, `targets` and `all`
(each `{"include": [...]}`) plus `has-people` / `has-targets` (`true`/`false`: GitHub refuses
an empty matrix, so a workflow skips a job with nothing to run).

`--changed-against DIR` (a pull request's preview): DIR holds the base branch's stack files and
policies/; only what the pull request changes is previewed: a stack whose file is new or
changed, every stack when a file under policies/ changed, and every people's stack as soon as
any stack file changed, was added or removed (its identity policies cover every roles-only
stack of its source account).

Exit 2 with one error naming the stack key when a side has no `profile` (CI reaches each
account through that profile name), when both sides share a profile but name different
accounts (one profile reaches one account), or the settings are bad.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from crossaccount.errors import SettingsError, key
from crossaccount.pipeline import check_stack
from crossaccount.read.project import stack_dir, stack_file_name
from tools.paths import PROJECT_DIR

# The two roles each account needs for CI (ci-roles/ and the README's "Workflows" section).
PREVIEW_ROLE = "cross-account-roles-ci-preview"
DEPLOY_ROLE = "cross-account-roles-ci-deploy"


def stacks(project_dir: Path = PROJECT_DIR) -> list[str]:
    """The stacks whose files are in the project's stack folder (`stackConfigDir`, honoured)."""
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stack_dir(project_dir).glob("Pulumi.*.yaml"))


def _entry(project_dir: Path, stack: str, problems: list[str]) -> dict[str, Any]:
    loaded = check_stack(project_dir, stack).loaded  # the program's pipeline: Pulumi.yaml's values merged, as the engine does
    s = loaded.settings
    entry: dict[str, Any] = {"stack": stack, "kind": loaded.kind}
    for side, account in (("source", s.source), ("target", s.target)):
        if not account.profile:
            problems.append(
                f"{stack_file_name(stack)}: {key((side, 'profile'))} is not set; the workflows reach each account "
                "through the profile the stack names (set profile, e.g. the account's short name)"
            )
        entry[side] = {
            "account": account.account_id,
            "partition": account.partition,
            "region": account.region,
            "profile": account.profile or "",
        }
    source, target = entry["source"], entry["target"]
    if (
        source["profile"]
        and source["profile"] == target["profile"]
        and (source["account"], source["partition"])
        != (
            target["account"],
            target["partition"],
        )
    ):
        problems.append(
            f"{stack_file_name(stack)}: {key(('target', 'profile'))} is {source['profile']!r}, the profile of "
            f"{key(('source', 'profile'))}, but the accounts differ ({source['account']}, {target['account']}); "
            "expected one profile per account (a profile reaches one account)"
        )
    entry["createsUsers"] = any(u.create for u in s.users.values())
    return entry


def _order(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The people's stacks first, then the others, each by name."""
    return sorted(entries, key=lambda e: (e["kind"] != "people", e["stack"]))


def matrix(project_dir: Path = PROJECT_DIR) -> dict[str, Any]:
    """Every stack, the people's stacks first."""
    problems: list[str] = []
    entries = [_entry(project_dir, stack, problems) for stack in stacks(project_dir)]
    if problems:
        raise SettingsError(problems, "no matrix was written")
    return {"include": _order(entries)}


def _changed(project_dir: Path, base_dir: Path) -> tuple[set[str], bool, bool]:
    """(stacks whose file is new or changed, whether any stack file changed at all (a removal
    included), whether anything under policies/ changed), comparing bytes with `base_dir`."""

    def files(root: Path, pattern: str) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.glob(pattern)) if p.is_file()}

    mine, theirs = files(stack_dir(project_dir), "Pulumi.*.yaml"), files(stack_dir(base_dir), "Pulumi.*.yaml")
    changed = {name[len("Pulumi.") : -len(".yaml")] for name, text in mine.items() if theirs.get(name) != text}
    policies_changed = files(project_dir / "policies", "**/*") != files(base_dir / "policies", "**/*")
    return changed, bool(changed) or set(mine) != set(theirs), policies_changed


def select_changed(entries: list[dict[str, Any]], project_dir: Path, base_dir: Path) -> list[dict[str, Any]]:
    """The entries a pull request's preview needs (see the module's docstring)."""
    changed, any_stack_file, policies = _changed(project_dir, base_dir)
    return [e for e in entries if policies or e["stack"] in changed or (any_stack_file and e["kind"] == "people")]


def github_output(entries: list[dict[str, Any]]) -> str:
    """The `$GITHUB_OUTPUT` lines: people, targets, all, has-people, has-targets."""
    people = [e for e in entries if e["kind"] == "people"]
    targets = [e for e in entries if e["kind"] != "people"]

    def dump(value: Any) -> str:
        return json.dumps(value, separators=(",", ":"), sort_keys=True)

    return (
        f"people={dump({'include': people})}\n"
        f"targets={dump({'include': targets})}\n"
        f"all={dump({'include': entries})}\n"
        f"has-people={'true' if people else 'false'}\n"
        f"has-targets={'true' if targets else 'false'}\n"
    )


def main(argv: list[str] | None = None, project_dir: Path = PROJECT_DIR) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.commands.ci_matrix", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--github-output", action="store_true", help="write people=, targets=, all=, has-people=, has-targets= lines"
    )
    parser.add_argument(
        "--changed-against", type=Path, metavar="DIR", help="only what differs from the base branch's files in DIR"
    )
    args = parser.parse_args(argv)
    try:
        entries = matrix(project_dir)["include"]
        if args.changed_against is not None:
            entries = select_changed(entries, project_dir, args.changed_against)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.github_output:
        sys.stdout.write(github_output(entries))
    else:
        print(json.dumps({"include": entries}, separators=(",", ":"), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
