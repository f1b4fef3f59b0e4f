"""The recording runner can run the real program many times in one process."""

from tests.conftest import one, walkthrough_settings
from tools.offline.mocks import run_program


def test_two_runs_in_one_process_record_the_same_resources() -> None:
    first = run_program("utils", walkthrough_settings())
    second = run_program("utils", walkthrough_settings())
    assert [r.urn for r in first.registrations] == [r.urn for r in second.registrations]
    assert one(first, "aws:iam/role:Role", "s3-list-role").account == "target"


def test_the_sdk_stack_trace_is_left_out_only_while_the_mocks_run() -> None:
    """`no_stack_traces` replaces the SDK's own helper (pulumi.runtime.resource._get_stack_trace):
    an SDK that renamed it must fail here, not silently keep the cost."""
    from pulumi.runtime import resource as pulumi_resource

    from tools.offline.mocks import RecordingMonitor, no_stack_traces

    original = pulumi_resource._get_stack_trace
    seen: list[int] = []
    register = RecordingMonitor.RegisterResource

    def spying(self: RecordingMonitor, request: object) -> object:
        seen.append(len(request.stackTrace.frames))  # type: ignore[attr-defined]
        return register(self, request)

    RecordingMonitor.RegisterResource = spying  # type: ignore[method-assign]
    try:
        run = run_program("utils", walkthrough_settings())
    finally:
        RecordingMonitor.RegisterResource = register  # type: ignore[method-assign]
    assert len(run.registrations) > 5
    assert seen
    assert set(seen) == {0}  # the monitor got no frames: the trace was not built
    assert pulumi_resource._get_stack_trace is original
    with no_stack_traces():
        assert pulumi_resource._get_stack_trace is not original


def test_a_run_for_a_command_that_exits_freezes_its_objects_instead_of_collecting() -> None:
    """`collect=False` (make plan, the floor): the run's cycles are frozen, never walked again;
    the default collects them, so that tests running many programs do not grow."""
    import gc
    import weakref

    from tools.offline.mocks import paused_gc

    class Node:
        def __init__(self) -> None:
            self.me = self

    before = gc.get_freeze_count()
    with paused_gc(collect=False):
        assert not gc.isenabled()
        node = Node()
    try:
        assert gc.isenabled()
        assert gc.get_freeze_count() > before
        assert all(o is not node for o in gc.get_objects())  # frozen: no collection walks it
    finally:
        gc.unfreeze()
    with paused_gc():
        gone = weakref.ref(Node())
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert gone() is None  # the default: the run's cycles are collected at its end


def _python(code: str) -> str:
    import subprocess
    import sys

    from tools.offline.mocks import PROJECT_DIR

    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_a_command_in_a_process_of_its_own_runs_with_what_it_loaded_frozen_and_the_collector_on() -> None:
    """`python -m tools` (and the floor) pause the collector while their modules load and then
    freeze what loaded (tools/startup.py); the command itself runs with the collector on."""
    seen = _python(
        "import gc, runpy, sys\n"
        "sys.argv = ['tools', 'check', '--stack', 'utils']\n"
        "try:\n"
        "    runpy.run_module('tools', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(gc.isenabled(), gc.get_freeze_count() > 10000)\n"
    )
    assert seen.splitlines()[-1] == "True True"


def test_importing_the_commands_leaves_the_collector_as_it_was() -> None:
    """Only a process of the command's own is tuned: a test that imports them is not."""
    seen = _python("import gc\nimport tools.__main__, tools.benchmark.floor\nprint(gc.isenabled(), gc.get_freeze_count())\n")
    assert seen == "True 0"
