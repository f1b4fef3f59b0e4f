"""Tests of the guardrails: rules, waivers, the three places they run, and the corpus."""
