"""The README's Guardrails section lists every rule, with its severity, whether it can be waived and how
the policy pack applies it, exactly as the code declares them: the table cannot drift."""

from __future__ import annotations

from crossaccount.guardrails import RULES
from tools.offline.mocks import PROJECT_DIR


def test_the_rules_table_lists_every_rule_as_declared() -> None:
    text = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    section = text.split("\n### The rules\n", 1)[1].split("\n### ", 1)[0]
    rows = {}
    for line in section.splitlines():
        if line.startswith("| `"):
            rule_id, severity, _, waivable, pack = (c.strip() for c in line.strip("|").split(" | "))
            rows[rule_id.strip("`")] = (severity, waivable, pack)
    assert rows == {r: (i.severity, "yes" if i.waivable else "no", i.pack) for r, i in RULES.items()}
