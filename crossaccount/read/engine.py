"""The engine's configuration map: how the engine encodes each value it passes the program
(`encode_value`, Go's JSON), and the one decoding of that map into the settings' input
(`decode_engine_config`), used by the program under the engine and by every offline command.

What the engine does is cited in `crossaccount/read/yaml.py` (pulumi/pulumi,
sdk/go/common/resource/config/object.go and pkg/workspace/config.go).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any

from crossaccount import NAMESPACE
from crossaccount.errors import SettingsError, key
from crossaccount.inputs import UNDECRYPTED

from .strict_json import refuse_constant
from .yaml import MAX_DEPTH, StackFileError

SECRET_SETTINGS = (("roles", "*", "externalId"),)
"""The settings that may be `secure:` values (a path under the namespace; `*` is any name)."""
_INT64 = (-(1 << 63), (1 << 64) - 1)


@dataclass(frozen=True)
class EngineConfig:
    """The `cross-account-roles:*` configuration as the engine hands it to the program."""

    values: Mapping[str, str]
    """Full key (`cross-account-roles:roles`) -> its text: strings as they are, anything else as JSON."""
    secret_keys: frozenset[str]
    """Full keys whose value is or contains a `secure:` value."""
    environments: tuple[str, ...] = ()
    """The Pulumi ESC environments the stack file imports (`environment:`), read offline: their
    values are merged in by the engine only, so an offline command has not seen them."""


@dataclass(frozen=True)
class DecodedConfig:
    """The settings' input: values keyed without namespace, and which settings are secret."""

    raw: dict[str, Any]
    secret_paths: frozenset[tuple[str, ...]]
    """Setting paths such as `("roles", "deploy", "externalId")` that hold a secret."""


def _go_float(value: float) -> str:
    """A float as Go's encoding/json writes it: shortest digits, `e` notation outside [1e-6, 1e21)."""
    digits = Decimal(repr(value)).normalize()
    if value == 0 or 1e-6 <= abs(value) < 1e21:
        return format(digits, "f")
    sign, numerals, exponent = digits.as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, numerals))
    power = exponent + len(text) - 1
    mantissa = text[0] + (f".{text[1:]}" if len(text) > 1 else "")
    return f"{'-' if sign else ''}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}".replace("e-0", "e-")


def _json_text(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False)`; for a string, the function that call ends in
    (`JSONEncoder.encode`), without building an encoder per string (19,000 strings of the
    4,000 x 400 stack: 20 ms -> 8 ms)."""
    if isinstance(value, str):
        return encode_basestring(value)
    return json.dumps(value, ensure_ascii=False)


def go_json(value: Any) -> str:
    """JSON as the engine writes a config object: keys sorted, no spaces, floats as Go prints them."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{_json_text(k)}:{go_json(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(go_json(v) for v in value) + "]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        return str(value) if _INT64[0] <= value <= _INT64[1] else _go_float(float(value))
    if isinstance(value, float):
        return _go_float(value)
    return _json_text(value)


def _is_secure(value: Any) -> bool:
    """`{secure: <ciphertext>}`: the engine's form of a secret (config/object.go isSecureValue)."""
    return isinstance(value, dict) and len(value) == 1 and isinstance(value.get("secure"), str)


def contains_secure(value: Any) -> bool:
    if _is_secure(value):
        return True
    if isinstance(value, dict):
        return any(contains_secure(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_secure(v) for v in value)
    return False


def encode_value(value: Any) -> tuple[str, bool]:
    """One top-level value as the engine passes it (config/object.go MarshalString): (text, secret).

    A string is passed as it is; a top-level `secure:` value as its ciphertext (the engine
    would pass the plaintext); anything else as JSON, with nested `secure:` values kept in
    their `{"secure": ...}` form (offline, nothing is decrypted).
    """
    if isinstance(value, str):
        return value, False
    if _is_secure(value):
        return go_json(value), True
    return go_json(value), contains_secure(value)


def _may_be_secret(path: tuple[str | int, ...]) -> bool:
    return any(
        len(path) == len(pattern) and all(p in ("*", part) for p, part in zip(pattern, path, strict=True))
        for pattern in SECRET_SETTINGS
    )


def _replace_secure(
    value: Any, path: tuple[str | int, ...], secrets: set[tuple[str, ...]], problems: list[str], secret_key: bool = True
) -> Any:
    if _is_secure(value):
        if not secret_key:
            # The engine passes a `secure:` map only inside a key it marks secret (config/object.go
            # Secure, config/map.go SecureKeys), decrypted. In a key it does not mark, the map is
            # text: JSON written as a string (a string is passed as it is: object.go MarshalString),
            # or a value from the environment (PULUMI_CONFIG). Nothing would decrypt it.
            problems.append(
                f"{key(path)}: a secure: map in a value the engine passes as plain text (JSON text in a string, "
                "or not from a stack file), which nothing decrypts; expected a secure: value written as YAML in the stack file "
                "(pulumi config set --secret)"
            )
            return None
        if _may_be_secret(path):
            secrets.add(tuple(str(p) for p in path))
            return UNDECRYPTED
        problems.append(
            f"{key(path)}: a secure: (secret) value; this setting may not be secret "
            "(only roles.<name>.externalId may): write it in plain text"
        )
        return None
    if isinstance(value, dict):
        return {k: _replace_secure(v, (*path, k), secrets, problems, secret_key) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_secure(v, (*path, i), secrets, problems, secret_key) for i, v in enumerate(value)]
    return value


def decode_text(text: str) -> Any:
    """A value as the program reads it: JSON when it parses as JSON, else the text itself
    (what `pulumi.Config.get_object` does). Depth is bounded: the engine's JSON is at most as
    deep as the YAML it came from, and a hand-set value deeper than that is refused."""
    try:
        return json.loads(text, parse_constant=refuse_constant)
    except (json.JSONDecodeError, ValueError):
        return text
    except RecursionError:
        raise StackFileError(["a config value is nested too deeply; expected a stack file's settings"]) from None


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def decode_engine_config(config: EngineConfig) -> DecodedConfig:
    """The engine's string map -> the settings' input, and the secret settings.

    Under the engine, secrets arrive decrypted and only their top-level key says so: a secret
    `roles` key makes every role's externalId secret (the program cannot tell which one was
    `secure:`), and any other secret key is refused. Offline, `secure:` values are still in
    their `{"secure": ...}` form: allowed ones become `UNDECRYPTED`, others are refused.
    """
    prefix = f"{NAMESPACE}:"
    raw: dict[str, Any] = {}
    secrets: set[tuple[str, ...]] = set()
    problems: list[str] = []
    for full_key in sorted(config.values):
        if not full_key.startswith(prefix):
            continue
        name = full_key[len(prefix) :]
        value = decode_text(config.values[full_key])
        if _depth(value) > MAX_DEPTH:
            problems.append(f"{key((name,))}: nested more than {MAX_DEPTH} levels deep; expected a stack file's settings")
            continue
        value = _replace_secure(value, (name,), secrets, problems, full_key in config.secret_keys)
        if full_key in config.secret_keys:
            if name != "roles":
                problems.append(
                    f"{key((name,))}: a secret value; this setting may not be secret "
                    "(only roles.<name>.externalId may): write it in plain text"
                )
                continue
            with_id = (
                [r for r, v in value.items() if isinstance(v, dict) and "externalId" in v] if isinstance(value, dict) else []
            )
            if not with_id:
                problems.append(
                    f"{key((name,))}: a secret value, but no role sets externalId; only roles.<name>.externalId may be secret"
                )
            secrets.update(("roles", r, "externalId") for r in with_id)
        raw[name] = value
    if problems:
        raise SettingsError(problems)
    return DecodedConfig(raw=raw, secret_paths=frozenset(secrets))


def engine_config_of(values: Mapping[str, Any], secret_keys: Collection[str] = ()) -> EngineConfig:
    """Python values keyed without namespace -> the engine's map (tests, bench, the mocks)."""
    encoded: dict[str, str] = {}
    secret = set(secret_keys)
    for name, value in values.items():
        text, is_secret = encode_value(value)
        encoded[f"{NAMESPACE}:{name}"] = text
        if is_secret:
            secret.add(f"{NAMESPACE}:{name}")
    return EngineConfig(values=encoded, secret_keys=frozenset(secret))
