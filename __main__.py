"""cross-account-roles: users in a source account that assume roles in a target account.

Thin on purpose: the pipeline checks the stack (read -> settings -> plan -> guardrails), the
component registers its plan, and the stack exports the outputs. `main` returns what the
pipeline found, so that the offline plan shows the program's own findings.
"""

from pathlib import Path

from components.stack_config import deploy, load_from_pulumi_config
from crossaccount.pipeline import Checked


def main() -> Checked:
    checked = load_from_pulumi_config(Path(__file__).resolve().parent)
    deploy(checked.plan)
    return checked


if __name__ == "__main__":
    main()
