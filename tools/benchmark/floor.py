"""The benchmark's floor: the same resources as the program, registered by a bare program.

    python -m tools.benchmark.floor SPEC.json
    python -m tools.benchmark.floor --record PROJECT_DIR STACK SPEC.json   (what the benchmark runs first)

SPEC.json is what `floor_spec` makes from one recorded run of the real program: for each
resource its type, name, parent, provider, inputs, the inputs that are another resource's
output (`role=resource.name`, `policy_arn=document.arn`), its `depends_on` and its options
(`retainOnDelete`, `import`, ...). The bare program registers exactly those, with the same
`pulumi_aws` classes: no settings, no guardrails, no documents, no outputs.

What `make bench` times (`run_sdk_floor`) is that bare program under the SDK's own mocks,
`pulumi.runtime.set_mocks` with a `Mocks` that answers each resource with its inputs and
records nothing, with the same process-level tuning as `make plan` (the collector paused and
the run's objects frozen, no per-resource stack trace, one event loop). So the floor owes
nothing to the program's own recording mocks, and what `make plan` takes beyond it is the
program's overhead, its recording mocks included. `run_floor` (the same bare program under the
recording mocks) is what the tests compare with the program, resource by resource.

This module imports only the Pulumi SDK, `pulumi_aws` and the mocks, so that its start-up is
the SDK's and nothing of the program's.
"""

from __future__ import annotations

from tools import startup

if __name__ == "__main__":
    startup.loading()  # before the imports below, as `python -m tools` (tools/startup.py)

import asyncio
import contextvars
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import pulumi
import pulumi_aws as aws
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from crossaccount.resource_types import POLICY, ROLE, ROLE_POLICY_ATTACHMENT, USER, USER_POLICY_ATTACHMENT
from tools.offline.mocks import PROVIDER_TYPE, ProgramRun, Registration, no_stack_traces, paused_gc, run_program

CLASSES: dict[str, Any] = {
    PROVIDER_TYPE: aws.Provider,
    USER: aws.iam.User,
    ROLE: aws.iam.Role,
    POLICY: aws.iam.Policy,
    ROLE_POLICY_ATTACHMENT: aws.iam.RolePolicyAttachment,
    USER_POLICY_ATTACHMENT: aws.iam.UserPolicyAttachment,
}
REFERENCE_ATTRIBUTES = ("arn", "name")
"""An input equal to one of these outputs of a resource it depends on was passed as that output."""


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def floor_spec(run: ProgramRun) -> list[dict[str, Any]]:
    """What the bare program must register to match `run`, in an order where every parent,
    provider and reference is registered before the resources that use it."""
    by_urn = {r.urn: r for r in run.registrations}
    provider_urns = {r.name: r.urn for r in run.registrations if r.type == PROVIDER_TYPE}
    spec: dict[str, dict[str, Any]] = {}
    for r in run.registrations:
        refs: dict[str, list[str]] = {}
        for dependency in r.dependencies:
            target = by_urn.get(dependency)
            if target is None:
                continue
            for input_name, value in r.inputs.items():
                for attribute in REFERENCE_ATTRIBUTES:
                    if input_name not in refs and target.state.get(attribute) == value and attribute in target.state:
                        refs[input_name] = [dependency, attribute]
        referenced = {urn for urn, _ in refs.values()}
        spec[r.urn] = {
            "urn": r.urn,
            "type": r.type,
            "name": r.name,
            "custom": r.custom,
            "parent": r.parent if r.parent in by_urn else None,
            "provider": provider_urns.get(r.provider) if r.provider else None,
            "inputs": {k: v for k, v in r.inputs.items() if k not in refs},
            "refs": refs,
            "depends_on": [u for u in r.dependencies if u not in referenced and u in by_urn],
            "options": r.options,
        }
    return _ordered(spec)


def _ordered(spec: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    done: set[str] = set()
    ordered: list[dict[str, Any]] = []
    pending = list(spec.values())
    while pending:
        waiting = []
        for item in pending:
            needs = {item["parent"], item["provider"], *item["depends_on"], *(u for u, _ in item["refs"].values())} - {None}
            if needs <= done:
                ordered.append(item)
                done.add(item["urn"])
            else:
                waiting.append(item)
        if len(waiting) == len(pending):
            raise ValueError(f"the recorded resources depend on each other in a cycle: {[w['urn'] for w in waiting][:3]}")
        pending = waiting
    return ordered


def bare_program(spec: Sequence[dict[str, Any]]) -> None:
    """Register the resources of `spec` and nothing else."""
    created: dict[str, pulumi.Resource] = {}
    for item in spec:
        opts = pulumi.ResourceOptions(
            parent=created.get(item["parent"]) if item["parent"] else None,
            provider=cast("pulumi.ProviderResource", created[item["provider"]]) if item["provider"] else None,
            depends_on=[created[u] for u in item["depends_on"]] or None,
            protect=item["options"].get("protect"),
            retain_on_delete=item["options"].get("retainOnDelete"),
            import_=item["options"].get("import"),
            delete_before_replace=item["options"].get("deleteBeforeReplace"),
            ignore_changes=item["options"].get("ignoreChanges"),
        )
        if not item["custom"]:
            created[item["urn"]] = pulumi.ComponentResource(item["type"], item["name"], None, opts)
            continue
        kwargs = {_snake(k): v for k, v in item["inputs"].items()}
        for input_name, (urn, attribute) in item["refs"].items():
            kwargs[_snake(input_name)] = getattr(created[urn], attribute)
        created[item["urn"]] = CLASSES[item["type"]](item["name"], opts=opts, **kwargs)


def run_floor(spec: Sequence[dict[str, Any]], stack: str = "bench", collect: bool = True) -> ProgramRun:
    """`collect=False` as `make plan` runs it (`tools.commands.plan.run`): the process exits after it."""
    return run_program(stack, {}, program=lambda: bare_program(spec), collect=collect)


class CountingMocks(pulumi.runtime.Mocks):
    """The SDK's mocks at their plainest: each resource's id is its name, its state its inputs."""

    def __init__(self) -> None:
        self.resources = 0

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.resources += 1
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def run_sdk_floor(spec: Sequence[dict[str, Any]], stack: str = "bench", collect: bool = False) -> int:
    """The bare program under `pulumi.runtime.set_mocks` (the SDK's MockMonitor), tuned as `make
    plan` is; returns how many resources the mocks were asked to create."""
    mocks = CountingMocks()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    with paused_gc(collect), no_stack_traces():
        try:

            def run() -> None:
                pulumi.runtime.set_mocks(mocks, project="cross-account-roles", stack=stack, preview=False)
                _sync_await(run_pulumi_func(lambda: bare_program(spec)))  # as tools.offline.mocks runs the program

            contextvars.Context().run(run)
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            asyncio.set_event_loop(None)
    return mocks.resources


def same_resources(a: Sequence[Registration], b: Sequence[Registration]) -> bool:
    """The floor registered what the program did: URNs, types, providers and inputs."""
    return [(r.urn, r.type, r.provider, r.inputs, r.options) for r in a] == [
        (r.urn, r.type, r.provider, r.inputs, r.options) for r in b
    ]


def record(project_dir: Path, stack: str, spec_file: Path) -> None:
    """Run the real program on Pulumi.<stack>.yaml of `project_dir` and write its floor spec."""
    from tools.commands.plan import plan_stack  # noqa: PLC0415 (the program's modules: only when recording)

    spec_file.write_text(json.dumps(floor_spec(plan_stack(stack, project_dir))), encoding="utf-8")


def main(argv: Sequence[str]) -> int:
    """`python -m tools.benchmark.floor SPEC` registers the spec; `--record PROJECT STACK SPEC` writes it."""
    if __name__ == "__main__":
        startup.loaded()
    if argv[:1] == ["--record"]:
        record(Path(argv[1]), argv[2], Path(argv[3]))
        return 0
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    print(run_sdk_floor(spec))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
