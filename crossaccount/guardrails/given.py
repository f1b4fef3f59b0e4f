"""The reference data the guardrails judge by, as it was given to them: the one seam between the
rules and the files behind them.

The read step reads the IAM action catalogue, AWS's managed policies and the privilege-escalation
catalogue (`crossaccount.read.read_reference`, once per process) into a `ReferenceData`;
`crossaccount.pipeline` hands it to `check_plan`, and the policy pack, which has no pipeline, to
`use` when it starts. The rules ask for it here (`given`): no module of the guardrails opens a
file or imports code that does (tests/test_reference_data.py holds both).

The rules keep what they derive from the data in caches (`functools.lru_cache`), keyed by
action names and patterns, not by the data: when other data is given (a test's), every cache of
the guardrails is emptied, so that nothing derived from the data given before is used.
"""

from __future__ import annotations

import sys

from ..reference import ReferenceData

_given: list[ReferenceData] = []


class NoReferenceDataError(RuntimeError):
    """The guardrails were asked to judge before any reference data was given to them."""


def use(data: ReferenceData) -> None:
    """Judge by `data` from now on (the same object again: nothing changes, the caches are kept)."""
    if _given and _given[0] is data:
        return
    if _given:
        _forget()
    _given[:] = [data]


def given() -> ReferenceData:
    """The reference data given last."""
    if not _given:
        raise NoReferenceDataError(
            "the guardrails were given no reference data (the IAM action catalogue, AWS's managed policies, the "
            "privilege-escalation catalogue): pass crossaccount.read.read_reference() to check_plan, or to "
            "crossaccount.guardrails.use, first"
        )
    return _given[0]


def _forget() -> None:
    """Empty every cache of the guardrails' modules (what they derived from the data given before)."""
    package = __name__.rpartition(".")[0]
    for name, module in list(sys.modules.items()):
        if name.startswith(f"{package}."):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)) and hasattr(value, "cache_info"):
                    value.cache_clear()
