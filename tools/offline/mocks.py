"""Run the real program under Pulumi's mocks and record every registration.

This is the one recording-mocks implementation: `make plan` renders what it records, and the
tests' fixtures assert on it. The mocks play the engine and the AWS provider as far as a
plan needs: they refuse an AWS resource without an explicit provider (the project disables
default providers), and they give each IAM resource the ARN AWS will assign, which is
deterministic from the provider's account, the path and the name.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import contextvars
import gc
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import resource as pulumi_resource
from pulumi.runtime import rpc
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.proto import resource_pb2, source_pb2
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from components.naming import SOURCE_SUFFIX, TARGET_SUFFIX
from crossaccount import NAMESPACE
from crossaccount.errors import SettingsError
from crossaccount.resource_types import (
    GROUP,
    POLICY,
    PROVIDER,
    ROLE,
    ROLE_POLICY_ATTACHMENT,
    SECRET,
    USER,
    USER_LOGIN_PROFILE,
    USER_POLICY_ATTACHMENT,
)
from tools.paths import PROGRAM, PROJECT_DIR, program_problem

from .errors import ProgramError
from .registration import ProgramRun, Registration

if TYPE_CHECKING:
    from crossaccount.read.engine import EngineConfig

PROJECT = NAMESPACE
PROVIDER_TYPE = PROVIDER
MOCK_PASSWORD = "Mock-Initial-Password-1!"
"""The mocks' stand-in for a login profile's generated password: tests check it never shows."""
__all__ = ["PROGRAM", "PROJECT_DIR", "ProgramError", "ProgramRun", "RecordingMocks", "Registration", "run_program"]


def _normalise(value: Any, provider_config: bool = False) -> Any:
    """Protobuf carries every number as a float, and a provider's config values as JSON text:
    give them back their types (3600.0 -> 3600, '["1111"]' -> ["1111"])."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if provider_config and isinstance(value, str) and (value[:1] in ("[", "{") or value in ("true", "false")):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    if isinstance(value, dict):
        return {k: _normalise(v, provider_config) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v, provider_config) for v in value]
    return value


def _unwrap_secrets(value: Any) -> Any:
    if rpc.is_rpc_secret(value):
        return SECRET
    if isinstance(value, dict):
        return {k: _unwrap_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap_secrets(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """Secrets unwrapped to their values (what the mocked provider computes with)."""
    if rpc.is_rpc_secret(value):
        return _plain(rpc.unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class RecordingMocks(pulumi.runtime.Mocks):
    """Answers like the AWS provider would, and keeps every registration in order."""

    def __init__(self) -> None:
        self.registrations: list[Registration] = []
        self._providers: dict[str, Registration] = {}
        self.output_keys: dict[str, list[str]] = {}
        """URN -> the names of the outputs the resource registered (`register_outputs`), sorted."""

    # -- what the engine would refuse -------------------------------------------------
    def _provider_for(self, type_: str, name: str, provider_ref: str | None) -> Registration | None:
        if not type_.startswith("aws:"):
            return None
        if not provider_ref:
            raise ValueError(
                f"{type_} {name!r} has no explicit provider; default providers are disabled "
                "for this project (pulumi:disable-default-providers), pass provider=..."
            )
        urn = provider_ref.rsplit("::", 1)[0]  # a provider reference is "<urn>::<id>"
        registration = self._providers.get(urn)
        if registration is None:
            raise ValueError(f"{type_} {name!r} names provider {provider_ref!r}, which was never registered")
        return registration

    # -- the provider's answers ----------------------------------------------------------
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        raise NotImplementedError("RecordingMonitor calls record() instead")

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        raise ValueError(f"the program made a provider call ({args.token}); the plan has no answer for it")

    def record(
        self,
        urn: str,
        type_: str,
        name: str,
        custom: bool,
        parent: str | None,
        provider_ref: str | None,
        inputs: dict[str, Any],
        dependencies: tuple[str, ...] = (),
        options: Mapping[str, Any] | None = None,
    ) -> tuple[str, dict[str, Any]]:
        provider = self._provider_for(type_, name, provider_ref)
        inputs = _normalise(inputs, provider_config=type_ == PROVIDER_TYPE)
        plain = _plain(inputs)
        resource_id, state = self._answer(type_, name, plain, provider)
        account = None
        if provider is not None:
            account = (
                "source" if provider.name.endswith(SOURCE_SUFFIX) else "target" if provider.name.endswith(TARGET_SUFFIX) else None
            )
        registration = Registration(
            urn=urn,
            type=type_,
            name=name,
            custom=custom,
            parent=parent or None,
            provider=provider.name if provider else None,
            account=account,
            inputs=_unwrap_secrets(inputs),
            state=state,
            dependencies=dependencies,
            options=dict(options or {}),
        )
        self.registrations.append(registration)
        if type_ == PROVIDER_TYPE:
            self._providers[urn] = registration
        return resource_id, state

    @staticmethod
    def _answer(  # noqa: PLR0911 (one answer per resource type)
        type_: str, name: str, inputs: dict[str, Any], provider: Registration | None
    ) -> tuple[str, dict[str, Any]]:
        state = dict(inputs)
        if provider is None:
            return f"{name}-id", state
        account = (provider.state.get("allowedAccountIds") or ["000000000000"])[0]
        region = str(provider.state.get("region", ""))
        partition = "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"
        path = inputs.get("path", "/")
        if type_ in (USER, ROLE, POLICY):
            kind = type_.rsplit(":", maxsplit=1)[-1].lower()
            arn = f"arn:{partition}:iam::{account}:{kind}{path}{inputs['name']}"
            state.update(arn=arn, path=path)
            return (arn if kind == "policy" else inputs["name"]), state
        if type_ == GROUP:
            arn = f"arn:{partition}:iam::{account}:group{path}{inputs['name']}"
            state.update(arn=arn, path=path)
            return inputs["name"], state
        if type_ == USER_LOGIN_PROFILE:
            # What the provider computes at create: a generated password, or (with pgpKey) the
            # password encrypted to the key and the key's fingerprint. Stand-ins, never shown.
            if inputs.get("pgpKey"):
                state.update(encryptedPassword=f"{MOCK_PASSWORD}-encrypted", keyFingerprint="0" * 40)
            else:
                state.update(password=MOCK_PASSWORD)
            return inputs["user"], state
        if type_ == ROLE_POLICY_ATTACHMENT:
            return f"{inputs['role']}-{inputs['policyArn']}", state
        if type_ == USER_POLICY_ATTACHMENT:
            return f"{inputs['user']}-{inputs['policyArn']}", state
        return f"{name}-id", state


ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


def engine_urn(stack: str, project: str, parent_urn: str, type_: str, name: str) -> str:
    """The URN the engine assigns (pulumi: `Deployment.generateURN` and `resource.NewURN`).

    The parent's whole qualified type is chained in front of the type, except the root
    stack's: a child of the stack is `urn:pulumi:<stack>::<project>::<type>::<name>`. (The SDK's
    MockMonitor keeps only the parent's last type and does not leave out the stack's.)
    """
    qualified = type_
    if parent_urn:
        parent_type = parent_urn.split("::")[2]
        if parent_type != ROOT_STACK_TYPE:
            qualified = f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"


def requested_options(request: Any) -> dict[str, Any]:
    """The options of a RegisterResourceRequest that change what the engine does to the resource."""
    options: dict[str, Any] = {}
    if request.HasField("protect") and request.protect:
        options["protect"] = True
    if request.HasField("retainOnDelete") and request.retainOnDelete:
        options["retainOnDelete"] = True
    if request.importId:
        options["import"] = request.importId
    if request.deleteBeforeReplace:
        options["deleteBeforeReplace"] = True
    if request.ignoreChanges:
        options["ignoreChanges"] = list(request.ignoreChanges)
    return options


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """MockMonitor that also records the URN, parent, provider and options of each registration."""

    mocks: RecordingMocks

    def __init__(self, mocks: RecordingMocks) -> None:
        super().__init__(mocks)

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        return engine_urn(pulumi.get_stack(), pulumi.get_project(), parent, type_, name)

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (the gRPC method's name)
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            return resource_pb2.RegisterResourceResponse(urn=urn)
        inputs = rpc.deserialize_properties(request.object)
        resource_id, state = self.mocks.record(
            urn,
            request.type,
            request.name,
            bool(request.custom),
            request.parent,
            request.provider,
            inputs,
            tuple(sorted(set(request.dependencies))),
            requested_options(request),
        )
        obj_proto = _serialize_plain(state)
        self.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(urn, resource_id, state)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id, object=obj_proto)

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802 (the gRPC method's name)
        """What the engine stores as the resource's outputs in the state: only the names are kept."""
        self.mocks.output_keys[request.urn] = sorted(request.outputs.fields)
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]  # (the SDK leaves it untyped)


def _serialize_plain(state: dict[str, Any]) -> Any:
    """`rpc.serialize_properties` of plain values, without an event loop.

    The state holds plain JSON values only (no Output, no future), so the coroutine never
    suspends: it is driven to its end in one step. (The SDK calls the monitor from a worker
    thread; an event loop made per resource there cost as much as the rest of the mocks.)
    Anything that would suspend is an error of the mocks, not something to wait for.
    """
    coroutine = rpc.serialize_properties(state, {})
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("the recording mocks answered with a value that is not plain data")


def _is_plain(value: Any) -> bool:
    """No Output, future or resource anywhere inside: JSON-like data only (keys text). Without
    recursion, the exact types first: the outputs of 2,000 x 200 took 47 ms, 15 ms so (measured)."""
    pending = [value]
    while pending:
        item = pending.pop()
        kind = type(item)
        if kind is str or item is None:
            continue
        if kind is dict or isinstance(item, dict):
            if not all(isinstance(k, str) for k in item):
                return False
            pending.extend(item.values())
        elif kind is list or isinstance(item, list | tuple):
            pending.extend(item)
        elif not isinstance(item, str | int | float | bool):
            return False
    return True


class ConfigMap(Protocol):
    """What a run needs of the engine's config map (`crossaccount.read.engine.EngineConfig`)."""

    @property
    def values(self) -> Mapping[str, str]: ...

    @property
    def secret_keys(self) -> frozenset[str]: ...


@dataclass(frozen=True)
class _NoConfig:
    values: Mapping[str, str] = field(default_factory=dict)
    secret_keys: frozenset[str] = frozenset()


def config_for(raw: Mapping[str, Any] | EngineConfig) -> ConfigMap:
    """The engine's config map: as read from the stack (`crossaccount.read.project`), or
    settings given as Python values, encoded as the engine encodes them.

    No settings at all (the benchmark's floor) is an empty map without importing the stack
    file reader (pydantic, ruamel.yaml), so that the floor's start-up is the SDK's alone."""
    if isinstance(raw, Mapping) and not raw:
        return _NoConfig()
    from crossaccount.read.engine import EngineConfig, engine_config_of  # noqa: PLC0415 (see above)

    return raw if isinstance(raw, EngineConfig) else engine_config_of(raw)


async def _reveal(value: Any) -> Any:
    """Exported values as `pulumi stack output` shows them without --show-secrets: a secret is `[secret]`."""
    if isinstance(value, pulumi.Output):
        if await value.is_secret():
            return SECRET
        return await _reveal(await value.future())
    if isinstance(value, dict):
        return {k: await _reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [await _reveal(v) for v in value]
    return value


DEFAULT_PROGRAM = [PROGRAM]
"""The program `run_program` runs when given no path (a list, so that the tests can replace it)."""


def run_program(
    stack: str,
    raw_config: Mapping[str, Any] | EngineConfig,
    program: Callable[[], Any] | None = None,
    program_path: Path | None = None,
    collect: bool = True,
) -> ProgramRun:
    """Run `program` (default: the `__main__.py` at `program_path`) under the recording mocks.

    `program_path` lets a test run a copy of the real `__main__.py` beside a policies/
    folder of its own (the program finds policies/ next to itself, and reads the other stacks
    of the project there). Default: `DEFAULT_PROGRAM[0]`, the repository's program, which the
    tests replace with a copy in a project of its own, so that the repository's stack files
    (examples users edit) never enter a test that gives its own settings.

    `raw_config` is the engine's map (`crossaccount.read.project.read_engine_config`), or
    settings as Python values keyed without namespace, which are encoded as the engine would.

    Each run gets a fresh context, so runs share no state. Raises `ProgramError` (with what
    was registered) when the program fails.

    `collect=False` is for a command that prints the run and exits (`make plan`, the
    benchmark's floor): the run's objects are left to the process's end instead of being
    collected (see `paused_gc`).
    """
    path = DEFAULT_PROGRAM[0] if program_path is None else program_path
    if program is None and not path.is_file():
        raise SettingsError([program_problem(path.parent) or f"{path}: not a file; expected the program"], "nothing was run")
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    with paused_gc(collect), no_stack_traces():
        try:
            return contextvars.Context().run(_run, stack, config_for(raw_config), program, path)
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            asyncio.set_event_loop(None)


@contextlib.contextmanager
def paused_gc(collect: bool = True) -> Iterator[None]:
    """The cyclic garbage collector off while the program registers its resources.

    Registering a resource allocates many futures, tasks and Outputs that live until the run
    ends; each automatic collection walks all of them, so with the collector on the time per
    resource grows with the stack (measured: an exponent of about 1.1). Objects alive before
    the run are frozen (left out of every collection), the collector is paused during the
    run and everything is collected once at the end. Reference counting still frees what
    has no cycle, so memory does not grow by more than the run's own cycles.

    The collection at the end also matters for correctness: a run leaves cycles of futures
    and coroutines behind, and CPython 3.11's ast.parse fails ("AST constructor recursion
    depth mismatch") when a collection runs Python finalizers in the middle of it; collecting
    here keeps that from happening at a random later allocation.

    With `collect=False` the run's objects are frozen too instead (left out of every later
    collection, never finalised), for a process that prints the run and exits: the collection
    would walk every future, task and Output of the run (measured: 6 s of a 4,000 x 400 plan,
    a fifth of it), only to free memory the exit frees anyway. The collector is on again for
    what the process does next; the frozen objects are never walked, by it or by the
    interpreter's collection at exit.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        if not collect:
            gc.freeze()
        else:
            gc.unfreeze()
        if was_enabled:
            gc.enable()
        if collect:
            gc.collect()


_EMPTY_STACK_TRACE = source_pb2.StackTrace()


def _no_stack_trace() -> Any:
    return _EMPTY_STACK_TRACE


@contextlib.contextmanager
def no_stack_traces() -> Iterator[None]:
    """The SDK's per-resource Python stack trace left out while the mocks run.

    For every resource, `pulumi.runtime.resource._register_resource` calls `_get_stack_trace()`
    (`traceback.extract_stack()`, every frame's source line read, and a `file://` URI made with
    pathlib for each) and sends it as `RegisterResourceRequest.stackTrace`/`sourcePosition`,
    which the real engine uses to point at the line that made a resource. The mocks' monitor
    never reads either field (`pulumi.runtime.mocks.MockMonitor.RegisterResource`, and ours),
    and the cost is a third of the SDK's time per resource under the mocks (measured on the
    4,000 x 400 floor: 23.6 s -> 16.2 s). Under `pulumi up` the engine runs the program, not
    this, so nothing changes there. The benchmark's floor runs under the same mocks, so it
    gets the same saving. `tests/test_smoke_runner.py` checks that the SDK still calls it.
    """
    original = pulumi_resource._get_stack_trace  # the SDK's own helper, see above
    pulumi_resource._get_stack_trace = _no_stack_trace
    try:
        yield
    finally:
        pulumi_resource._get_stack_trace = original


def _program_at(path: Path) -> Callable[[], Any]:
    """The program file at `path`, loaded as a module and its `main()` called: what the engine's
    Python language host does (`runpy.run_path(args.PROGRAM, run_name='__main__')` in pulumi's
    sdk/python/cmd/pulumi-language-python-exec, which the file's `if __name__ == "__main__":
    main()` answers), except that `main`'s result, the pipeline's `Checked`, is kept: its
    findings are the program's own, which `make plan` shows.

    Why not runpy: the SDK captures the whole Python stack at every resource registration
    (`pulumi.runtime.resource._get_stack_trace`, unconditional), so every frame between the run
    and a resource costs time per resource; runpy and two lambdas put five frames there. (Measured:
    eight extra frames cost 8% of a 2,000 x 200 run.)
    """
    code = compile(path.read_text(encoding="utf-8"), str(path), "exec")

    def main() -> Any:
        namespace: dict[str, Any] = {"__name__": "__pulumi_program__", "__file__": str(path), "__builtins__": builtins}
        exec(code, namespace)  # noqa: S102
        return namespace["main"]()

    return main


def _run(stack: str, config: ConfigMap, program: Callable[[], Any] | None, program_path: Path) -> ProgramRun:
    mocks = RecordingMocks()
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=False, monitor=RecordingMonitor(mocks))
    pulumi.runtime.set_all_config(dict(config.values), sorted(config.secret_keys))
    # As `pulumi.runtime.test` does: a run that failed can leave pending outputs (tied to its
    # closed event loop) in the SDK's shared settings; start from none.
    pulumi_settings.SETTINGS.rpc_manager.clear()
    pulumi_settings.SETTINGS.outputs.clear()
    program = _program_at(program_path) if program is None else program
    results: list[Any] = []

    def main() -> None:  # run_pulumi_func awaits what its function returns: the result is kept here instead
        results.append(program())

    try:
        _sync_await(run_pulumi_func(main))
    except Exception as exc:
        raise ProgramError(exc, list(mocks.registrations)) from exc
    root = pulumi.runtime.get_root_resource()
    exported = getattr(root, "outputs", {})
    # Plain values are taken as they are: wrapping each of them in an Output (what
    # Output.from_input does, recursively) cost seconds for an organisation's outputs.
    # `_reveal` (secrets shown as [secret]) is not needed there either: plain data holds no secret Output.
    outputs = exported if _is_plain(exported) else _sync_await(_reveal(exported))
    # Registration order depends on when each input resolves; the URN order does not.
    registrations = sorted(mocks.registrations, key=lambda r: r.urn)
    return ProgramRun(
        project=PROJECT,
        stack=stack,
        registrations=registrations,
        outputs=outputs or {},
        findings=tuple(getattr(results[0], "findings", ())) if results else (),
        output_keys=dict(mocks.output_keys),
    )
