"""The settings are read by `crossaccount.strict`, which replaced pydantic's strict mode: for
any input, it accepts what pydantic accepted (with the same values) and reports what pydantic
reported (type, location, message and input of every problem, in the same order), so that the
settings' error texts are those they were. Checked against pydantic models built from the same
dataclasses, with the configuration the settings' models had, on generated inputs: valid
settings, wrong types at any depth, missing and unknown keys, keys that are not strings."""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import Any, Literal, Optional, Union

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model
from pydantic import ValidationError as PydanticError
from pydantic.alias_generators import to_camel

from crossaccount import settings as settings_module
from crossaccount.strict import ValidationError, alias, validate

MODELS = [
    settings_module.AccountSettings,
    settings_module.UserSettings,
    settings_module.GroupSettings,
    settings_module.SelfServiceSettings,
    settings_module.PasswordPolicySettings,
    settings_module.SmokeCheck,
    settings_module.TrustedTag,
    settings_module.RoleSettings,
    settings_module.StackSettings,
]
TYPES: list[Any] = [*MODELS, dict[str, str], dict[str, dict[str, str]]]
CONFIG = ConfigDict(alias_generator=to_camel, populate_by_name=False, extra="forbid", frozen=True, strict=True)
"""The settings' models' configuration when they were pydantic models."""


def _is_optional(type_: Any) -> bool:
    args = typing.get_args(type_)
    return typing.get_origin(type_) in (Union, types.UnionType) and len(args) == 2 and type(None) in args


def _inner(type_: Any) -> Any:
    return next(a for a in typing.get_args(type_) if a is not type(None))


@cache
def reference(type_: Any) -> Any:
    """The pydantic type the settings' type was: each dataclass a model with `CONFIG`."""
    if dataclasses.is_dataclass(type_) and isinstance(type_, type):
        hints = typing.get_type_hints(type_)
        fields: dict[str, Any] = {}
        for f in dataclasses.fields(type_):
            extra: dict[str, Any] = {"alias": f.metadata["alias"]} if "alias" in f.metadata else {}
            if f.default_factory is not dataclasses.MISSING:
                info = Field(default_factory=f.default_factory, **extra)
            elif f.default is not dataclasses.MISSING:
                info = Field(f.default, **extra)
            else:
                info = Field(**extra)
            fields[f.name] = (reference(hints[f.name]), info)
        return create_model(type_.__name__, __config__=CONFIG, **fields)
    if _is_optional(type_):
        return Optional[reference(_inner(type_))]  # noqa: UP045 (built at run time)
    origin, args = typing.get_origin(type_), typing.get_args(type_)
    if origin is list:
        return list[reference(args[0])]  # type: ignore[misc]
    if origin is dict:
        return dict[str, reference(args[1])]  # type: ignore[misc]
    return type_


def pydantic_validate(type_: Any) -> Any:
    target = reference(type_)
    adapter = (
        TypeAdapter(target)
        if isinstance(target, type) and issubclass(target, BaseModel)
        else TypeAdapter(target, config=ConfigDict(strict=True))
    )
    return adapter.validate_python


def plain(value: Any) -> Any:
    """A value of either side as comparable data: a model or dataclass as its class name and fields."""
    if isinstance(value, BaseModel):
        return (type(value).__name__, {name: plain(getattr(value, name)) for name in type(value).model_fields})
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)})
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return (type(value).__name__, value)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
"""Anything the engine's JSON can hold."""


def values(type_: Any, garbage: bool = True) -> st.SearchStrategy[Any]:
    """A value for `type_`; with `garbage`, anything at all in a third of the places."""
    return st.one_of(valid(type_, garbage), valid(type_, garbage), JSON) if garbage else valid(type_, garbage)


@cache
def valid(type_: Any, garbage: bool) -> st.SearchStrategy[Any]:
    """A value of the right type here, its parts drawn by `values`; with `garbage`, also
    missing fields, unknown keys and keys that are not strings."""
    if type_ is str:
        return st.text(max_size=4)
    if type_ is bool:
        return st.booleans()
    if type_ is int:
        return st.integers()
    if type_ is Any:
        return JSON
    if _is_optional(type_):
        return st.none() | valid(_inner(type_), garbage)
    origin, args = typing.get_origin(type_), typing.get_args(type_)
    if origin is Literal:
        return st.sampled_from(args)
    if origin is list:
        return st.lists(values(args[0], garbage), max_size=3)
    if origin is dict:
        keys = st.text(max_size=4) | st.sampled_from([1, None]) if garbage else st.text(max_size=4)
        return st.dictionaries(keys, values(args[1], garbage), max_size=3)
    assert dataclasses.is_dataclass(type_), type_
    hints = typing.get_type_hints(type_)
    fields = {alias(f): (f, values(hints[f.name], garbage)) for f in dataclasses.fields(type_)}
    required = {
        k: v
        for k, (f, v) in fields.items()
        if not garbage and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    optional = {k: v for k, (_, v) in fields.items() if k not in required}
    known = st.fixed_dictionaries(required, optional=optional)
    if not garbage:
        return known
    unknown: st.SearchStrategy[dict[Any, Any]] = st.just({}) | st.dictionaries(
        st.sampled_from(["unknown", "account_id", "import_", 7]), JSON, max_size=2
    )
    return st.builds(lambda a, b: {**b, **a}, known, unknown)


def outcome(check: Any, value: Any) -> tuple[str, Any]:
    try:
        return "valid", plain(check(value))
    except (ValidationError, PydanticError) as error:
        return "invalid", [(e["type"], e["loc"], e["input"], e["msg"]) for e in error.errors()]


@pytest.mark.parametrize("type_", TYPES, ids=[getattr(t, "__name__", str(t)) for t in TYPES])
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_input_is_accepted_or_refused_as_pydantic_did(type_: Any, data: st.DataObject) -> None:
    value = data.draw(values(type_))
    assert outcome(lambda v: validate(type_, v), value) == outcome(pydantic_validate(type_), value)


@pytest.mark.parametrize("type_", TYPES, ids=[getattr(t, "__name__", str(t)) for t in TYPES])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_valid_settings_read_to_the_values_pydantic_read(type_: Any, data: st.DataObject) -> None:
    value = data.draw(values(type_, garbage=False))
    ours = outcome(lambda v: validate(type_, v), value)
    assert ours[0] == "valid"
    assert ours == outcome(pydantic_validate(type_), value)


def test_the_checks_agree_on_every_kind_of_problem_at_once() -> None:
    """One role with a problem of each kind; both report all of them, in one order."""
    role = {
        "trust": "x",
        "trustedTag": {"key": "k", "extra": 1},
        "checks": [{"action": 1, "expect": "maybe", "params": []}, 3],
        "tags": {"a": 1, 2: "b"},
        "trustedUsers": ("a",),
        "maxSessionDuration": 3600.0,
        "requireMfa": 1,
        "mfaMaxAgeSeconds": True,
        "import_": True,
        None: 1,
    }
    ours = outcome(lambda v: validate(settings_module.RoleSettings, v), role)
    assert ours == outcome(pydantic_validate(settings_module.RoleSettings), role)
    assert ours[0] == "invalid"
    assert len(ours[1]) == 15


def test_a_valid_stack_reads_to_the_same_values() -> None:
    stack = {
        "source": {"accountId": "111122223333", "region": "eu-north-1", "profile": "utils"},
        "target": {"accountId": "444455556666", "region": "eu-north-1", "roleArn": "arn:aws:iam::444455556666:role/deploy"},
        "users": {"alice": {"import": True, "tags": {"team": "data"}}},
        "roles": {"r": {"trustedUsers": ["alice"], "checks": [{"action": "s3:ListBuckets", "params": {"a": [1]}}]}},
        "passwordPolicy": {"passwordReusePrevention": None},
    }
    ours = outcome(lambda v: validate(settings_module.StackSettings, v), stack)
    assert ours[0] == "valid"
    assert ours == outcome(pydantic_validate(settings_module.StackSettings), stack)
