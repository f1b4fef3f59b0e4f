"""The organisation's service and resource control policies in force for an account, per level
root -> OU... -> account, from the `--organisation DIR` folder (as AWS's CLI printed it; the
read step, crossaccount/read/organisation.py, parsed its files). Pure: no I/O.

What AWS documents, and this module models:

- SCPs: "For a permission to be allowed for a specific account, there must be an explicit Allow
  statement at every level from the root through each OU in the direct path to the account
  (including the target account itself)"; a Deny at any level denies
  (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html).
  So the SCPs of an account are its levels, each the policies attached directly to that entity.
- RCPs: the same levels for the account that owns the resource; `RCPFullAWSAccess` is attached to
  the root, every OU and every account and cannot be detached
  (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html).
- The management account: "SCPs don't affect users or roles in the management account"
  (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html) and
  "RCPs don't affect resources in the management account"
  (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html):
  its levels are empty, which `evaluate` reads as "not considered".
- A policy type not enabled at the root is not in force (list-roots' `PolicyTypes`); an account
  outside the organisation (not in list-accounts) is governed by none of its policies.
- Every root, OU and account keeps at least one policy of an enabled type: Organizations refuses
  to detach the last one (ConstraintViolationException, MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED,
  in the API reference). A level of the snapshot with none means the snapshot is incomplete: refused.

Every problem is reported together in one `OrganisationError`, naming the file, the key and the
value (JSON-quoted, so a control character shows as an escape) and what is expected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from crossaccount.errors import show
from crossaccount.inputs import OrganisationError, OrganisationFolder

from .types import Policy

ControlKind = Literal["scp", "rcp"]
POLICY_TYPES: dict[ControlKind, str] = {"scp": "SERVICE_CONTROL_POLICY", "rcp": "RESOURCE_CONTROL_POLICY"}
NAMES: dict[ControlKind, str] = {"scp": "SCPs", "rcp": "RCPs"}

ACCOUNT_ID = re.compile(r"^\d{12}\Z", re.ASCII)
OU_ID = re.compile(r"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}\Z", re.ASCII)
ROOT_ID = re.compile(r"^r-[0-9a-z]{4,32}\Z", re.ASCII)
POLICY_ID = re.compile(r"^p-[0-9a-zA-Z_]{8,128}\Z", re.ASCII)
ORGANISATION_ID = re.compile(r"^o-[a-z0-9]{10,32}\Z", re.ASCII)
"""The patterns of botocore's model of AWS Organizations (service-2.json: AccountId, ParentId,
RootId, PolicyId, OrganizationId)."""
PLAIN_NAME = re.compile(r"^[A-Za-z0-9 _+=,.@:/-]{1,128}\Z", re.ASCII)
"""A policy name shown as it is in a source; any other name is shown JSON-quoted."""
TARGET_ID = {"ACCOUNT": ACCOUNT_ID, "ORGANIZATIONAL_UNIT": OU_ID, "ROOT": ROOT_ID}
MAX_OU_DEPTH = 5
"""AWS Organizations' quota: OUs nest at most five levels deep under the root."""


@dataclass(frozen=True)
class Organisation:
    """Which SCPs and RCPs are in force for each account of one organisation."""

    id: str
    management_account: str
    root: str
    enabled: frozenset[ControlKind]
    """The policy types enabled at the root (list-roots' PolicyTypes with Status ENABLED)."""
    accounts: Mapping[str, str]
    """Account id -> its name (list-accounts)."""
    paths: Mapping[str, tuple[str, ...]]
    """Account id -> the entities from the root to it: (root, OU..., account)."""
    attached: Mapping[tuple[ControlKind, str], tuple[Policy, ...]]
    """(kind, root/OU/account id) -> the policies attached directly to it, by policy id."""

    def levels(self, kind: ControlKind, account: str) -> tuple[tuple[Policy, ...], ...]:
        """The policies of `kind` per level root -> OU... -> account for `account` (the caller's
        for SCPs, the resource owner's for RCPs); empty when they do not apply (`not_applied`)."""
        if self.not_applied(kind, account):
            return ()
        return tuple(self.attached.get((kind, entity), ()) for entity in self.paths[account])

    def scps(self, account: str) -> tuple[tuple[Policy, ...], ...]:
        return self.levels("scp", account)

    def rcps(self, account: str) -> tuple[tuple[Policy, ...], ...]:
        return self.levels("rcp", account)

    def not_applied(self, kind: ControlKind, account: str) -> str | None:
        """Why no policy of `kind` applies to `account`, or None when they do."""
        if account == self.management_account:
            return f"{NAMES[kind]} do not apply to the management account {account} of {self.id}"
        if account not in self.accounts:
            return f"account {account} is not in the organisation {self.id} (list-accounts)"
        if kind not in self.enabled:
            return f"{NAMES[kind]} are not enabled at the root {self.root} of {self.id} (list-roots)"
        return None


def read_organisation(folder: OrganisationFolder) -> Organisation:
    """The organisation the folder describes; `OrganisationError` listing every problem."""
    reader = _Reader(folder)
    organisation = reader.organisation()
    if reader.problems:
        raise OrganisationError(reader.problems)
    return organisation


class _Reader:
    def __init__(self, folder: OrganisationFolder) -> None:
        self.folder = folder
        self.problems: list[str] = []

    # --- how problems are said -------------------------------------------------------------

    def problem(self, name: str, path: tuple[str | int, ...], value: Any, expected: str) -> None:
        where = f"{self.folder.where}{name}"
        key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".") or "the top level"
        self.problems.append(f"{where}: {key}: got {show(value)}; expected {expected}")

    def missing(self, name: str, why: str, command: str) -> None:
        self.problems.append(
            f"{self.folder.where}{name}: not found ({why}); expected what `aws organizations {command} --output json` prints"
        )

    def field(
        self, name: str, data: Any, path: tuple[str | int, ...], pattern: re.Pattern[str] | None, expected: str
    ) -> str | None:
        """`data` at `path` (the last key looked up in it) as a string matching `pattern`."""
        value = data.get(path[-1]) if isinstance(data, dict) else None
        if not isinstance(value, str) or (pattern is not None and not pattern.match(value)):
            self.problem(name, path, value, expected)
            return None
        return value

    def listing(self, name: str, key: str) -> list[Any] | None:
        """The list under `key` of a listing file, every page of it (the CLI joins the pages,
        and prints a NextToken only when told to stop part-way: --max-items, --no-paginate);
        None (reported) when the file has no such list."""
        data = self.folder.files.get(name)
        if not isinstance(data, dict) or not isinstance(data.get(key), list):
            found = data.get(key) if isinstance(data, dict) else data
            self.problem(
                name,
                (key,) if isinstance(data, dict) else (),
                found,
                f"a list under {key!r} (what the CLI prints: {{{key!r}: [...]}})",
            )
            return None
        if "NextToken" in data:
            self.problem(
                name,
                ("NextToken",),
                data["NextToken"],
                "no NextToken: the listing stops part-way (run the command without --max-items or --no-paginate)",
            )
        return list(data[key])

    # --- the files ---------------------------------------------------------------------------

    def organisation(self) -> Organisation:
        org_id, management = self.describe_organisation()
        root, enabled = self.root()
        accounts = self.accounts()
        attached: dict[tuple[ControlKind, str], list[Policy]] = {}
        for kind in ("scp", "rcp"):
            self.policies(kind, attached)
        paths = {account: path for account in accounts if (path := self.path(account, root)) is not None}
        frozen = {k: tuple(sorted(v, key=lambda p: p.source)) for k, v in sorted(attached.items())}
        self.check_every_level(enabled, paths, frozen, management)
        return Organisation(org_id or "", management or "", root or "", enabled, accounts, paths, frozen)

    def describe_organisation(self) -> tuple[str | None, str | None]:
        name = "organization.json"
        data = self.folder.files.get(name)
        org = data.get("Organization") if isinstance(data, dict) else None
        if not isinstance(org, dict):
            self.problem(name, ("Organization",), org, "an object (what describe-organization prints)")
            return None, None
        org_id = self.field(
            name, org, ("Organization", "Id"), ORGANISATION_ID, "an organisation id (o- and 10 to 32 letters or digits)"
        )
        management = self.field(
            name, org, ("Organization", "MasterAccountId"), ACCOUNT_ID, "the management account's id (12 digits)"
        )
        return org_id, management

    def root(self) -> tuple[str | None, frozenset[ControlKind]]:
        name = "roots.json"
        roots = self.listing(name, "Roots")
        if roots is None:
            return None, frozenset()
        if len(roots) != 1:
            self.problem(
                name,
                ("Roots",),
                [r.get("Id") if isinstance(r, dict) else r for r in roots],
                "exactly one root (an organisation has one)",
            )
            return None, frozenset()
        root_id = self.field(name, roots[0], ("Roots", 0, "Id"), ROOT_ID, "a root id (r- and 4 to 32 letters or digits)")
        types = roots[0].get("PolicyTypes") if isinstance(roots[0], dict) else None
        if not isinstance(types, list) or not all(isinstance(t, dict) for t in types):
            self.problem(name, ("Roots", 0, "PolicyTypes"), types, "a list of {Type, Status} (what list-roots prints)")
            return root_id, frozenset()
        pairs = {
            (t.get("Type"), t.get("Status")) for t in types if isinstance(t.get("Type"), str) and isinstance(t.get("Status"), str)
        }
        return root_id, frozenset(k for k, t in POLICY_TYPES.items() if (t, "ENABLED") in pairs)

    def accounts(self) -> dict[str, str]:
        name = "accounts.json"
        found: dict[str, str] = {}
        for i, account in enumerate(self.listing(name, "Accounts") or []):
            account_id = self.field(name, account, ("Accounts", i, "Id"), ACCOUNT_ID, "an account id (12 digits)")
            if account_id is None:
                continue
            if account_id in found:
                self.problem(name, ("Accounts", i, "Id"), account_id, "each account once")
            account_name = account.get("Name")
            found[account_id] = account_name if isinstance(account_name, str) else ""
        return dict(sorted(found.items()))

    def policies(self, kind: ControlKind, attached: dict[tuple[ControlKind, str], list[Policy]]) -> None:
        name = f"policies-{POLICY_TYPES[kind]}.json"
        seen: set[str] = set()
        for i, summary in enumerate(self.listing(name, "Policies") or []):
            policy_id = self.field(
                name, summary, ("Policies", i, "Id"), POLICY_ID, "a policy id (p- and 8 to 128 letters, digits or _)"
            )
            if policy_id is None:
                continue
            if policy_id in seen:
                self.problem(name, ("Policies", i, "Id"), policy_id, "each policy once")
                continue
            seen.add(policy_id)
            if summary.get("Type") != POLICY_TYPES[kind]:
                self.problem(
                    name, ("Policies", i, "Type"), summary.get("Type"), f"{show(POLICY_TYPES[kind])}, the type this file lists"
                )
            policy = self.describe_policy(kind, policy_id)
            if policy is not None:
                for target in self.targets(policy_id):
                    source = f"{policy.source} on {target}"
                    attached.setdefault((kind, target), []).append(Policy(policy.document, source, kind))

    def describe_policy(self, kind: ControlKind, policy_id: str) -> Policy | None:
        name = f"policy-{policy_id}.json"
        if name not in self.folder.files:
            self.missing(
                name, f"{policy_id} is listed in policies-{POLICY_TYPES[kind]}.json", f"describe-policy --policy-id {policy_id}"
            )
            return None
        data = self.folder.files[name]
        policy = data.get("Policy") if isinstance(data, dict) else None
        summary = policy.get("PolicySummary") if isinstance(policy, dict) else None
        if not isinstance(summary, dict):
            self.problem(name, ("Policy", "PolicySummary"), summary, "an object (what describe-policy prints)")
            return None
        ok = self.field(
            name,
            summary,
            ("Policy", "PolicySummary", "Id"),
            re.compile(f"^{re.escape(policy_id)}\\Z"),
            f"{show(policy_id)}, the id in the file's name",
        )
        ok = (
            self.field(
                name,
                summary,
                ("Policy", "PolicySummary", "Type"),
                re.compile(f"^{POLICY_TYPES[kind]}\\Z"),
                show(POLICY_TYPES[kind]),
            )
            and ok
        )
        policy_name = self.field(name, summary, ("Policy", "PolicySummary", "Name"), None, "the policy's name (a string)")
        document = self.folder.contents.get(name)
        if not isinstance(document, dict) or "Statement" not in document:
            shown = document if name in self.folder.contents else policy.get("Content") if isinstance(policy, dict) else None
            self.problem(name, ("Policy", "Content"), shown, "a policy document (JSON with Version and Statement) in a string")
            return None
        if not ok or policy_name is None:
            return None
        label = policy_name if PLAIN_NAME.match(policy_name) else show(policy_name)
        return Policy(document, f"{kind} {policy_id} ({label})", kind)

    def targets(self, policy_id: str) -> list[str]:
        name = f"targets-{policy_id}.json"
        if name not in self.folder.files:
            self.missing(name, f"{policy_id} is listed", f"list-targets-for-policy --policy-id {policy_id}")
            return []
        found: list[str] = []
        for i, target in enumerate(self.listing(name, "Targets") or []):
            kind = target.get("Type") if isinstance(target, dict) else None
            if not isinstance(kind, str) or kind not in TARGET_ID:
                self.problem(name, ("Targets", i, "Type"), kind, "ACCOUNT, ORGANIZATIONAL_UNIT or ROOT")
                continue
            target_id = self.field(
                name, target, ("Targets", i, "TargetId"), TARGET_ID[kind], f"the id of the {kind.lower().replace('_', ' ')}"
            )
            if target_id is not None:
                found.append(target_id)
        return found

    def path(self, account: str, root: str | None) -> tuple[str, ...] | None:
        """(root, OU..., account), following parents-<id>.json from the account up to the root."""
        chain = [account]
        while True:
            child = chain[-1]
            name = f"parents-{child}.json"
            found = self.parent(name, account, child)
            if found is None:
                return None
            kind, parent = found
            if kind == "ROOT":
                if root is not None and parent != root:
                    self.problem(name, ("Parents", 0, "Id"), parent, f"the root of roots.json, {show(root)}")
                    return None
                return (parent, *reversed(chain))
            if parent in chain:
                loop = " -> ".join([*chain, parent])
                self.problem(name, ("Parents", 0, "Id"), parent, f"a parent above {child}, not a loop ({loop})")
                return None
            if len(chain) > MAX_OU_DEPTH:
                wanted = f"the root within {MAX_OU_DEPTH} OUs of account {account} (OUs nest at most five deep)"
                self.problem(name, ("Parents", 0, "Id"), parent, wanted)
                return None
            chain.append(parent)

    def parent(self, name: str, account: str, child: str) -> tuple[str, str] | None:
        """(ROOT or ORGANIZATIONAL_UNIT, its id): the one parent parents-<child>.json names."""
        if name not in self.folder.files:
            why = (
                f"account {account}'s path to the root reaches {child}" if child != account else f"{account} is in accounts.json"
            )
            self.missing(name, why, f"list-parents --child-id {child}")
            return None
        parents = self.listing(name, "Parents")
        if parents is None:
            return None
        if len(parents) != 1:
            ids = [p.get("Id") if isinstance(p, dict) else p for p in parents]
            self.problem(name, ("Parents",), ids, "exactly one parent (an account or OU has one)")
            return None
        kind = parents[0].get("Type") if isinstance(parents[0], dict) else None
        pattern = ROOT_ID if kind == "ROOT" else OU_ID if kind == "ORGANIZATIONAL_UNIT" else None
        if kind is None or pattern is None:
            self.problem(name, ("Parents", 0, "Type"), kind, "ROOT or ORGANIZATIONAL_UNIT")
            return None
        what = "a root id (r- and 4 to 32 letters or digits)" if kind == "ROOT" else "an OU id (ou-xxxx-xxxxxxxx)"
        parent = self.field(name, parents[0], ("Parents", 0, "Id"), pattern, what)
        return None if parent is None else (kind, parent)

    def check_every_level(
        self,
        enabled: frozenset[ControlKind],
        paths: Mapping[str, tuple[str, ...]],
        attached: Mapping[tuple[ControlKind, str], tuple[Policy, ...]],
        management: str | None,
    ) -> None:
        """An enabled type with no policy on an entity of a member account's path: AWS keeps at least one."""
        reported: set[tuple[str, str]] = set()
        for kind in sorted(enabled):
            for account, path in paths.items():
                if account == management:
                    continue
                for entity in path:
                    if (kind, entity) not in attached and (kind, entity) not in reported:
                        reported.add((kind, entity))
                        self.problems.append(
                            f"{self.folder.where}targets-*.json: no {NAMES[kind][:-1]} is attached to {entity} (on the path of account "
                            f"{account}); expected at least one, as Organizations keeps on every root, OU and account while "
                            f"{NAMES[kind]} are enabled: the snapshot is incomplete (a targets-<policy id>.json missing or cut short)"
                        )
