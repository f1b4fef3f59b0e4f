"""The program's failure under the mocks, in a module light enough for every command to import.

`tools.offline.mocks` (which loads the Pulumi SDK) raises it; `tools.__main__` catches it without
paying for that import in commands that never run the program (`check`, `verify`).
"""

from __future__ import annotations

from .registration import Registration


class ProgramError(Exception):
    """The program failed; `registrations` says what it had registered by then."""

    def __init__(self, cause: BaseException, registrations: list[Registration]):
        super().__init__(str(cause))
        self.cause = cause
        self.registrations = registrations
