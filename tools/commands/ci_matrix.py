"""The stacks of this project as a GitHub Actions matrix, for the preview and deploy workflows.

    python -m tools.commands.ci_matrix            # {"include": [{"stack": "utils", ...}, ...]}

One entry per `Pulumi.<stack>.yaml`, read with the same reader and settings as `make plan`,
with what a workflow needs to reach both accounts through GitHub's OIDC provider: each side's
account id, partition, region and the `profile` the stack's provider uses (the workflow writes
that profile with `aws-actions/configure-aws-credentials`' `aws-profile`, so the stack file
works unchanged in CI and on a laptop). Stacks that create users come before stacks that only
reference them (`create: false`): a referenced user must exist before a stack attaches its
policy to it, so the deploy matrix (one stack at a time) follows this order.

Exit 2 with one error naming the stack key when a side has no `profile` (CI reaches each
account through that profile name) or the settings are bad.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from crossaccount.errors import SettingsError, key
from crossaccount.pipeline import check_stack
from crossaccount.read.project import stack_dir
from tools.paths import PROJECT_DIR

# The two roles each account needs for CI (ci-roles/ and docs/workflows.md).
PREVIEW_ROLE = "cross-account-roles-ci-preview"
DEPLOY_ROLE = "cross-account-roles-ci-deploy"


def stacks(project_dir: Path = PROJECT_DIR) -> list[str]:
    """The stacks whose files are in the project's stack folder (`stackConfigDir`, honoured)."""
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stack_dir(project_dir).glob("Pulumi.*.yaml"))


def matrix(project_dir: Path = PROJECT_DIR) -> dict[str, Any]:
    entries = []
    problems = []
    for stack in stacks(project_dir):
        s = check_stack(
            project_dir, stack
        ).loaded.settings  # the program's pipeline: Pulumi.yaml's values merged, as the engine does
        entry: dict[str, Any] = {"stack": stack}
        for side, account in (("source", s.source), ("target", s.target)):
            if not account.profile:
                problems.append(
                    f"Pulumi.{stack}.yaml: {key((side, 'profile'))} is not set; the workflows reach each account "
                    "through the profile the stack names (set profile, e.g. the account's short name)"
                )
            entry[side] = {
                "account": account.account_id,
                "partition": account.partition,
                "region": account.region,
                "profile": account.profile or "",
            }
        entry["createsUsers"] = any(u.create for u in s.users.values())
        entries.append(entry)
    if problems:
        raise SettingsError(problems, "no matrix was written")
    entries.sort(key=lambda e: (not e["createsUsers"], e["stack"]))
    return {"include": entries}


def main() -> int:
    try:
        print(json.dumps(matrix(), separators=(",", ":"), sort_keys=True))
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
