"""Tests of the CrossGuard policy pack (policypack/)."""
