"""verify's own options and the AWS configuration around it, checked before any AWS call: one
`VerifyError` naming the setting (an option, an `AWS_*` variable, the AWS config file) for what
botocore would otherwise raise as a traceback, or retry forever on.

botocore 1.44's behaviour, read in its source (.venv/lib/python3.11/site-packages/botocore):
- `endpoint.py` (`EndpointCreator.create_endpoint`): an endpoint URL that is not a valid URL
  raises a bare `ValueError("Invalid endpoint: ...")` when a client is made; the test is
  `botocore.utils.is_valid_endpoint_url` / `is_valid_ipv6_endpoint_url`, reused here. A URL of
  another scheme (ftp://) passes that test and fails at the first call.
- `configprovider.py` / `client.py`: `AWS_DEFAULTS_MODE`, `AWS_STS_REGIONAL_ENDPOINTS`,
  `AWS_REQUEST_CHECKSUM_CALCULATION`, `AWS_RESPONSE_CHECKSUM_VALIDATION`,
  `AWS_ACCOUNT_ID_ENDPOINT_MODE` (or their `~/.aws/config` keys) with an unknown value raise
  `InvalidDefaultsMode`, `InvalidSTSRegionalEndpointsConfigError`, `InvalidChecksumConfigError`
  or `InvalidConfigError` when a client is made.
- `configloader.py`: a config or credentials file that is not INI raises `ConfigParseError`
  when the session is made.
- `credentials.py` (`ProcessProvider._retrieve_credentials_using`): the output of a
  `credential_process` is read with `json.loads(stdout.decode('utf-8'))` and `.get` with no
  check, so text that is not UTF-8 or not JSON raises `UnicodeDecodeError`/`JSONDecodeError`,
  and JSON that is not an object `AttributeError`, from `Session.get_credentials()`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from botocore.exceptions import (
    BotoCoreError,
    ConfigParseError,
    InvalidChecksumConfigError,
    InvalidConfigError,
    InvalidDefaultsMode,
    InvalidSTSRegionalEndpointsConfigError,
)
from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url

from .common import MAX_WAIT_SECONDS, VerifyError

MFA_CODE_LENGTH = 6
_SECONDS_RE = re.compile(r"^[0-9]+(\.[0-9]*)?\Z|^\.[0-9]+\Z", re.ASCII)


def is_mfa_code(code: str) -> bool:
    """Exactly six ASCII digits: `str.isdigit` alone takes Arabic-Indic digits and superscripts, which STS refuses."""
    return len(code) == MFA_CODE_LENGTH and code.isascii() and code.isdigit()


def mfa_code_problem(code: str) -> str:
    """What is wrong with an MFA code, without echoing it (a one-time secret)."""
    return f"{len(code)} characters" + (", not all of them ASCII digits 0-9" if len(code) == MFA_CODE_LENGTH else "")


def wait_seconds(value: str | float) -> float:
    """`--wait`: a finite number of seconds from 0 to `MAX_WAIT_SECONDS` (nan would retry forever),
    written in ASCII digits (Python's float() also reads Arabic-Indic digits and `1_0`)."""
    expected = f"expected a number of seconds from 0 to {MAX_WAIT_SECONDS:,}"
    if isinstance(value, bool) or (isinstance(value, str) and not (value.isascii() and _SECONDS_RE.match(value))):
        raise VerifyError(f"--wait: got {value!r}; {expected}")
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise VerifyError(f"--wait: got {value!r}; {expected}") from None
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_WAIT_SECONDS:
        raise VerifyError(f"--wait: got {value!r}; {expected}")
    return seconds


def endpoint_problem(url: str) -> str | None:
    """Why botocore cannot send calls to `url`, or None."""
    if not (is_valid_endpoint_url(url) or is_valid_ipv6_endpoint_url(url)):
        return "not a valid URL"
    if urlsplit(url).scheme not in ("http", "https"):
        return "not an http:// or https:// URL"
    return None


def check_endpoints(option: str | None, environ: Mapping[str, str]) -> None:
    """--endpoint-url, AWS_ENDPOINT_URL and every AWS_ENDPOINT_URL_<SERVICE> botocore would use."""
    given = [("--endpoint-url", option)] if option is not None else []
    given += sorted((k, v) for k, v in environ.items() if k == "AWS_ENDPOINT_URL" or k.startswith("AWS_ENDPOINT_URL_"))
    for setting, url in given:
        if url == "" and setting != "--endpoint-url":
            continue  # botocore ignores an empty variable
        problem = endpoint_problem(url)
        if problem is not None:
            raise VerifyError(f"{setting}: got {url!r}, {problem}; expected an endpoint URL such as https://sts.amazonaws.com")


_SETTINGS = {
    InvalidDefaultsMode: "AWS_DEFAULTS_MODE (or defaults_mode in the AWS config file)",
    InvalidSTSRegionalEndpointsConfigError: "AWS_STS_REGIONAL_ENDPOINTS (or sts_regional_endpoints in the AWS config file)",
}


def client_problem(service: str, error: BotoCoreError | ValueError) -> str:
    """One line naming the setting that stopped botocore from making a `service` client."""
    if isinstance(error, ValueError):  # endpoint.py's "Invalid endpoint: <url>"
        return (
            f"the endpoint URL for {service} ({error}); expected an http:// or https:// URL in --endpoint-url, "
            f"AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_{service.upper()} or endpoint_url in the AWS config file"
        )
    setting = next((name for cls, name in _SETTINGS.items() if isinstance(error, cls)), None)
    if setting is not None:
        return f"{setting}: {error}"
    if isinstance(error, InvalidChecksumConfigError | InvalidConfigError):
        return f"the AWS configuration (an AWS_* variable or the AWS config file): {error}"
    return f"cannot make a {service} client: {error}"


def session_problem(error: ConfigParseError) -> str:
    """A config or credentials file botocore cannot parse, named with the variable that points at it."""
    variables = "AWS_CONFIG_FILE, default ~/.aws/config; AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials"
    return f"{error} ({variables}); expected an INI file of [profile ...] sections with key = value lines"


def process_problem(origin: str, error: ValueError | AttributeError) -> str:
    """A `credential_process` whose output botocore cannot read (see the module's docstring)."""
    if isinstance(error, UnicodeDecodeError):
        found = "text that is not UTF-8"
    elif isinstance(error, json.JSONDecodeError):
        found = f"text that is not JSON ({error.msg} at line {error.lineno}, column {error.colno})"
    elif isinstance(error, AttributeError):
        found = "JSON that is not an object"
    else:  # dateutil's ParserError for an Expiration that is not a date
        found = f"a value botocore cannot read ({error})"
    return f"{origin}: its credential_process printed {found}; expected {PROCESS_OUTPUT}"


PROCESS_OUTPUT = (
    'the JSON object {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...", ...} of '
    "https://docs.aws.amazon.com/cli/v1/userguide/cli-configure-sourcing-external.html"
)


def sso_problem(profile: str | None, error: BotoCoreError) -> str:
    """An IAM Identity Center profile whose cached sign-in is missing or expired (botocore's
    `SSOTokenLoadError`, `UnauthorizedSSOTokenError`, `TokenRetrievalError`)."""
    name = profile or "default"
    return (
        f"profile {name}: an IAM Identity Center (SSO) profile without a valid sign-in ({error}); run "
        f"`aws sso login --profile {name}` first, then verify again"
    )


def profile_chain_problem(
    profiles: Mapping[str, Mapping[str, object]], chosen: str | None, origin: str, environ: Mapping[str, str]
) -> str | None:
    """What in the chosen profile (and the `source_profile`s it assumes a role from) would make
    botocore prompt on the terminal or fail without a clear error, read before any credential is
    loaded (botocore 1.44 `credentials.py`):

    - `AssumeRoleProvider` with `mfa_serial` asks for the code with `getpass.getpass`, which
      reads the terminal, or raises EOFError with no terminal (CI): verify never prompts there;
    - `AssumeRoleWithWebIdentityProvider` opens `web_identity_token_file` only when the
      credentials are first used, and a missing file raises a bare FileNotFoundError.
    """
    name, seen = chosen, set()
    while name is not None and name not in seen:
        seen.add(name)
        profile = profiles.get(name, {})
        at = origin if name == chosen else f"{origin}, through its source_profile {name}"
        token_file = profile.get("web_identity_token_file")
        if isinstance(token_file, str) and not Path(token_file).expanduser().is_file():
            return (
                f"{at}: web_identity_token_file {token_file} is not a file; expected the OIDC token your CI job writes "
                "there before verify runs (or a profile with a trusted user's credentials)"
            )
        serial = profile.get("mfa_serial")
        if profile.get("role_arn") and serial:
            return (
                f"{at}: assumes {profile['role_arn']} with mfa_serial {serial}, so boto3 would prompt on the terminal for "
                "an MFA code (and fail where there is none, as in CI); verify never prompts through a profile: give the "
                "trusted user's own profile or keys, and the code with --mfa-token (verify makes the one MFA session itself)"
            )
        source = profile.get("source_profile")
        name = source if isinstance(source, str) and profile.get("role_arn") else None
    token_file = environ.get("AWS_WEB_IDENTITY_TOKEN_FILE")
    if chosen is None and token_file and environ.get("AWS_ROLE_ARN") and not Path(token_file).is_file():
        return (
            f"AWS_WEB_IDENTITY_TOKEN_FILE {token_file} is not a file; expected the OIDC token your CI job writes there "
            "before verify runs"
        )
    return None
