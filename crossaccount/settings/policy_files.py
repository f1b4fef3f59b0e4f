"""The documents a stack names: each role's `policyFiles`, `policyWaivers`, and the source
account's self-service document. The read step has read every file of policies/; here each
name a stack uses is resolved to its document, or to the problem found reading it."""

from __future__ import annotations

from collections.abc import Mapping

from crossaccount.errors import key
from crossaccount.inputs import POLICY_FILE_RE, SELF_SERVICE_FILE, PolicyFile, PolicyFolder

from .models import RoleSettings
from .rules import check_waivers

DENY_WITHOUT_MFA_SID = "DenyAllExceptListedIfNoMFA"
"""The self-service document's Deny that `selfService.enforceMfa` keeps or leaves out."""


def document(folder: PolicyFolder, file_name: str) -> PolicyFile | str:
    """The document `file_name` of `folder`, or the problem naming it."""
    where = f"{folder.where}{file_name}"
    if not POLICY_FILE_RE.match(file_name):
        return f"{where}: not a plain file name; expected <name>.json inside {folder.where} (letters, digits, . _ -)"
    found = folder.files.get(file_name)
    if found is None:
        return f"{where}: file not found in {folder.path}; expected a JSON policy document there"
    return found


def resolve_role_files(
    role: RoleSettings,
    at: tuple[str, ...],
    folder: PolicyFolder,
    found: dict[str, PolicyFile],
    seen: set[str],
    problems: list[str],
) -> None:
    """Each file of the role's policyFiles into `found`; each file is reported once, whoever names it first."""
    for i, file_name in enumerate(role.policy_files):
        if file_name in seen:
            continue
        seen.add(file_name)
        loaded = document(folder, file_name)
        if isinstance(loaded, str):
            problems.append(f"{key((*at, 'policyFiles', i))}: {loaded}")
        else:
            found[file_name] = loaded


def check_policy_waivers(
    policy_waivers: Mapping[str, Mapping[str, str]], roles: Mapping[str, RoleSettings], problems: list[str]
) -> None:
    used_files = sorted({f for role in roles.values() for f in role.policy_files})
    for file_name, waivers in policy_waivers.items():
        if file_name not in used_files:
            problems.append(
                f"{key(('policyWaivers', file_name))}: no role lists this file in policyFiles; "
                f"expected one of {', '.join(used_files) or '(no policy files)'}"
            )
        check_waivers(waivers, ("policyWaivers", file_name), problems)


def self_service_document(folder: PolicyFolder, problems: list[str]) -> PolicyFile | None:
    """AWS's self-service document, which must hold the MFA Deny that `enforceMfa` turns on and off."""
    loaded = document(folder, SELF_SERVICE_FILE)
    if isinstance(loaded, str):
        problems.append(f"{key(('selfService',))}: {loaded}")
        return None
    statements = loaded.document["Statement"]
    listed = statements if isinstance(statements, list) else [statements]
    if not any(isinstance(s, dict) and s.get("Sid") == DENY_WITHOUT_MFA_SID for s in listed):
        problems.append(
            f"{folder.where}{SELF_SERVICE_FILE}: no statement with Sid {DENY_WITHOUT_MFA_SID}; expected AWS's MFA Deny"
        )
        return None
    return loaded
