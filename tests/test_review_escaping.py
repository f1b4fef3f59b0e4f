"""The reviewer's text cannot be forged (issue 27): every string that comes from a file is
printed as that text, never as markup, in the plan Markdown, the diff, the access table, the
diagram and the comment (the job summary is the comment's text).

Each review is rendered by `cmarkgfm`, the Python binding of GitHub's own renderer
(cmark-gfm), with GitHub's extensions (table, autolink, tagfilter, strikethrough) and raw HTML
let through as GitHub lets `<details>` through. A review whose names, stack, accounts, waiver
reasons and base plan fields are hostile must render to the same HTML structure as the review
of the same plan with plain names: no heading, HTML comment, link, image, tag, table row or
cell, code fence or details/summary the program did not write. And the reviewer sees the
hostile string itself (its invisible characters made visible) in a code span, where GitHub
turns no `@mention`, `#123` or URL into a link.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import walkthrough_settings
from tests.hostile.cases import BY_NAME
from tests.hostile.cases.readers import HOSTILE_TEXT, REVIEW_CASES
from tests.hostile.harness import project_of, run_case
from tests.node_tools import mermaid_parse
from tests.test_review import plan_of
from tools.render.budget import render_within
from tools.render.comment import StackPlans, render_comment
from tools.render.escape import visible
from tools.render.review import mermaid, render_review

USER = "uzer1"
ROLE = "rolz1"
STACK = "stakk"
REASON = "WAIVERTOKEN"
HOSTILE = {
    "comment-open": "<!--",
    "comment-close": "-->",
    "details-close": "</details></summary>",
    "pipe": "a|b||c",
    "backtick": "a`b``c",
    "fence": "\n```\n# forged\n```\n",
    "link": "[x](http://evil)",
    "image": "![x](http://evil/x.png)",
    "heading": "# forged heading",
    "newline-heading": "a\n\n## forged\n",
    "carriage-return": "a\r\r# forged",
    "line-separator": "a\u2028# forged\u2029b",
    "bidi-override": "\u202egnp.exe\u202c",
    "zero-width": "ad\u200bmin\u200d\ufeff",
    "mention": "@octocat",
    "issue-ref": "#123",
    "entity": "&lt;!-- &#60;b&#62; &amp;",
    "email": "me@evil.example",
    "url": "https://evil.example/x",
    "www": "www.evil.example",
    "emphasis": "*a* _b_ ~~c~~ **d**",
    "html-tag": "<img src=x onerror=alert(1)><script>x</script>",
    "summary": "<details><summary>forged</summary>",
    "table-row": "x |\n| forged | row |",
    "backslash": "a\\|b\\",
    "long": "L" * 1000,
}


@cache
def plans() -> tuple[dict[str, Any], dict[str, Any]]:
    """A plan and its base: two users (one existing), two roles, a waived finding, and a change
    that widens access (USER newly trusted by a second role, a longer session on ROLE: by who,
    lines naming USER and ROLE)."""
    raw = walkthrough_settings()
    raw["users"] = {USER: {}, "carol": {"create": False}}
    raw["roles"] = {
        ROLE: {
            "trustedUsers": [USER, "carol"],
            "policyFiles": ["role_permissions_policy.json"],
            "managedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        },
        "machine": {"trustedUsers": ["carol"], "managedPolicyArns": ["arn:aws:iam::aws:policy/SecurityAudit"]},
    }
    base = plan_of(copy.deepcopy(raw), STACK)
    raw["roles"]["machine"]["trustedUsers"].append(USER)
    raw["roles"][ROLE]["maxSessionDuration"] = 7200
    plan = plan_of(raw, STACK)
    for p in (plan, base):  # a waived finding, as the program reports one (the reason is the stack's text)
        p["findings"].append(
            {
                "rule_id": "RESOURCE_STAR",
                "severity": "warning",
                "location": f"cross-account-roles:roles.{ROLE}.waivers.RESOURCE_STAR",
                "message": f"role {ROLE} allows every resource",
                "waived": f"{REASON} reason",
            }
        )
    return plan, base


def swap(value: Any, old: str, new: str) -> Any:
    """`value` with `old` replaced by `new` in every string, inside JSON documents too (as data)."""
    if isinstance(value, dict):
        return {swap(k, old, new): swap(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [swap(v, old, new) for v in value]
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}"):
            try:
                return json.dumps(swap(json.loads(value), old, new))
            except json.JSONDecodeError:
                pass
        return value.replace(old, new)
    return value


def hostile(plan: dict[str, Any], h: str) -> dict[str, Any]:
    """The plan with `h` in every name, the stack, the waiver reason and the policies' descriptions
    (each after its plain token, so the rows keep their order)."""
    for token in (USER, ROLE, STACK, REASON):
        plan = swap(plan, token, token + h)
    for r in plan["resources"]:
        if "description" in r.get("inputs", {}):
            r["inputs"]["description"] += h
    return plan


WILDCARDS = "*?"


def reference(plan: dict[str, Any], h: str) -> dict[str, Any]:
    """The plan a hostile one is compared with: the plan itself, or, where `h` holds a wildcard,
    the plan with `h`'s wildcards kept and every other character an `x`. A wildcard inside a
    user's ARN changes what AWS decides (it refuses a principal with one: the access model says
    `not decided`, reference_policies_elements_principal.html), so the reference must say the
    same things; its `x`s are no markup, so what differs is only how `h` renders."""
    if not set(h) & set(WILDCARDS):
        return plan
    return hostile(plan, "".join(c if c in WILDCARDS else "x" for c in h))


def html_of(markdown: str) -> str:
    """GitHub's renderer: cmark-gfm with its extensions; raw HTML kept (GitHub keeps `<details>`)."""
    return str(cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE))


class Structure(HTMLParser):
    """The rendered review's structure: every tag and comment in order (a code span's content is
    text; a table's rows as a sorted list, since a name may sort its rows otherwise), each table
    row's cell count, and the text outside code that GitHub would link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[str] = []
        self.codes: list[str] = []
        self.outside_code: list[str] = []
        self.rows: list[int] = []
        self._in_code = 0
        self._code_text: list[str] = []
        self._row: list[str] | None = None
        self._table: list[str] = []
        self.text: list[str] = []
        """Every text, in order, with what each heading says: (level, text)."""
        self.headings: list[tuple[str, str]] = []
        self._heading: list[str] | None = None

    def _event(self, event: str) -> None:
        (self._row if self._row is not None else self.events).append(event)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "code":
            self._in_code += 1
            self._code_text = []
            return  # a value in a code span or not: the text() of a word GitHub would link adds one
        if re.fullmatch(r"h\d", tag):
            self._heading = []
        if tag == "tr":
            self.rows.append(0)
            self._row = []
        elif tag in ("td", "th"):
            self.rows[-1] += 1
        self._event(f"<{tag} {sorted(attrs)}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self._in_code -= 1
            self.codes.append("".join(self._code_text))
            return
        self._event(f"</{tag}>")
        if re.fullmatch(r"h\d", tag) and self._heading is not None:
            self.headings.append((tag, "".join(self._heading)))
            self._heading = None
        if tag == "tr" and self._row is not None:
            self._table.append(" ".join(self._row))
            self._row = None
        elif tag == "table":
            self.events.append(f"rows {sorted(self._table)}")
            self._table = []

    def handle_comment(self, data: str) -> None:
        self._event(f"<!--{data}-->")

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)
        if self._in_code:
            self._code_text.append(data)
        else:
            self.outside_code.append(data)


def structure(markdown: str) -> Structure:
    parser = Structure()
    parser.feed(html_of(markdown))
    parser.close()
    return parser


LINKED = re.compile(r"(?<![\w/])@\w|(?<![\w&])#\d|://|\bwww\.", re.IGNORECASE)
"""What GitHub turns into a mention, an issue link or a link in text outside code."""


def assert_not_forged(markdown: str, benign: str, h: str) -> None:
    got, want = structure(markdown), structure(benign)
    assert got.events == want.events, f"the hostile {h!r} changed the rendered structure"
    assert sorted(got.rows) == sorted(want.rows), "a table row with another number of cells"
    assert [t for t in got.outside_code if LINKED.search(t)] == [t for t in want.outside_code if LINKED.search(t)]
    assert any(visible(h) in c for c in got.codes), f"{h!r} is not shown as it is in any code span"


def test_a_benign_review_has_the_structure_the_checks_compare_against() -> None:
    plan, base = plans()
    review = render_review(plan, base)
    s = structure(review)
    tags = set(re.findall(r"<(\w+)", html_of(review)))
    assert {"h3", "h4", "h5", "table", "tr", "td", "details", "summary", "pre", "ul", "li", "strong"} <= tags
    assert not tags & {"a", "img", "script", "h1", "h2"}
    assert f"{USER}" in s.codes
    assert STACK in s.codes
    assert any(f"{REASON} reason" in t for t in s.outside_code), "the waiver reason is prose"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_whole_review_renders_a_hostile_string_as_text(name: str) -> None:
    plan, base = plans()
    h = HOSTILE[name]
    benign = render_review(reference(plan, h), reference(base, h))
    review = render_review(hostile(plan, h), hostile(base, h))
    assert_not_forged(review, benign, h)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_comment_of_many_stacks_renders_a_hostile_string_as_text(name: str) -> None:
    plan, base = plans()
    h = HOSTILE[name]

    def comment(change: Callable[[dict[str, Any]], dict[str, Any]]) -> str:
        stacks = [
            StackPlans(change(plan)["stack"], change(plan), change(base)),
            StackPlans("same", change(plan), change(plan)),
            StackPlans("new", change(base), None),
        ]
        return render_comment(stacks, 10_000_000)

    assert_not_forged(comment(lambda p: hostile(p, h)), comment(lambda p: reference(p, h)), h)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_shortened_review_renders_a_hostile_string_as_text(name: str) -> None:
    """Within a budget the parts kept depend on lengths, so this checks what any review must hold:
    only the benign review's kinds of tag, one comment at most of the program's, whole table rows."""
    plan, base = plans()
    h = HOSTILE[name]
    want = structure(render_within(plan, base, 3_000))
    got = structure(render_within(hostile(plan, h), hostile(base, h), 3_000))
    assert {e.split(" ")[0] for e in got.events} <= {e.split(" ")[0] for e in want.events}
    headings = iter([e for e in want.events if e.startswith(("<!--", "<h"))])
    assert all(e in headings for e in got.events if e.startswith(("<!--", "<h"))), "a heading or comment not in the benign review"
    assert set(got.rows) <= {2, 3, 5, 9}, "every row of the shortened review's tables has its table's cells"
    assert not [t for t in got.outside_code if LINKED.search(t)]


def test_every_hostile_diagram_parses_with_mermaids_own_parser_and_draws_the_same_nodes() -> None:
    plan, _base = plans()
    benign = mermaid(plan)
    diagrams = [mermaid(hostile(plan, h)) for h in HOSTILE.values()]
    assert mermaid_parse(diagrams) == [{"ok": True, "type": "flowchart-v2"}] * len(diagrams)
    shape = [re.sub(r'"[^"]*"', '""', line) for line in benign.splitlines()]
    for h, diagram in zip(HOSTILE.values(), diagrams, strict=True):
        assert len(diagram.splitlines()) == len(shape), h
        if "/" in h:
            continue  # a `/` in a user's ARN reads as its path: the principal is drawn as written, outside
        assert [re.sub(r'"[^"]*"', '""', line) for line in diagram.splitlines()] == shape, h
        assert "```" not in diagram
        assert "\n#" not in diagram


WHO_LINES = {
    "newline-heading": (
        "- :warning: widens: **users carol, `uzer1a\\n\\n##` forged\\\\n**, role `rolz1a\\n\\n## forged\\n` in account 444455556666: longest session 1 h -> 2 h",
        "- :warning: widens: **user `uzer1a\\n\\n##` forged\\\\n**, role `machine` in account 444455556666: may now assume it (MFA required)",
    ),
    "bidi-override": (
        "- :warning: widens: **users carol, uzer1\\\\u202egnp.exe\\\\u202c**, role `rolz1\\u202egnp.exe\\u202c` in account 444455556666: longest session 1 h -> 2 h",
        "- :warning: widens: **user uzer1\\\\u202egnp.exe\\\\u202c**, role `machine` in account 444455556666: may now assume it (MFA required)",
    ),
    "html-tag": (
        "- :warning: widens: **users carol, script>**, role `rolz1<img src=x onerror=alert(1)><script>x</script>` in account 444455556666: longest session 1 h -> 2 h",
        "- :warning: widens: **user script>**, role `machine` in account 444455556666: may now assume it (MFA required)",
    ),
    # a wildcard inside a principal: AWS refuses that trust, so its rows are not decided (carol's too)
    "emphasis": (
        "- :warning: widens: **users carol, uzer1\\*a\\* \\_b\\_ \\~\\~c\\~\\~ \\*\\*d\\*\\***, role `rolz1*a* _b_ ~~c~~ **d**` in account 444455556666: longest session 1 h -> 2 h",
        "- :warning: widens: **user uzer1\\*a\\* \\_b\\_ \\~\\~c\\~\\~ \\*\\*d\\*\\***, role `machine` in account 444455556666: may now assume it (MFA not decided: Pulumi.stakk\\*a\\* \\_b\\_ \\~\\~c\\~\\~ \\*\\*d\\*\\*.yaml cross-account-roles:roles.machine (trust policy) Statement\\[0\\] Principal: AWS principal 'arn:aws:iam::111122223333:user/uzer1\\*a\\* \\_b\\_ \\~\\~c\\~\\~ \\*\\*d\\*\\*': AWS takes no wildcard inside a principal, only \"\\*\" alone (the documents say: required))",
        "- other (judge it yourself): **user carol**, role `machine` in account 444455556666: MFA required -> not decided: Pulumi.stakk\\*a\\* \\_b\\_ \\~\\~c\\~\\~ \\*\\*d\\*\\*.yaml cross-account-roles:roles.machine (trust policy) Statement\\[0\\] Principal: AWS principal 'arn:aws:iam::111122223333:user/uzer1\\*a\\* \\_b\\_ \\~\\~c\\~\\~ \\*\\*d\\*\\*': AWS takes no wildcard inside a principal, only \"\\*\" alone (the documents say: required)",
    ),
    "table-row": (
        "- :warning: widens: **users carol, uzer1x \\|\\\\n\\| forged \\| row \\|**, role `rolz1x |\\n| forged | row |` in account 444455556666: longest session 1 h -> 2 h",
        "- :warning: widens: **user uzer1x \\|\\\\n\\| forged \\| row \\|**, role `machine` in account 444455556666: may now assume it (MFA required)",
    ),
    "mention": (
        "- :warning: widens: **users carol, `uzer1@octocat`**, role `rolz1@octocat` in account 444455556666: longest session 1 h -> 2 h",
        "- :warning: widens: **user `uzer1@octocat`**, role `machine` in account 444455556666: may now assume it (MFA required)",
    ),
}
"""*Who gains or loses access* of the hostile plans, exactly: the principals as prose (escaped: a
newline, bidi control or `|` made visible, markup backslashed, a word GitHub would link or a
heading's `#` in a code span), the role as code (a user's `/` is its ARN's path, so the html-tag
user is named by what follows its last `/`, as in the access table)."""


@pytest.mark.parametrize("name", sorted(WHO_LINES))
def test_who_gains_access_names_a_hostile_principal_and_role_as_text(name: str) -> None:
    plan, base = plans()
    h = HOSTILE[name]
    review = render_review(hostile(plan, h), hostile(base, h))
    section = review.split("##### Who gains or loses access (", 1)[1].split("\n\n", 2)[1]
    assert tuple(section.splitlines()) == WHO_LINES[name]
    benign = render_review(reference(plan, h), reference(base, h))
    benign = benign.split("##### Who gains or loses access (", 1)[1].split("\n\n", 2)[1]
    assert structure(section).events == structure(benign).events  # two list items, each with one bold run, no other tag


DANGEROUS = st.text(
    alphabet=st.sampled_from(list("<>!-`|[]()#@&;*_~\\\n\r\u2028\u202e\u200b:/.\"' aZ1")), min_size=1, max_size=24
)


@settings(max_examples=60, deadline=None)
@given(DANGEROUS)
def test_any_string_of_markup_characters_renders_as_text(h: str) -> None:
    plan, base = plans()
    assert_not_forged(render_review(hostile(plan, h), hostile(base, h)), render_review(reference(plan, h), reference(base, h)), h)


HEADINGS = re.compile(
    r"Review plan|Plan for stack \S+|What changed against the base plan \(stack \S+\)|:warning: Widened access \(\d+\)"
    r"|Who gains or loses access \(\d+\)"
    r"|Narrowed access \(\d+\)|Other access changes: judge these yourself \(\d+\)|Resources|Who may assume what(, now, where the "
    r"change touches)?|Diagram|Outputs|Guardrails|(Unchanged, i|I)n summary"
)
PROGRAM_TAGS = {
    "h2",
    "h3",
    "h4",
    "h5",
    "p",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "ul",
    "li",
    "strong",
    "em",
    "code",
    "pre",
    "details",
    "summary",
    "br",
}


@pytest.mark.parametrize("name", REVIEW_CASES)
def test_the_corpus_reviews_of_a_files_markup_render_only_what_the_program_wrote(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The corpus cases (tests/hostile/cases/readers.py) whose stack or base plan carries
    HOSTILE_TEXT: the Markdown `plan` prints, rendered as GitHub renders it."""
    case = BY_NAME[name]
    code_, out, err = run_case(case, project_of(case, tmp_path), capsys, monkeypatch)
    assert code_ == 0, err
    page = html_of(out)
    s = structure(out)
    assert set(re.findall(r"<(\w+)", page)) <= PROGRAM_TAGS
    assert "<!--" not in page
    assert all(HEADINGS.fullmatch(text) for _, text in s.headings), s.headings
    assert [t for t in s.outside_code if LINKED.search(t)] == []
    assert visible(HOSTILE_TEXT) in "".join(s.text), "the reviewer sees the file's text as it is"
    tables = page.split("<table>")[1:]
    assert tables
    for table in tables:
        cells = [len(re.findall(r"<t[hd][ >]", row)) for row in table.split("</table>")[0].split("<tr>")[1:]]
        assert len(set(cells)) == 1, "a row with more or fewer cells than its header"
