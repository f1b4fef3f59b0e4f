"""The policy pack driven the way the engine drives it: as its own process over gRPC.

The engine starts a Python pack with `python -m pulumi.policy <engine address> <pack dir>`,
reads the port it prints, and calls the Analyzer service: `Analyze` for each resource with its
checked inputs (pulumi: stepGenerator builds `plugin.AnalyzerResource{Properties: inputs}`),
`AnalyzeStack` at the end with every resource's outputs. These tests do the same, with the
values the engine really sends: the program's registrations, outputs where the provider has
filled a role's computed `managedPolicyArns`, and the unknown sentinel of a first preview.

The pack runs twice: from this checkout (`policypack/`), and from a copy made by
`python -m tools policypack --out DIR` in a folder outside the repository, started from there,
which is what a published pack is.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from tests.conftest import walkthrough_settings
from tools.commands import policypack as dist
from tools.offline.mocks import PROJECT_DIR, Registration, run_program

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
ADVISORY = analyzer_pb2.EnforcementLevel.Value("ADVISORY")
MANDATORY = analyzer_pb2.EnforcementLevel.Value("MANDATORY")
ROLE = "aws:iam/role:Role"
ROLE_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
STACK_URN = "urn:pulumi:utils::cross-account-roles::"


class Pack:
    """A running pack process and a client of its Analyzer service."""

    def __init__(self, pack_dir: Path, cwd: Path) -> None:
        # The engine address is where the pack would send log messages; these validators log nothing.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pulumi.policy", "127.0.0.1:1", str(pack_dir)],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        port = self.process.stdout.readline().strip()
        if not port.isdigit():
            self.process.kill()
            _, err = self.process.communicate(timeout=10)
            raise AssertionError(f"the pack did not start: {err}")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)

    def close(self) -> None:
        self.channel.close()
        self.process.terminate()
        self.process.communicate(timeout=10)

    def analyze(self, resource: dict[str, Any]) -> list[Any]:
        return list(self.stub.Analyze(analyzer_pb2.AnalyzeRequest(**request_fields(resource)), timeout=60).diagnostics)

    def analyze_stack(self, resources: list[dict[str, Any]]) -> list[Any]:
        request = analyzer_pb2.AnalyzeStackRequest(
            resources=[analyzer_pb2.AnalyzerResource(**request_fields(r)) for r in resources]
        )
        return list(self.stub.AnalyzeStack(request, timeout=60).diagnostics)


def struct(values: dict[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(values)
    return message


def request_fields(resource: dict[str, Any]) -> dict[str, Any]:
    provider = resource.get("provider")
    fields: dict[str, Any] = {
        "type": resource["type"],
        "name": resource["name"],
        "urn": f"{STACK_URN}{resource['type']}::{resource['name']}",
        "properties": struct(resource["properties"]),
    }
    if provider is not None:
        fields["provider"] = analyzer_pb2.AnalyzerProviderResource(
            type="pulumi:providers:aws",
            name=provider,
            urn=f"{STACK_URN}pulumi:providers:aws::{provider}",
            properties=struct({"region": "eu-north-1"}),
        )
    return fields


def engine_shaped(r: Registration) -> dict[str, Any]:
    return {"type": r.type, "name": r.name, "properties": r.inputs, "provider": r.provider}


@pytest.fixture(scope="module")
def pack() -> Iterator[Pack]:
    running = Pack(PROJECT_DIR / "policypack", PROJECT_DIR)
    try:
        yield running
    finally:
        running.close()


def walkthrough_resources() -> list[dict[str, Any]]:
    run = run_program("utils", walkthrough_settings())
    return [engine_shaped(r) for r in run.registrations if r.custom and r.type != "pulumi:providers:aws"]


def test_the_pack_tells_the_engine_its_policies(pack: Pack) -> None:
    info = pack.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=60)
    names = [p.name for p in info.policies]
    assert info.name == "cross-account-roles-guardrails"
    assert {"MANAGED_POLICY_COUNT", "TRUST_WHOLE_ACCOUNT", "PREVIEW_UNKNOWN_VALUES"} <= set(names)


def test_what_the_program_registers_passes_analyze_and_analyze_stack(pack: Pack) -> None:
    resources = walkthrough_resources()
    assert {r["type"] for r in resources} >= {ROLE, "aws:iam/user:User", "aws:iam/policy:Policy", ROLE_ATTACHMENT}
    for resource in resources:
        assert pack.analyze(resource) == [], resource["name"]
    assert pack.analyze_stack(resources) == []


def test_a_wildcard_trust_is_a_mandatory_violation_naming_the_property(pack: Pack) -> None:
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
    role = {
        "type": ROLE,
        "name": "open",
        "properties": {"name": "open", "assumeRolePolicy": json.dumps(trust)},
        "provider": "access-target",
    }
    found = {(d.policyName, d.enforcementLevel) for d in pack.analyze(role)}
    assert ("TRUST_PRINCIPAL_WILDCARD", MANDATORY) in found
    (message,) = [d.message for d in pack.analyze(role) if d.policyName == "TRUST_PRINCIPAL_WILDCARD"]
    # The SDK puts the policy's description on the first line, the violation after it.
    assert message.split("\n", 1)[1].startswith('assumeRolePolicy, Statement[0]: Principal "*"')


def outputs_of_a_role_with(count: int) -> list[dict[str, Any]]:
    """AnalyzeStack's view: the role's outputs list every attached policy; each is also an attachment."""
    arns = [f"arn:aws:iam::444455556666:policy/p{i}" for i in range(count)]
    role = {
        "type": ROLE,
        "name": "reader",
        "properties": {"name": "reader", "arn": "arn:aws:iam::444455556666:role/reader", "managedPolicyArns": arns},
        "provider": "access-target",
    }
    attachments = [
        {
            "type": ROLE_ATTACHMENT,
            "name": f"attach-{i}",
            "properties": {"role": "reader", "policyArn": arn},
            "provider": "access-target",
        }
        for i, arn in enumerate(arns)
    ]
    return [role, *attachments]


def test_a_role_with_six_policies_is_counted_six_in_the_stacks_outputs(pack: Pack) -> None:
    assert pack.analyze_stack(outputs_of_a_role_with(6)) == []


def test_a_role_with_eleven_policies_is_one_mandatory_violation_saying_eleven(pack: Pack) -> None:
    (diagnostic,) = pack.analyze_stack(outputs_of_a_role_with(11))
    assert (diagnostic.policyName, diagnostic.enforcementLevel) == ("MANAGED_POLICY_COUNT", MANDATORY)
    assert "11 managed policies" in diagnostic.message
    assert diagnostic.urn == f"{STACK_URN}{ROLE}::reader"


def first_preview(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a first preview sends: ARNs of resources not created yet are unknown."""
    shaped = []
    for r in resources:
        properties = dict(r["properties"])
        if r["type"].endswith("PolicyAttachment"):
            properties["policyArn"] = UNKNOWN
        if r["type"] == ROLE:
            properties["arn"] = UNKNOWN
            properties["managedPolicyArns"] = UNKNOWN
        shaped.append({**r, "properties": properties})
    return shaped


def test_unknown_values_in_a_first_preview_fail_nothing_and_are_said_once() -> None:
    pack = Pack(PROJECT_DIR / "policypack", PROJECT_DIR)  # a fresh process: "once" is per run
    try:
        resources = first_preview(walkthrough_resources())
        diagnostics = [d for r in resources for d in pack.analyze(r)]
        diagnostics += pack.analyze_stack(resources)
    finally:
        pack.close()
    (said,) = diagnostics
    assert (said.policyName, said.enforcementLevel) == ("PREVIEW_UNKNOWN_VALUES", ADVISORY)
    text = said.message.split("\n", 1)[1]
    assert text.startswith("some values are not known yet in this preview (first seen: ")
    assert " of urn:pulumi:utils::cross-account-roles::" in text
    assert "can't run policy" not in said.message


def test_a_published_copy_runs_outside_the_repository(tmp_path: Path) -> None:
    copy = tmp_path / "published"
    written = dist.build(copy)
    assert copy / "crossaccount" / "guardrails" / "limits.py" in written
    assert copy / "crossaccount" / "data" / "escalation-paths.json" in written  # the escalation catalogue (issue 31)
    assert not [p for p in written if "__pycache__" in p.parts]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    pack = Pack(copy, elsewhere)
    try:
        resources = outputs_of_a_role_with(11)
        assert [d.policyName for d in pack.analyze_stack(resources)] == ["MANAGED_POLICY_COUNT"]
        assert [d.policyName for d in pack.analyze(first_preview(resources)[0])] == ["PREVIEW_UNKNOWN_VALUES"]
        # rules that judge by the reference data the pack read from its own copy (issue 31): AWS's
        # managed policies, the IAM catalogue and the escalation catalogue
        admin = {**resources[1], "properties": {"role": "reader", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}}
        assert [d.policyName for d in pack.analyze(admin)] == ["ADMINISTRATOR_ACCESS"]
        escalating = {
            "Effect": "Allow",
            "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
            "Resource": "*",
        }
        document = json.dumps({"Version": "2012-10-17", "Statement": [escalating]})
        policy = {
            "type": "aws:iam/policy:Policy",
            "name": "p",
            "properties": {"name": "p", "policy": document},
            "provider": "access-target",
        }
        assert "PRIVILEGE_ESCALATION" in {d.policyName for d in pack.analyze(policy)}
    finally:
        pack.close()


def _third_party_imports(folder: Path) -> set[str]:
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m not in {"crossaccount", "policypack"}}


def test_the_packs_requirements_cover_every_library_its_code_imports() -> None:
    """The pack's own venv is built from policypack/requirements.txt alone (`pulumi install` in policypack/)."""
    lines = (PROJECT_DIR / "policypack" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    required = {line.split("==")[0].strip().lower().replace("_", "-") for line in lines if line and not line.startswith("#")}
    distributions = importlib.metadata.packages_distributions()
    imported = _third_party_imports(PROJECT_DIR / "crossaccount") | _third_party_imports(PROJECT_DIR / "policypack")
    missing = {}
    for module in imported:
        names = distributions.get(module, [module])
        if not {n.lower().replace("_", "-") for n in names} & required:
            missing[module] = names
    assert missing == {}
