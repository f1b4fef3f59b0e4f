"""A clock that only moves when something sleeps: retries are tested without waiting."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict


class FakeTime:
    """`clock()` and `sleep()` for `tools.commands.verify.Options`; `sleeps` records every pause."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class FakeClock(TypedDict):
    """The `sleep` and `clock` of `tools.commands.verify.Options`, from a fresh `FakeTime`."""

    sleep: Callable[[float], None]
    clock: Callable[[], float]


def fake_clock() -> FakeClock:
    """`verify.Options(..., **fake_clock())`: a test that never meant to retry still never waits for real."""
    time = FakeTime()
    return {"sleep": time.sleep, "clock": time.clock}
