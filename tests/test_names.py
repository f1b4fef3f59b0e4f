"""A function named like a question answers it: every `is_*` and `has_*` function, method and
property of crossaccount/, components/ and tools/ is annotated to return `bool` (or a `TypeGuard`, a bool
that also narrows a type). Issue 31: a builder of a trust statement was once named
`is_permission_set_statement`, the name of the yes/no test in guardrails/federation.py.

The modules are imported, not parsed, so that a function defined in a class, made by a
decorator (`functools.lru_cache`) or written on several lines is seen as Python sees it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any, TypeGuard

import pytest

QUESTION = re.compile(r"_*(is|has)_\w+\Z")
ANSWERS = re.compile(r"(bool|TypeGuard\[.+\]|typing\.TypeGuard\[.+\])\Z")
PACKAGES = ("crossaccount", "components", "tools")


def _modules() -> Iterator[ModuleType]:
    for package in PACKAGES:
        root = importlib.import_module(package)
        yield root
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            yield importlib.import_module(info.name)


def _questions(module: ModuleType) -> Iterator[tuple[str, Callable[..., Any]]]:
    """(qualified name, function) of each `is_*`/`has_*` function, method and property the module defines."""
    for name, value in vars(module).items():
        function = inspect.unwrap(value) if callable(value) else value
        if inspect.isfunction(function) and function.__module__ == module.__name__ and QUESTION.match(name):
            yield f"{module.__name__}.{name}", function
        if inspect.isclass(value) and value.__module__ == module.__name__:
            for member, attribute in vars(value).items():
                found = attribute.fget if isinstance(attribute, property) else attribute
                found = found.__func__ if isinstance(found, staticmethod | classmethod) else found
                if inspect.isfunction(found) and QUESTION.match(member):
                    yield f"{module.__name__}.{value.__name__}.{member}", found


def _annotation(function: Callable[..., Any]) -> str:
    returned = inspect.signature(function, eval_str=False).return_annotation
    return returned if isinstance(returned, str) else getattr(returned, "__name__", repr(returned))


QUESTIONS = sorted({name: function for module in _modules() for name, function in _questions(module)}.items())


def test_the_sweep_finds_the_questions_of_every_package() -> None:
    names = [name for name, _ in QUESTIONS]
    assert len(names) >= 24  # as many as `def is_`/`def has_` lines in the packages on 2026-12-07
    assert {"crossaccount.guardrails.federation.is_permission_set_statement", "crossaccount.guardrails.catalogue.is_arn"} <= set(
        names
    )
    assert any(name.startswith("tools.") for name in names)


@pytest.mark.parametrize(("name", "function"), QUESTIONS, ids=[name for name, _ in QUESTIONS])
def test_a_function_named_like_a_question_returns_a_bool(name: str, function: Callable[..., Any]) -> None:
    assert ANSWERS.match(_annotation(function)), f"{name} returns {_annotation(function)}"


def test_the_check_refuses_a_builder_named_like_a_question() -> None:
    def is_statement() -> dict[str, Any]:
        return {}

    def is_plain(value: object) -> TypeGuard[str]:
        return isinstance(value, str)

    assert ANSWERS.match(_annotation(is_statement)) is None
    assert ANSWERS.match(_annotation(is_plain)) is not None
