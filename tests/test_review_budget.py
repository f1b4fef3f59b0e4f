"""The review at an organisation's size (`plan --max-chars`, `--artifact`): a comment GitHub accepts.

Invariant: the review is never longer than its budget; it leads with what changed (who gains or
loses access, then the documents' widened access, then narrowed, then the resources), then the access rows the change touches, the
findings, and what is unchanged counted per role and per user; a part cut short says exactly
how many rows the artifact has beyond it; the change is cut only where it alone exceeds the
budget; the artifact holds the whole review and the plan JSON; a review that fits is the whole
review, byte for byte. Speed is measured by `make bench`, not here.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import walkthrough_settings
from tests.test_plan import run_cli
from tests.test_review import plan_of
from tools.benchmark.bench import generated_settings, write_project
from tools.commands import plan as plan_module
from tools.render import plan as plan_render
from tools.render.budget import MORE, Part, _fit, render_within, size, touched
from tools.render.plan_diff import diff_plans
from tools.render.review import access_grants, render_review

USERS, ROLES = 320, 32
MORE_LINE = re.compile(r"^… ([\d,]+) more rows in the artifact$")


def changed(raw: dict[str, Any]) -> dict[str, Any]:
    """Three one-line changes: a longer session and a managed policy (both widen), a user
    dropped from a role's trust (narrows)."""
    head = copy.deepcopy(raw)
    head["roles"]["role-0007"]["maxSessionDuration"] = 7200
    head["roles"]["role-0011"]["managedPolicyArns"] = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    head["roles"]["role-0003"]["trustedUsers"] = head["roles"]["role-0003"]["trustedUsers"][:-1]
    return head


@pytest.fixture(scope="module")
def plans() -> tuple[dict[str, Any], dict[str, Any]]:
    raw = generated_settings(USERS, ROLES)
    return plan_of(raw, "bench"), plan_of(changed(raw), "bench")


def section(text: str, heading: str) -> str:
    return text.split(heading + "\n\n", 1)[1].split("\n#", 1)[0].strip("\n")


def test_the_review_fits_its_budget_and_leads_with_the_change_widened_first(plans: tuple[dict[str, Any], dict[str, Any]]) -> None:
    base, head = plans
    assert size(render_review(head, base)) > 100_000  # the whole review would not fit
    text = render_within(head, base, 20_000)
    assert size(text) <= 20_000
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "### Plan for stack `bench`",
        "#### What changed against the base plan (stack `bench`)",
        "##### Who gains or loses access (3)",
        "##### :warning: Widened access (2)",
        "##### Narrowed access (2)",
        "##### Resources",
        "#### Guardrails",
        "#### Who may assume what, now, where the change touches",
        "#### Unchanged, in summary",
    ]
    dropped = generated_settings(USERS, ROLES)["roles"]["role-0003"]["trustedUsers"][-1]
    # By who first: every person of role-0011 gains ReadOnlyAccess through it, every person of
    # role-0007 a longer session (one line each, naming them all); one person loses role-0003.
    trusted = {role: [g.principal for g in access_grants(base) if g.role == role] for role in ("role-0007", "role-0011")}
    assert section(text, "##### Who gains or loses access (3)").splitlines() == [
        f"- :warning: widens: **users {', '.join(sorted(trusted['role-0011']))}**, role `role-0011` in account "
        "444455556666: gains managed ReadOnlyAccess",
        f"- :warning: widens: **users {', '.join(sorted(trusted['role-0007']))}**, role `role-0007` in account "
        "444455556666: longest session 1 h -> 2 h",
        f"- narrows: **user {dropped}**, role `role-0003` in account 444455556666: may no longer assume it",
    ]
    assert len(trusted["role-0007"]) == len(trusted["role-0011"]) == 32
    widened = section(text, "##### :warning: Widened access (2)")
    assert widened.splitlines() == [
        "- **role role-0007**: longest session 3600 s -> 7200 s",
        "- **role role-0011**: policy arn:aws:iam::aws:policy/ReadOnlyAccess attached",
    ]
    narrowed = section(text, "##### Narrowed access (2)").splitlines()
    assert len(narrowed) == 2
    assert all(dropped in line for line in narrowed)
    resources = section(text, "##### Resources").splitlines()[2:]
    assert len(resources) == len(diff_plans(base, head).resources) == 4  # nothing of the change is cut


def test_the_rows_the_change_touches_are_the_changed_roles_and_users(plans: tuple[dict[str, Any], dict[str, Any]]) -> None:
    base, head = plans
    dropped = generated_settings(USERS, ROLES)["roles"]["role-0003"]["trustedUsers"][-1]
    assert touched(diff_plans(base, head), head, base) == ({"role-0003", "role-0007", "role-0011"}, {dropped})
    text = render_within(head, base, 30_000)
    rows = section(text, "#### Who may assume what, now, where the change touches").splitlines()[2:]
    # 31 + 32 + 32 rows of the three roles, and the dropped user's own rows on other roles
    roles_rows = [r for r in rows if re.search(r"`role-00(03|07|11)`", r)]
    assert len(roles_rows) == 31 + 32 + 32
    assert all(r.split(" | ")[7] == "2 h" for r in rows if "`role-0007`" in r)
    others = [r for r in rows if r not in roles_rows]
    assert others  # the dropped user's rows on the roles it keeps, first
    assert all(f"`{dropped}`" in r for r in others)
    assert rows[: len(others)] == others


def test_a_part_cut_short_says_exactly_how_many_rows_are_left(plans: tuple[dict[str, Any], dict[str, Any]]) -> None:
    base, head = plans
    text = render_within(head, base, 20_000)
    unchanged = section(text, "#### Unchanged, in summary")
    intro, roles, users = unchanged.split("\n\n")[:3]
    assert intro.startswith(f"{len(head['resources']) - 4:,} of {len(head['resources']):,} resources unchanged: ")
    # The role counts fit; the user counts are cut, and the line after them counts the rest.
    role_rows = roles.splitlines()[2:]
    assert len(role_rows) == ROLES - 3
    assert role_rows[0] == "| `role-0000` | 32 | `policies/role_permissions_policy.json` |"
    user_rows = users.splitlines()[2:]
    more = unchanged.split("\n\n")[3].splitlines()[0]
    match = MORE_LINE.match(more)
    assert match is not None, more
    assert len(user_rows) + int(match.group(1).replace(",", "")) == USERS - 1  # every user but the one touched


def test_the_cut_uses_the_budget_to_the_character() -> None:
    part = Part(["# h"], ["x" * 9] * 5)
    assert _fit(part, 54) == (["# h", *["x" * 9] * 5], 54)
    assert _fit(part, 50) == (["# h", "x" * 9, "", "… 4 more rows in the artifact"], 45)
    assert _fit(part, 44) == (["# h", "", "… 5 more rows in the artifact"], 35)
    assert _fit(part, 34) == ([], 0)
    assert _fit(Part(["# h"], ["x" * 9] * 5, whole=True), 53) == ([], 0)
    assert MORE.format(n=1234) == "… 1,234 more rows in the artifact"


def test_a_change_larger_than_the_budget_is_cut_with_the_count_and_nothing_else_shown() -> None:
    base = plan_of(generated_settings(32, 1), "bench")
    head = plan_of(generated_settings(USERS, ROLES), "bench")
    text = render_within(head, base, 3_000)
    assert size(text) <= 3_000
    # The change's first part, who gains access (a line per role: its 32 new people), is cut,
    # and nothing after it is shown but the next parts' headings and counts.
    who = text.split("##### Who gains or loses access (", 1)[1]
    count = int(who.split(")", 1)[0])
    assert count == ROLES - 1  # a line per new role, naming its 32 people (role-0000 trusts the same 32 as before)
    lines = who.split("\n\n")[1].splitlines()
    more = MORE_LINE.match(who.split("\n\n")[2].splitlines()[0])
    assert more is not None
    assert len(lines) + int(more.group(1).replace(",", "")) == count
    assert "- **" not in text  # the documents' widened access: its heading and count, no line
    assert "#### Unchanged, in summary" not in text  # the budget went to the change


def test_a_review_that_fits_is_the_whole_review() -> None:
    raw = walkthrough_settings()
    base = plan_of(raw)
    head_raw = copy.deepcopy(raw)
    head_raw["roles"]["s3-list-role"]["maxSessionDuration"] = 7200
    head = plan_of(head_raw)
    assert render_within(head, base, 65_536) == render_review(head, base)
    assert render_within(head, None, 0) == render_review(head)


def test_the_command_writes_the_whole_review_and_plan_as_the_artifact(tmp_path: Path) -> None:
    raw = generated_settings(50, 5)
    (tmp_path / "base").mkdir()
    (tmp_path / "head").mkdir()
    write_project(tmp_path / "base", raw)
    head_raw = copy.deepcopy(raw)
    head_raw["roles"]["role-0002"]["maxSessionDuration"] = 7200
    write_project(tmp_path / "head", head_raw)
    base_json = tmp_path / "base.json"
    out = io.StringIO()
    args = argparse.Namespace(stack="bench", format="json", project_dir=tmp_path / "base")
    assert plan_module.run(args, out) == 0
    base_json.write_text(out.getvalue(), encoding="utf-8")
    outputs = []
    for artifact in ("one", "two"):
        out = io.StringIO()
        args = argparse.Namespace(
            stack="bench",
            format="markdown",
            project_dir=tmp_path / "head",
            against=base_json,
            max_chars=2_000,
            artifact=tmp_path / artifact,
        )
        assert plan_module.run(args, out) == 0
        files = tmp_path / artifact
        outputs.append((out.getvalue(), (files / "bench.md").read_bytes(), (files / "bench.json").read_bytes()))
    assert outputs[0] == outputs[1]  # byte for byte, comment and artifact
    comment, whole, plan_bytes = outputs[0]
    plan = json.loads(plan_bytes)
    base = json.loads(base_json.read_text(encoding="utf-8"))
    assert plan_bytes.decode() == plan_render.render_json(plan_module.plan_stack("bench", tmp_path / "head"))
    assert whole.decode() == render_review(plan, base)
    assert comment == render_within(plan, base, 2_000)
    assert size(comment) <= 2_000
    assert "- **role role-0002**: longest session 3600 s -> 7200 s" in comment


def test_the_budget_is_refused_below_what_the_header_needs_and_outside_markdown(
    walkthrough_project: Path, tmp_path: Path
) -> None:
    project = ("--project-dir", str(walkthrough_project))
    result = run_cli("plan", "--format", "markdown", "--max-chars", "999", *project)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.endswith(
        "error: argument --max-chars: '999': expected 0 (no limit) or a number of characters of at least 1000\n"
    )
    result = run_cli("plan", "--format", "json", "--max-chars", "5000", *project)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "error: --max-chars 5000: only with --format markdown (got --format json)\n"
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    result = run_cli("plan", "--format", "markdown", "--artifact", str(tmp_path / "a-file"), *project)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: --artifact {tmp_path / 'a-file'}: not a folder (a regular file); expected a folder to write <stack>.md and <stack>.json into\n"
    )


def test_after_the_change_every_part_keeps_its_heading_and_count_when_the_budget_is_tight(
    plans: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    base, head = plans
    text = render_within(head, base, 6_000)
    assert size(text) <= 6_000
    touched_rows = section(text, "#### Who may assume what, now, where the change touches")
    unchanged = section(text, "#### Unchanged, in summary").split("\n\n")
    counted = []
    for table, more in [touched_rows.split("\n\n"), unchanged[1:3], unchanged[3:5]]:
        match = MORE_LINE.match(more)
        assert match is not None, more
        counted.append(len(table.splitlines()) - 2 + int(match.group(1).replace(",", "")))
    dropped = generated_settings(USERS, ROLES)["roles"]["role-0003"]["trustedUsers"][-1]
    kept = [g.role for g in access_grants(head) if g.principal == dropped]
    assert len(kept) == 2  # trusted by 3 roles before, one dropped it
    assert counted == [31 + 32 + 32 + len(kept), ROLES - 3, USERS - 1]
