"""The start-up of a command in a process of its own: `python -m tools` (`make plan`, `make
check`, ...) and the benchmark's floor (`python -m tools.benchmark.floor`), tuned alike so that the floor
still measures the program's own overhead.

Loading the command's modules (the Pulumi SDK, `pulumi_aws`, the guardrails) makes tens of
thousands of long-lived objects, none of them garbage; with the cyclic collector on, a full
collection during the loading walks them all (the floor's loading had one), and so does the
interpreter's collection at exit (23 ms of `make check`). So the collector is paused while
they load, and what loaded is then frozen (left out of every later collection, `gc.freeze`)
before the collector is on again for the command's own work; `tools.offline.mocks.run_program` does
the same for the run itself. Measured on the 1 x 1 stack, median of 21 runs (11 for check):
the floor 0.45 s -> 0.39 s, `make check` 0.33 s -> 0.25 s, `make plan` unchanged (0.56 s): its
loading happened to stop short of a full collection (nine collections of the middle
generation; the eleventh starts one), which a few more modules would have crossed.

Only for a process of its own (`if __name__ == "__main__"`): a test process that imports these
modules keeps its collector as it is.
"""

from __future__ import annotations

import gc


def loading() -> None:
    """Before the command's imports: the collector paused."""
    gc.disable()


def loaded() -> None:
    """After them: what they made frozen, and the collector on again."""
    gc.freeze()
    gc.enable()
