"""The hostile corpus itself: every case once, each with what it expects and, where the outcome is
not plain from the error, why (tests/hostile/cases/)."""

from __future__ import annotations

from collections import Counter

from tests.hostile.cases import ACCEPTED, CASES, ENDS, REFUSED, REPORTED
from tests.hostile.harness import ALL, Case, Content, Ends, Refused


def fingerprint(case: Case) -> str:
    """The case's files and expectation: two cases alike in both would prove one thing twice."""

    def shown(content: Content) -> str:
        return content.__qualname__ if callable(content) else repr(content)  # a maker (a FIFO, a link) by its name

    files = sorted((name, shown(content)) for name, content in case.files.items())
    return repr((files, case.expect, sorted(case.env.items()), case.stack, case.engine_values))


def test_the_corpus_holds_every_case_once() -> None:
    assert len(CASES) >= 299
    assert (len(REFUSED), len(ACCEPTED), len(ENDS), len(REPORTED)) >= (150, 25, 95, 18)
    assert [name for name, count in Counter(c.name for c in CASES).items() if count > 1] == []
    assert [name for name, count in Counter(fingerprint(c) for c in CASES).items() if count > 1] == []


def test_each_case_says_what_it_expects_and_why() -> None:
    for case in CASES:
        if isinstance(case.expect, Refused):
            assert case.expect.lines, case.name
            assert all(case.expect.lines), case.name
            assert set(case.expect.commands) <= set(ALL), case.name
            assert case.expect.engine in (None, "runs", "stops", "runs-other"), case.name
        if isinstance(case.expect, Ends):
            assert bool(case.expect.error) != bool(case.expect.lines) or case.expect.code != 2, case.name
        if case.origin != "corpus":  # the stack files' corpus says why in its error lines; the others in words
            assert case.why.strip(), case.name
