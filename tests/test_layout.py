"""The layout holds: data flows one way, read -> settings -> plan -> guardrails -> pipeline ->
the program and the commands, and each step keeps to its job.

- No import circle, and no import that climbs back up (`GROUPS` says which folder may import
  which; the imports inside functions and under TYPE_CHECKING count too).
- Only the read step touches files: the settings and plan steps and the pipeline call nothing
  that opens, lists or stats a file.
- The plan step never raises: its problems are returned (`StackPlan.problems`).
- No function of the read, settings and plan steps is longer than 60 lines.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.paths import PROJECT_DIR

PACKAGES = ("crossaccount", "components", "tools", "policypack")

GROUPS: dict[str, tuple[str, ...]] = {
    # group: the groups it may import (itself included implicitly)
    "base": (),  # crossaccount/__init__, iam, resource_types, errors, inputs, reference: IAM's limits, the error vocabulary, the read step's data
    "read": ("base",),
    "settings": ("base",),
    "plan": ("base", "settings"),
    "guardrails": ("base", "settings", "plan"),
    # crossaccount/access: the evaluator and its types (issue 30); the model (access/model.py) is
    # built from the plans (plan), reads the AWS managed policies' documents and the IAM catalogue
    # (guardrails), and the invariants of the settings (settings)
    "access": ("base", "settings", "plan", "guardrails"),
    "pipeline": ("base", "read", "settings", "plan", "guardrails"),
    "components": ("base", "read", "settings", "plan", "guardrails", "pipeline"),
    "policypack": ("base", "read", "guardrails"),  # read: the reference data the rules judge by
    "program": ("base", "pipeline", "components"),
    "tools-base": (),  # tools/paths.py, tools/startup.py
    "render": ("base", "read", "guardrails", "access", "tools-base", "offline"),  # offline: its plain records (registration.py)
    "offline": ("base", "read", "guardrails", "components", "tools-base"),
    # components: its permissions table (components/permissions.py, plain data), from which
    # tools/commands/ci_roles.py writes the CI roles' policies.
    "commands": (
        "base",
        "read",
        "settings",
        "plan",
        "guardrails",
        "access",
        "pipeline",
        "components",
        "tools-base",
        "render",
        "offline",
    ),
    # access, pipeline: tools/benchmark/access.py times the access model in-process (make bench-access)
    "benchmark": ("base", "tools-base", "offline", "commands", "access", "pipeline"),
    "cli": ("base", "guardrails", "tools-base", "offline", "commands", "benchmark"),
}


def group_of(module: str) -> str:
    parts = module.split(".")
    if module == "__main__":
        return "program"
    if parts[0] == "crossaccount":
        if len(parts) == 1 or parts[1] in ("iam", "resource_types", "errors", "inputs", "reference"):
            return "base"
        return "pipeline" if parts[1] == "pipeline" else parts[1]
    if parts[0] == "tools":
        if len(parts) == 1 or parts[1] in ("paths", "startup"):
            return "tools-base"
        return "cli" if parts[1] == "__main__" else parts[1]
    return parts[0]


def modules() -> dict[str, Path]:
    found = {"__main__": PROJECT_DIR / "__main__.py"}
    for package in PACKAGES:
        for path in sorted((PROJECT_DIR / package).rglob("*.py")):
            parts = path.relative_to(PROJECT_DIR).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(module: str, path: Path, known: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """Every project module `module` imports (anywhere in the file), with the line."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        for name in names:
            found = name
            while found and found not in known:
                found = found.rpartition(".")[0]
            if found and found != module and found.split(".")[0] in (*PACKAGES, "__main__"):
                yield found, node.lineno


def test_no_module_imports_a_step_above_its_own() -> None:
    known = modules()
    wrong = []
    for module, path in known.items():
        mine = group_of(module)
        for imported, line in imports(module, path, known):
            theirs = group_of(imported)
            if theirs != mine and theirs not in GROUPS[mine]:
                wrong.append(f"{path.relative_to(PROJECT_DIR)}:{line}: {module} ({mine}) imports {imported} ({theirs})")
    assert wrong == []


def test_no_import_circle() -> None:
    known = modules()
    graph = {m: sorted({i for i, _ in imports(m, p, known)}) for m, p in known.items()}
    circles = []
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for imported in graph[module]:
            if state.get(imported) == 1:
                circles.append(" -> ".join([*path[path.index(imported) :], imported]))
            elif imported not in state:
                visit(imported, [*path, imported])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_the_layout_test_sees_a_circle_and_a_climb(tmp_path: Path) -> None:
    """The two tests above can fail: a settings module that imports the read step is a climb
    across, and two modules that import each other are a circle."""
    (tmp_path / "a.py").write_text("from crossaccount.read import read_stack\n", encoding="utf-8")
    known = {**modules(), "crossaccount.settings.a": tmp_path / "a.py"}
    (imported, _line), *_ = imports("crossaccount.settings.a", tmp_path / "a.py", known)
    assert group_of(imported) == "read"
    assert "read" not in GROUPS[group_of("crossaccount.settings.a")]


FILE_CALLS = {
    "open",
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "glob",
    "rglob",
    "iterdir",
    "stat",
    "exists",
    "is_file",
    "is_dir",
    "resolve",
    "listdir",
    "scandir",
    "walk",
    "mkdir",
    "unlink",
}
PURE = [
    "crossaccount/access",
    "crossaccount/settings",
    "crossaccount/plan",
    "crossaccount/pipeline.py",
    "crossaccount/iam.py",
    "crossaccount/errors.py",
    "crossaccount/inputs.py",
    "crossaccount/reference.py",
    "crossaccount/guardrails",
]


def _files(where: list[str]) -> list[Path]:
    return [p for w in where for p in ([PROJECT_DIR / w] if w.endswith(".py") else sorted((PROJECT_DIR / w).rglob("*.py")))]


@pytest.mark.parametrize("path", _files(PURE), ids=lambda p: str(p.relative_to(PROJECT_DIR)))
def test_only_the_read_step_touches_files(path: Path) -> None:
    calls = [
        f"line {n.lineno}: {ast.unparse(n.func)}"
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(n, ast.Call)
        and (
            (isinstance(n.func, ast.Name) and n.func.id in FILE_CALLS)
            or (isinstance(n.func, ast.Attribute) and n.func.attr in FILE_CALLS)
        )
    ]
    assert calls == []


@pytest.mark.parametrize("path", _files(["crossaccount/plan"]), ids=lambda p: str(p.relative_to(PROJECT_DIR)))
def test_the_plan_step_never_raises(path: Path) -> None:
    raises = [n.lineno for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, ast.Raise | ast.Assert)]
    assert raises == []


@pytest.mark.parametrize(
    "path",
    _files(["crossaccount/read", "crossaccount/settings", "crossaccount/plan"]),
    ids=lambda p: str(p.relative_to(PROJECT_DIR)),
)
def test_no_function_of_the_core_steps_is_over_sixty_lines(path: Path) -> None:
    long = [
        f"{n.name}: {n.end_lineno - n.lineno + 1} lines"
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.end_lineno is not None and n.end_lineno - n.lineno + 1 > 60
    ]
    assert long == []


RENDER_MAY_IMPORT: dict[str, set[str] | None] = {
    # module of the core -> the names tools/render may import from it (None: any). The renderers
    # print the core's answers; who reaches what, and how documents read, is decided in the core
    # (crossaccount/access), never where it is printed (issue 30).
    "crossaccount": {"NAMESPACE"},
    "crossaccount.access.grants": {"Grant", "Permission", "PlannedRole", "access_grants", "account_sides", "planned_roles"},
    "crossaccount.access.diff": {
        "AccessChange",
        "PlanDiff",
        "ResourceChange",
        "diff_plans",
        "document_changes",
        "same_access_inputs",
    },
    "crossaccount.access.who_gains": {"WhoChange"},
    "crossaccount.guardrails": {"Finding", "summarise"},
    "crossaccount.guardrails.model": {"Finding", "summarise"},
    "crossaccount.errors": {"show"},
    "crossaccount.read": {"json_file"},
    "crossaccount.read.policies": {"MAX_POLICY_DEPTH"},
    "crossaccount.resource_types": None,
}


def _core_imports(path: Path) -> Iterator[tuple[str, str, int]]:
    """(module, name, line) of each name `path` imports from the core (`import crossaccount.x` as name `*`)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] == "crossaccount":
            yield from ((str(node.module), a.name, node.lineno) for a in node.names)
        elif isinstance(node, ast.Import):
            yield from ((a.name, "*", node.lineno) for a in node.names if a.name.split(".")[0] == "crossaccount")


def refused_imports(path: Path) -> list[tuple[str, str, int]]:
    """The core's names `path` imports that `RENDER_MAY_IMPORT` does not allow a renderer."""
    return [
        (m, n, line) for m, n, line in _core_imports(path) if (ok := RENDER_MAY_IMPORT.get(m, set())) is not None and n not in ok
    ]


@pytest.mark.parametrize("path", _files(["tools/render"]), ids=lambda p: str(p.relative_to(PROJECT_DIR)))
def test_the_renderers_only_render(path: Path) -> None:
    """tools/render imports no analysis from the core: no statement parsing (the canonical form,
    the guardrails' PolicyDocument), no group facts, no evaluator; only the answers to print."""
    assert refused_imports(path) == []


def test_the_render_test_sees_a_renderer_that_parses_statements(tmp_path: Path) -> None:
    (tmp_path / "x.py").write_text(
        "from crossaccount.access.canonical import statements\n"
        "from crossaccount.guardrails.model import PolicyDocument, Finding\n"
        "import crossaccount.access.plan_groups\n"
        "from crossaccount.access.grants import Grant\n",
        encoding="utf-8",
    )
    assert refused_imports(tmp_path / "x.py") == [
        ("crossaccount.access.canonical", "statements", 1),
        ("crossaccount.guardrails.model", "PolicyDocument", 2),
        ("crossaccount.access.plan_groups", "*", 3),
    ]
