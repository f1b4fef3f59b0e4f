"""cross-account-roles: settings, documents and guardrails (pure: no Pulumi import)."""

NAMESPACE = "cross-account-roles"
"""The project's name: the prefix of its stack config keys (`cross-account-roles:users`).
Here, in the package's lightest module, so that the recording mocks can name the project
without importing the settings (the benchmark's floor imports the mocks and nothing else)."""
