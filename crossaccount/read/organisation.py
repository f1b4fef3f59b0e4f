"""The `--organisation DIR` folder: the organisation's service and resource control policies as
AWS's own CLI prints them (`aws organizations ... --output json`, unchanged), read once.

Which file holds which answer (docs/organisation-policies.md has the commands that make them;
tools/organisation-snapshot.sh runs them):

    organization.json                          describe-organization
    roots.json                                 list-roots
    accounts.json                              list-accounts
    policies-SERVICE_CONTROL_POLICY.json       list-policies --filter SERVICE_CONTROL_POLICY
    policies-RESOURCE_CONTROL_POLICY.json      list-policies --filter RESOURCE_CONTROL_POLICY
    policy-<policy id>.json                    describe-policy --policy-id <policy id>
    targets-<policy id>.json                   list-targets-for-policy --policy-id <policy id>
    parents-<account or OU id>.json            list-parents --child-id <id>

This step reads every file of those names (any other file of the folder is not opened) as strict
JSON (UTF-8, no duplicate key, no NaN, bounded size and nesting), and the policy document each
`policy-<id>.json` holds as a JSON string in `Policy.Content`, strictly too. What the files say
(which policy applies where) is read by `crossaccount.access.organisation`. Every problem is
reported together, in one `OrganisationError` naming the file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from crossaccount.inputs import OrganisationError, OrganisationFolder

from . import json_file, strict_json

REQUIRED = (
    "organization.json",
    "roots.json",
    "accounts.json",
    "policies-SERVICE_CONTROL_POLICY.json",
    "policies-RESOURCE_CONTROL_POLICY.json",
)
PER_ID = re.compile(r"^(policy|targets|parents)-[0-9A-Za-z_-]{1,140}\.json\Z", re.ASCII)
"""`policy-p-abc12345.json`, `targets-p-abc12345.json`, `parents-111122223333.json`,
`parents-ou-ab12-cd34ef56.json`: the ids of AWS Organizations are letters, digits, `_` and `-`."""
MAX_LISTING_BYTES = 32 << 20
"""A listing of every account of a large organisation (a few hundred bytes each): 32 MB is far above any."""
MAX_POLICY_BYTES = 256 << 10
"""describe-policy of the largest SCP (5,120 characters of content, escaped in a JSON string, indented)."""
MAX_DEPTH = 8
"""The CLI's listings nest 5 deep (Roots, a root, PolicyTypes, a type, its Status)."""
MAX_DOCUMENT_DEPTH = 16
"""As for the documents of policies/: a policy nests 5 deep; 16 leaves room for any real one."""
MAX_FILES = 200_000
"""More files than any organisation's snapshot holds: a larger folder is not read past this many names."""
EXPECTED = "expected what `aws organizations ... --output json` prints (docs/organisation-policies.md)"


def read_organisation_folder(folder: Path, where: str) -> OrganisationFolder:
    """Every file of `folder` named as above, parsed; `OrganisationError` listing every problem."""
    where = where if where.endswith("/") else where + "/"
    try:
        names = sorted(n for n in (p.name for p in folder.iterdir()) if n in REQUIRED or PER_ID.match(n))[:MAX_FILES]
    except OSError as exc:
        raise OrganisationError([f"{where}: cannot be read as a folder ({exc.strerror or exc}); {EXPECTED}"]) from None
    problems = [f"{where}{n}: not found; {EXPECTED}" for n in REQUIRED if n not in names]
    files: dict[str, Any] = {}
    contents: dict[str, Any] = {}
    for name in names:
        limit = MAX_POLICY_BYTES if name.startswith("policy-") else MAX_LISTING_BYTES
        try:
            files[name] = json_file.read_json_file(
                folder / name, where + name, EXPECTED, max_bytes=limit, max_depth=MAX_DEPTH, noun="JSON"
            )
        except json_file.JsonFileError as exc:
            problems.append(str(exc))
            continue
        if name.startswith("policy-"):
            problem = _content(files[name], where + name, contents, name)
            if problem:
                problems.append(problem)
    if problems:
        raise OrganisationError(problems)
    return OrganisationFolder(where=where, files=files, contents=contents)


def _content(data: Any, where: str, contents: dict[str, Any], name: str) -> str | None:
    """Parse `Policy.Content` (a policy document in a JSON string) strictly, when it is a string;
    any other shape is the access step's to report."""
    policy = data.get("Policy") if isinstance(data, dict) else None
    text = policy.get("Content") if isinstance(policy, dict) else None
    if not isinstance(text, str):
        return None
    wanted = "expected a policy document (JSON with Version and Statement) in a string"
    try:
        document = strict_json.loads(text)
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        return f"{where}: Policy.Content: not valid JSON ({getattr(exc, 'msg', exc)}); {wanted}"
    except RecursionError:
        return f"{where}: Policy.Content: nested too deeply to be a policy; {wanted}"
    if strict_json.depth(document) > MAX_DOCUMENT_DEPTH:
        return f"{where}: Policy.Content: nested more than {MAX_DOCUMENT_DEPTH} levels deep; {wanted}"
    contents[name] = document
    return None
