"""`make check-all` (`python -m tools check --all`): every stack of the project checked together, as the accounts see them.

    python -m tools check --all [--format text|json] [--project-dir DIR]   (tools/commands/check.py)

Each stack is read, validated, planned and checked exactly as `make check` does it, with the
project read once: the rules across stacks (a person owned twice, a role name two stacks would
create in one account, a person's managed policies counted over every stack that attaches one,
a trusted name no stack declares) are each stack's settings step, so stacks that cannot be
valid together are refused together, each problem naming its file and key. Then, per people's
stack, the people's managed policies against IAM's quota and size limits.

Exit 2 when any stack's settings cannot be read or are refused (on stderr, by file), else 1
when a guardrail error is left in any stack, else 0. JSON: {"stacks": [{stack, file, kind,
problems, findings}], "people": [{stack, source, people, mostPolicies, largestPolicy}],
"migration": [{stack, person, migrating, total, fromPeopleStack, fromMigrating, fromOthers, quota}]}.
Migration: for each legacy stack still in the project, a person whose managed policies would
pass IAM's quota at the step of its migration where both layouts' policies exist
(`crossaccount.plan.organisation.migration_peaks`): a warning, the exit code unchanged.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from crossaccount.access import invariants
from crossaccount.access.model import build_model
from crossaccount.errors import SettingsError
from crossaccount.guardrails import summarise
from crossaccount.guardrails.model import sort_findings
from crossaccount.iam import MANAGED_POLICY_SIZE, MAX_ATTACHED_POLICIES, non_whitespace_length
from crossaccount.inputs import PROJECT_FILE
from crossaccount.pipeline import Checked, check_organisation
from crossaccount.plan.organisation import MigrationPeak, migration_peaks, policies_elsewhere
from crossaccount.read.project import environments_note, stack_file_name
from tools.render import jsontext

KINDS = {"people": "people's stack", "roles": "roles only", "legacy": "people re-listed (legacy)"}


@dataclass(frozen=True)
class PeopleFigures:
    """The people of one people's stack: how many, and the most any one of them holds."""

    stack: str
    source: str
    people: int
    most_policies: tuple[int, str]
    """(managed policies on one user, counted over every stack of the project, that user)."""
    largest_policy: tuple[int, str]
    """(non-whitespace characters of the largest assume-role policy, its name)."""

    def line(self) -> str:
        count, who = self.most_policies
        size, name = self.largest_policy
        return (
            f"{stack_file_name(self.stack)}: {self.people} {'person' if self.people == 1 else 'people'} of source account {self.source}; at most {count} managed "
            f"policies on one person ({who or '-'}; AWS attaches at most {MAX_ATTACHED_POLICIES}), the largest assume-role "
            f"policy {size:,} of {MANAGED_POLICY_SIZE:,} characters ({name or '-'})"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "source": self.source,
            "people": self.people,
            "mostPolicies": {"count": self.most_policies[0], "user": self.most_policies[1]},
            "largestPolicy": {"characters": self.largest_policy[0], "name": self.largest_policy[1]},
        }


def people_figures(stack: str, checked: Checked) -> PeopleFigures:
    """A people's stack's figures: each created user's managed policies here and elsewhere."""
    users = [u for u in checked.plan.users if u.create]
    elsewhere = policies_elsewhere(checked.loaded, [u.name for u in users])
    counts = [(u.attached_policies + sum(n for _, n in elsewhere.get(u.name, [])), u.name) for u in users]
    sizes = [(non_whitespace_length(p.document), p.name) for u in users for p in u.assume_policies]
    return PeopleFigures(
        stack=stack,
        source=checked.loaded.settings.source.account_id,
        people=len(users),
        most_policies=max(counts, key=lambda c: (c[0], c[1]), default=(0, "")),
        largest_policy=max(sizes, key=lambda s: (s[0], s[1]), default=(0, "")),
    )


def migration_warnings(results: Mapping[str, Checked | SettingsError]) -> list[tuple[str, MigrationPeak]]:
    """(people's stack, peak) for each person a legacy stack's migration would take past the quota."""
    found = []
    for stack, result in results.items():
        if isinstance(result, Checked) and result.loaded.kind == "people":
            created = [u.name for u in result.plan.users if u.create]
            found += [(stack, p) for p in migration_peaks(result.loaded, created, MAX_ATTACHED_POLICIES)]
    return found


def migration_line(stack: str, peak: MigrationPeak) -> str:
    people = stack_file_name(stack)
    others = "".join(f", {n} from {f}" for f, n in peak.others)
    return (
        f"warning: migrating {peak.legacy_file} to roles only (docs/organisation.md): {peak.user} would hold {peak.total} "
        f"managed policies at the step where both layouts' policies exist, after `pulumi up` of {people} and before that "
        f"of {peak.legacy_file} ({peak.people_count} from {people}, {peak.legacy_count} still from {peak.legacy_file}"
        f"{others}), and AWS attaches at most {MAX_ATTACHED_POLICIES}: that `up` of {people} would stop with "
        f"LimitExceeded. Way through: raise the IAM quota 'Managed policies per user' to 20 (Service Quotas) before the "
        f"migration, or migrate the other stacks that re-list {peak.user} first, or `pulumi up` {peak.legacy_file} "
        f"first and {people} right after (a window in which {peak.user} cannot assume its roles)"
    )


def _stack_line(stack: str, result: Checked | SettingsError) -> str:
    if isinstance(result, SettingsError):
        project = sum(p.startswith(f"{PROJECT_FILE}: ") for p in result.problems)
        of_them = f"; {project} of them in {PROJECT_FILE}" if project else ""
        return f"{stack_file_name(stack)}: refused, {len(result.problems)} problem(s) in its settings (listed on stderr{of_them})"
    return f"{stack_file_name(stack)} ({KINDS[result.loaded.kind]}): {summarise(result.findings)}"


def render_text(
    results: Mapping[str, Checked | SettingsError],
    figures: Sequence[PeopleFigures],
    migrations: Sequence[tuple[str, MigrationPeak]] = (),
) -> str:
    refused = sum(isinstance(r, SettingsError) for r in results.values())
    blocked = sum(isinstance(r, Checked) and r.blocked for r in results.values())
    lines = [f"Organisation check: {len(results)} stacks, {refused} refused by their settings, {blocked} with guardrail errors"]
    for stack, result in results.items():
        lines.append(_stack_line(stack, result))
        if isinstance(result, Checked):
            lines += [f"  {f.line()}" for f in result.findings]
    lines += [f.line() for f in figures]
    lines += [migration_line(stack, peak) for stack, peak in migrations]
    return "\n".join(lines) + "\n"


def render_json(
    results: Mapping[str, Checked | SettingsError],
    figures: Sequence[PeopleFigures],
    migrations: Sequence[tuple[str, MigrationPeak]] = (),
) -> str:
    stacks = []
    for stack, result in results.items():
        checked = result if isinstance(result, Checked) else None
        stacks.append(
            {
                "stack": stack,
                "file": stack_file_name(stack),
                "kind": checked.loaded.kind if checked else None,
                "problems": [] if checked else list(result.problems),  # type: ignore[union-attr]
                "findings": [f.as_dict() for f in checked.findings] if checked else [],
            }
        )
    migration = [
        {
            "stack": stack,
            "person": p.user,
            "migrating": p.legacy_file,
            "total": p.total,
            "fromPeopleStack": p.people_count,
            "fromMigrating": p.legacy_count,
            "fromOthers": [{"file": f, "count": n} for f, n in p.others],
            "quota": MAX_ATTACHED_POLICIES,
        }
        for stack, p in migrations
    ]
    return jsontext.dumps({"stacks": stacks, "people": [f.as_dict() for f in figures], "migration": migration}) + "\n"


def with_invariants(
    results: Mapping[str, Checked | SettingsError], only: str | None = None
) -> dict[str, Checked | SettingsError]:
    """`results` with each stack's access invariants (`accessInvariants`, docs/access.md) judged
    against the access model of every stack, their findings among the stack's own (`only`: that
    stack's alone). The model is built once, and only when some stack declares an invariant."""
    judged = dict(results)
    wanted = {
        s: r for s, r in results.items() if isinstance(r, Checked) and r.loaded.settings.access_invariants and only in (None, s)
    }
    if not wanted:
        return judged
    refused = [stack_file_name(s) for s, r in results.items() if isinstance(r, SettingsError)]
    model = build_model({s: r.plan for s, r in results.items() if isinstance(r, Checked)}) if not refused else None
    for stack, checked in wanted.items():
        declared = checked.loaded.settings.access_invariants
        found = (
            invariants.findings(model, declared, stack_file_name(stack))
            if model is not None
            else invariants.not_checked(declared, refused)
        )
        judged[stack] = replace(checked, findings=tuple(sort_findings([*checked.findings, *found])))
    return judged


def run(project_dir: Path, fmt: str, out: TextIO | None = None, err: TextIO | None = None) -> int:
    results = with_invariants(check_organisation(project_dir))
    if not results:
        raise SettingsError([f"{project_dir}: no Pulumi.<stack>.yaml in the project; expected at least one stack file"])
    figures = [people_figures(stack, r) for stack, r in results.items() if isinstance(r, Checked) and r.loaded.kind == "people"]
    migrations = migration_warnings(results)
    (out or sys.stdout).write(
        render_json(results, figures, migrations) if fmt == "json" else render_text(results, figures, migrations)
    )
    for stack, result in results.items():
        if isinstance(result, Checked) and result.environments:
            (err or sys.stderr).write(f"warning: {environments_note(stack_file_name(stack), result.environments)}\n")
    refused = {s: r for s, r in results.items() if isinstance(r, SettingsError)}
    _report_refused(refused, err or sys.stderr)
    if refused:
        return 2
    return 1 if any(isinstance(r, Checked) and r.blocked for r in results.values()) else 0


def _report_refused(refused: Mapping[str, SettingsError], err: TextIO) -> None:
    """Each refused stack's problems under its file; a problem of `Pulumi.yaml` (a key every
    stack inherits) once, under `Pulumi.yaml`, with the stacks it stops."""
    project: dict[str, list[str]] = {}
    for stack, error in refused.items():
        for problem in error.problems:
            if problem.startswith(f"{PROJECT_FILE}: "):
                project.setdefault(problem, []).append(stack_file_name(stack))
    if project:
        listing = "".join(f"\n  - {p.removeprefix(PROJECT_FILE + ': ')} (stops {', '.join(f)})" for p, f in project.items())
        err.write(f"error: {PROJECT_FILE}: {len(project)} problem(s), in the config every stack inherits{listing}\n")
    for stack, error in refused.items():
        own = [p for p in error.problems if p not in project]
        if own:
            listing = "".join(f"\n  - {p}" for p in own)
            err.write(f"error: {stack_file_name(stack)}: {len(own)} problem(s){listing}\n")
