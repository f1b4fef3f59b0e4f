"""The pull request's one comment for every stack (`python -m tools comment`), within GitHub's limit.

Invariant: whatever the number of stacks, the comment is at most 65,536 characters (GitHub's
count); it starts with the marker the workflow finds it by; every changed stack has a row in its
table, widened access first, while the table fits; the stacks with no change are named, not
reviewed; each changed stack's review (what changed first) follows in the table's order, and a
review with no room left is named, never silently dropped.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from crossaccount.resource_types import ROLE
from tests.test_plan import run_cli
from tests.test_review import plan_of
from tools.benchmark.bench import generated_settings
from tools.render.budget import COMMENT_CHARS, size
from tools.render.comment import MARKER, StackPlans, empty_plan, render_comment
from tools.render.plan_diff import diff_plans

Plans = tuple[dict[str, Any], dict[str, Any], dict[str, Any]]
TABLE_HEAD = ["| stack | widened | narrowed | other access changes | resources changed |", "| --- | --- | --- | --- | --- |"]


@pytest.fixture(scope="module")
def plans() -> Plans:
    """A base plan, a head that widens (a longer session on role-0001) and one that only narrows
    (a user dropped from role-0002's trust)."""
    raw = generated_settings(40, 4)
    widened = copy.deepcopy(raw)
    widened["roles"]["role-0001"]["maxSessionDuration"] = 7200
    narrowed = copy.deepcopy(raw)
    narrowed["roles"]["role-0002"]["trustedUsers"] = narrowed["roles"]["role-0002"]["trustedUsers"][:-1]
    return plan_of(raw, "bench"), plan_of(widened, "bench"), plan_of(narrowed, "bench")


def named(plan: dict[str, Any], stack: str) -> dict[str, Any]:
    return {**plan, "stack": stack}


def table_rows(text: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(TABLE_HEAD[0])
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("| `"):
            break
        rows.append(line)
    return rows


def test_no_change_in_any_stack_is_one_line_naming_them(plans: Plans) -> None:
    base, _, _ = plans
    stacks = [StackPlans(name, named(base, name), named(base, name)) for name in ("prod", "people", "dev")]
    assert render_comment(stacks) == (
        f"{MARKER}\n## Review plan\n\n"
        "No stack changes: 3 stack(s) planned against the base branch, the same plan.\n\n"
        "No change: `dev`, `people`, `prod`.\n"
    )


def test_one_changed_stack_among_five_hundred_leads_and_is_reviewed_within_the_limit(plans: Plans) -> None:
    base, widened, _ = plans
    stacks = [StackPlans(f"acct-{i:03d}", named(base, f"acct-{i:03d}"), named(base, f"acct-{i:03d}")) for i in range(500)]
    stacks[321] = StackPlans("acct-321", named(widened, "acct-321"), named(base, "acct-321"))
    text = render_comment(stacks)
    assert size(text) <= COMMENT_CHARS
    assert text.startswith(f"{MARKER}\n## Review plan\n\n1 of 500 stack(s) change, widened access first (a new stack's")
    assert table_rows(text) == ["| `acct-321` | **1** :warning: | 0 | 0 | 1 |"]
    unchanged = next(line for line in text.splitlines() if line.startswith("No change: "))
    assert unchanged.count("`") == 2 * 499
    assert "`acct-321`" not in unchanged
    review = text.split("\n### Plan for stack `acct-321`\n", 1)[1]
    assert "- **role role-0001**: longest session 3600 s -> 7200 s" in review.splitlines()
    assert text.count("### Plan for stack") == 1  # the unchanged stacks are not reviewed


def test_widened_stacks_come_first_and_a_new_stacks_grants_are_widened_access(plans: Plans) -> None:
    base, widened, narrowed = plans
    stacks = [
        StackPlans("a-narrows", named(narrowed, "a-narrows"), named(base, "a-narrows")),
        StackPlans("b-new", named(base, "b-new"), None),
        StackPlans("c-same", named(base, "c-same"), named(base, "c-same")),
        StackPlans("z-widens", named(widened, "z-widens"), named(base, "z-widens")),
    ]
    text = render_comment(stacks)
    resources = len(base["resources"])
    new = text.split("### Plan for stack `b-new`", 1)[1].split("### Plan for stack", 1)[0]
    widened_lines = [line for line in new.splitlines() if line.startswith("- **trust policy of role ")]
    grants = sum(len(json.loads(r["inputs"]["assumeRolePolicy"])["Statement"]) for r in base["resources"] if r["type"] == ROLE)
    assert len(widened_lines) == grants  # each role's trust, new: who may assume it is widened access
    count = len(diff_plans(empty_plan("b-new"), named(base, "b-new")).of("widens"))
    assert f"##### :warning: Widened access ({count})" in new.splitlines()
    assert table_rows(text) == [
        f"| `b-new` (new: no base plan) | **{count}** :warning: | 1 | 0 | {resources} |",  # 1: the self-service Deny
        "| `z-widens` | **1** :warning: | 0 | 0 | 1 |",
        "| `a-narrows` | 0 | 2 | 0 | 2 |",  # the trust policy and the user's assume-role policy
    ]
    reviews = [line for line in text.splitlines() if line.startswith("### Plan for stack")]
    assert reviews == ["### Plan for stack `b-new`", "### Plan for stack `z-widens`", "### Plan for stack `a-narrows`"]
    assert "No change: `c-same`." in text.splitlines()


def test_more_changed_stacks_than_reviews_fit_each_has_its_row_and_the_rest_are_named(plans: Plans) -> None:
    base, widened, narrowed = plans
    stacks = [
        StackPlans(f"s-{i:03d}", named(widened if i % 2 else narrowed, f"s-{i:03d}"), named(base, f"s-{i:03d}"))
        for i in range(200)
    ]
    text = render_comment(stacks)
    assert size(text) <= COMMENT_CHARS
    rows = table_rows(text)
    assert len(rows) == 200
    assert rows[:100] == [f"| `s-{i:03d}` | **1** :warning: | 0 | 0 | 1 |" for i in range(1, 200, 2)]
    reviewed = [line.split("`")[1] for line in text.splitlines() if line.startswith("### Plan for stack")]
    assert 10 < len(reviewed) < 200
    assert reviewed == [r.split("`")[1] for r in rows[: len(reviewed)]]
    last = text.rstrip("\n").splitlines()[-1]
    assert (
        last
        == "_Not shown for want of room (whole, in the artifact): "
        + ", ".join(f"`{r.split('`')[1]}`" for r in rows[len(reviewed) :])
        + "._"
        or last == f"_{200 - len(reviewed)} more stack review(s) not shown for want of room: see the artifact._"
    )


def test_a_table_longer_than_a_comment_stops_with_a_pointer_to_the_artifact(plans: Plans) -> None:
    base, widened, _ = plans
    stacks = [StackPlans(f"account-{i:04d}", named(widened, "x"), named(base, "x")) for i in range(2_000)]
    text = render_comment(stacks)
    assert size(text) <= COMMENT_CHARS
    assert text.startswith(f"{MARKER}\n## Review plan\n\n2000 of 2000 stack(s) change")
    assert text.endswith("\n\n… more rows of this table in the artifact (`review/`), and no review shown for want of room.\n")
    assert 500 < len(table_rows(text)) < 2_000


def test_thousands_of_unchanged_stacks_are_counted_before_any_changed_stacks_review_is_left_out(plans: Plans) -> None:
    """3,000 accounts, three of them changed: the names of the unchanged would fill the comment
    (3,000 x 24 characters); the line counts them and names the first while it fits, and every
    changed stack's review is there."""
    base, widened, narrowed = plans
    empty = {"project": "cross-account-roles", "resources": [], "outputs": {}, "findings": []}
    stacks = [
        StackPlans(f"unchanged-account-{i:04d}", {**empty, "stack": f"u{i}"}, {**empty, "stack": f"u{i}"}) for i in range(3_000)
    ]
    stacks += [
        StackPlans(f"c-{n}", named(p, f"c-{n}"), named(base, f"c-{n}"))
        for n, p in (("1", widened), ("2", narrowed), ("3", widened))
    ]
    text = render_comment(stacks)
    assert size(text) <= COMMENT_CHARS
    reviews = [line for line in text.splitlines() if line.startswith("### Plan for stack")]
    assert reviews == ["### Plan for stack `c-1`", "### Plan for stack `c-3`", "### Plan for stack `c-2`"]
    assert "_Not shown for want of room" not in text
    (line,) = [line for line in text.splitlines() if line.startswith("No change")]
    assert line.startswith("No change in 3,000 stack(s): `unchanged-account-0000`, `unchanged-account-0001`, ")
    named_count = line.count("`unchanged-account-")
    assert 0 < named_count < 3_000
    assert line.endswith(
        f", and {3_000 - named_count:,} more (each one's plan and whole review are in the artifact: "
        "`review/<stack>.json`, `review/<stack>.md`)."
    )


def test_the_comment_is_the_same_text_on_every_run(plans: Plans) -> None:
    base, widened, narrowed = plans
    stacks = [
        StackPlans("prod", named(widened, "prod"), named(base, "prod")),
        StackPlans("dev", named(narrowed, "dev"), named(base, "dev")),
    ]
    assert render_comment(stacks) == render_comment(list(reversed(stacks)))


# --- the command, as the workflow calls it -------------------------------------------------------


def write_artifact(directory: Path, plans: Plans) -> None:
    base, widened, _ = plans
    (directory / "base").mkdir(parents=True)
    for stack, head, before in (("prod", widened, base), ("dev", base, base), ("new", base, None)):
        (directory / f"{stack}.json").write_text(json.dumps(named(head, stack)), encoding="utf-8")
        (directory / f"{stack}.md").write_text(f"the whole review of {stack}\n", encoding="utf-8")
        if before is not None:
            (directory / "base" / f"{stack}.json").write_text(json.dumps(named(before, stack)), encoding="utf-8")


def test_the_command_reads_the_artifact_folder_and_its_base_plans(tmp_path: Path, plans: Plans) -> None:
    write_artifact(tmp_path / "review", plans)
    done = run_cli("comment", str(tmp_path / "review"))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert table_rows(done.stdout)[0].startswith("| `new` (new: no base plan) | **")
    assert table_rows(done.stdout)[1] == "| `prod` | **1** :warning: | 0 | 0 | 1 |"
    assert "No change: `dev`." in done.stdout.splitlines()


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda d: None, "{d}: no <stack>.json; expected the plans plan --artifact writes"),
        (lambda d: (d / "prod.json").write_text("[]", encoding="utf-8"), "{d}/prod.json: "),
        (lambda d: os.mkfifo(d / "prod.json"), "{d}/prod.json: not a regular file (a FIFO, a named pipe); "),
        (lambda d: (d / "prod.json").write_text('{"resources": [], "resources": []}', encoding="utf-8"), "{d}/prod.json: "),
    ],
    ids=["empty-folder", "not-a-plan", "fifo", "duplicate-key"],
)
def test_a_bad_artifact_folder_is_one_error_and_exit_2(tmp_path: Path, make: Any, error: str) -> None:
    directory = tmp_path / "review"
    directory.mkdir()
    make(directory)
    done = run_cli("comment", str(directory))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("error: " + error.format(d=directory)), done.stderr
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_a_comment_limit_below_two_reviews_is_refused(tmp_path: Path) -> None:
    done = run_cli("comment", str(tmp_path), "--max-chars", "1999")
    assert done.returncode == 2
    assert "--max-chars: 1999: expected at least 2,000 characters" in done.stderr


def test_a_plan_whose_attachment_names_a_group_it_does_not_hold_is_one_error_and_exit_2(tmp_path: Path, plans: Plans) -> None:
    """The access table is the access model's view, and the model reads each plan whole
    (crossaccount.access.from_plan): an artifact whose resources do not fit together is refused,
    naming the file's stack, the resource and the input, before any comment is written."""
    base, _, _ = plans
    head = named(base, "prod")
    head["resources"].append(
        {
            "urn": "urn:pulumi:prod::cross-account-roles::aws:iam/groupPolicyAttachment:GroupPolicyAttachment::ghost",
            "type": "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
            "name": "ghost",
            "provider": next(r["provider"] for r in head["resources"] if r.get("account") == "source"),
            "account": "source",
            "inputs": {"group": "ghosts", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
            "options": {},
        }
    )
    directory = tmp_path / "review"
    directory.mkdir()
    (directory / "prod.json").write_text(json.dumps(head), encoding="utf-8")
    (directory / "prod.md").write_text("the whole review of prod\n", encoding="utf-8")
    done = run_cli("comment", str(directory))
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert done.stderr.startswith('error: the plan JSON of stack "prod": resources['), done.stderr
    assert '"ghosts" is not a group of the plan' in done.stderr
    assert done.stderr.count("\n") == 1
