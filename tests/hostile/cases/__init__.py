"""Every hostile case, from its topic's module: stack files and outputs files (stack_files), the
engine's configuration (engine), the other readers, verify's options and waivers (readers), and
access through groups (groups). A case's name is unique across them all."""

from __future__ import annotations

from tests.hostile.cases import engine, groups, readers, stack_files
from tests.hostile.harness import Accepted, Case, Ends, Refused, Reported

CASES: list[Case] = [*stack_files.CASES, *engine.CASES, *readers.CASES, *groups.CASES]
BY_NAME: dict[str, Case] = {case.name: case for case in CASES}

REFUSED = [case for case in CASES if isinstance(case.expect, Refused)]
ACCEPTED = [case for case in CASES if isinstance(case.expect, Accepted)]
ENDS = [case for case in CASES if isinstance(case.expect, Ends)]
REPORTED = [case for case in CASES if isinstance(case.expect, Reported)]
