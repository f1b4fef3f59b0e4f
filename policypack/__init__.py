"""The CrossGuard policy pack: the guardrails applied to the resources the engine sees."""
