"""A clock that only moves when something sleeps: retries are tested without waiting."""

from __future__ import annotations


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
