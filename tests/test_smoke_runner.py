"""The recording runner can run the real program many times in one process."""

from tests.conftest import one, walkthrough_settings
from tools.mocks import run_program


def test_two_runs_in_one_process_record_the_same_resources() -> None:
    first = run_program("utils", walkthrough_settings())
    second = run_program("utils", walkthrough_settings())
    assert [r.urn for r in first.registrations] == [r.urn for r in second.registrations]
    assert one(first, "aws:iam/role:Role", "s3-list-role").account == "target"
