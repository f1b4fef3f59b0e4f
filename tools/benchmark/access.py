"""`make bench-access`: the access model (docs/access.md) on the organisation benchmark's project
(tools/benchmark/organisation.py: 1,000 people, a people's stack and 50 roles-only stacks of 8
roles, each person trusted by about 40 roles through `trust: path`).

    python -m tools.benchmark.access [--people 1000] [--stacks 50] [--roles 8] [--teams 10] [--repeat 3]

Measures, in this process, the minimum wall clock of `--repeat` runs of:

- the plans of every stack (`check_organisation`, what `check --all` builds first; for scale);
- building the model from those plans (target: under 5 s);
- one `can` after the build: a person, s3:ListAllMyBuckets on "*" (target: under 0.5 s);
- `who-can` s3:ListAllMyBuckets on "*" over the whole organisation (target: under 5 s);
- the same model built from the stacks' plan JSON (`crossaccount.access.from_plan`, what the
  review reads), after planning each stack to JSON as `make plan FORMAT=json` does (for scale),
  and whether its `can` and `who-can` answers are the same (decision, roles, statements).

Nothing is asserted: this measures (tests/test_access.py decides correctness). The machine may be
shared: the JSON carries the load average.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from crossaccount.access.from_plan import model_from_plans
from crossaccount.access.model import Answer, PathAnswer, Question, build_model, can, who_can
from crossaccount.access.principals import find
from crossaccount.pipeline import Checked, check_organisation
from tools.benchmark.organisation import add_arguments, project_of, write_project
from tools.commands import plan as plan_command

T = TypeVar("T")


def best_of(repeat: int, work: Callable[[], T]) -> tuple[float, T, float]:
    """(the minimum wall clock, the result, the minimum CPU time of this process) of `repeat` runs:
    on a shared machine the CPU time is the figure that does not depend on the other processes."""
    best, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = work()
        best, best_cpu = min(best, time.perf_counter() - start), min(best_cpu, time.process_time() - cpu)
    assert result is not None
    return best, result, best_cpu


def measure(directory: Path, repeat: int, person: str) -> dict[str, Any]:
    plans_s, results, _ = best_of(1, lambda: check_organisation(directory))
    plans = {s: r.plan for s, r in results.items() if isinstance(r, Checked)}
    build_s, model, build_cpu = best_of(repeat, lambda: build_model(plans))
    question = Question("s3:ListAllMyBuckets", "*")
    principal = find(model.principals, person)
    can_s, answer, can_cpu = best_of(repeat, lambda: can(model, principal, question))
    who_s, paths, who_cpu = best_of(repeat, lambda: who_can(model, question))
    return {
        "stacks_planned": len(plans),
        "plans_seconds": round(plans_s, 2),
        "model_build_seconds": round(build_s, 3),
        "model_build_cpu_seconds": round(build_cpu, 3),
        "principals": len(model.principals),
        "roles": len(model.roles),
        "can_seconds": round(can_s, 3),
        "can_cpu_seconds": round(can_cpu, 3),
        "can_paths_allowed": sum(p.allowed for p in answer.paths),
        "who_can_seconds": round(who_s, 3),
        "who_can_cpu_seconds": round(who_cpu, 3),
        "who_can_principals": len({p.principal.arn for p in paths}),
        "who_can_paths": len(paths),
        **from_plan_json(directory, repeat, plans, person, question, answer, paths),
    }


def plan_documents(directory: Path, stacks: Sequence[str]) -> dict[str, Any]:
    """Each stack's plan JSON, as `make plan FORMAT=json` prints it."""
    documents = {}
    for stack in stacks:
        out = io.StringIO()
        args = argparse.Namespace(stack=stack, format="json", project_dir=directory)
        if plan_command.run(args, out) != 0:
            raise SystemExit(f"make plan FORMAT=json failed for stack {stack}")
        documents[stack] = json.loads(out.getvalue())
    return documents


def _path(p: PathAnswer) -> tuple[Any, ...]:
    return (p.principal.arn, p.through, p.allowed, p.because)


def _answer(a: Answer) -> tuple[Any, ...]:
    return (a.allowed, a.through, a.because, tuple(map(_path, a.paths)))


def from_plan_json(
    directory: Path,
    repeat: int,
    plans: Any,
    person: str,
    question: Question,
    answer: Answer,
    paths: Sequence[PathAnswer],
) -> dict[str, Any]:
    """The model from the stacks' plan JSON: its build time, and whether it answers as `build_model`'s."""
    json_s, documents, _ = best_of(1, lambda: plan_documents(directory, sorted(plans)))
    build_s, model, build_cpu = best_of(repeat, lambda: model_from_plans(documents))
    mine = can(model, find(model.principals, person), question)
    return {
        "plan_json_seconds": round(json_s, 2),
        "plan_json_bytes": sum(len(json.dumps(d)) for d in documents.values()),
        "model_from_plan_json_seconds": round(build_s, 3),
        "model_from_plan_json_cpu_seconds": round(build_cpu, 3),
        "from_plan_json_same_can": _answer(mine) == _answer(answer),
        "from_plan_json_same_who_can": list(map(_path, who_can(model, question))) == list(map(_path, paths)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.benchmark.access", description=__doc__)
    add_arguments(parser)
    args = parser.parse_args(argv)
    project, size = project_of(args)
    result: dict[str, Any] = {"size": size}
    with tempfile.TemporaryDirectory() as scratch:
        write_project(Path(scratch), project)
        result["access_model"] = measure(Path(scratch), args.repeat, "person-00000")
    result["load_average"] = os.getloadavg()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
