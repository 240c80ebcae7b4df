"""FUZZ-01: schemathesis against the whole OpenAPI document, through the gateway, per role.

The all-in-one gateway runs on a real uvicorn server (this test's event loop); the schemathesis
CLI runs in a subprocess against it once per role (anonymous, applicant, staff of agency A,
staff of agency B, integrator, platform admin) with every check on, negative and positive data,
and the stateful phase. On top of the built-in checks, ``tests/fuzz/checks.py`` fails any
response with unmasked personal data (PII-01) or with a record the role may not see.

The budget is ``GONGKAI_TEST_FUZZ_SECONDS`` seconds per role (``make test``: a few; ``make fuzz``:
minutes), ``GONGKAI_TEST_FUZZ_EXAMPLES`` examples per operation, ``GONGKAI_TEST_FUZZ_SEED`` to
replay a run. A failing run leaves the CLI's report next to the test's data directory.
"""

import asyncio
import gc
import json
import os
import sys
import warnings
from pathlib import Path

import httpx
import pytest

from gateway.app import Gateway, create_app
from gateway.settings import GatewaySettings
from services.common.settings import SERVICE_NAMES
from tests.conftest import ServiceSettingsFactory
from tests.fuzz import world as fuzz_world
from tests.support.processes import ROOT
from tests.support.servers import serving
from tests.support.tokens import TokenMinter

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]

SECONDS = int(os.environ.get("GONGKAI_TEST_FUZZ_SECONDS", "3"))
EXAMPLES = int(os.environ.get("GONGKAI_TEST_FUZZ_EXAMPLES", "5"))
SEED = os.environ.get("GONGKAI_TEST_FUZZ_SEED")
PHASES = os.environ.get("GONGKAI_TEST_FUZZ_PHASES", "examples,coverage,fuzzing,stateful")
ROLES = os.environ.get("GONGKAI_TEST_FUZZ_ROLES", ",".join(fuzz_world.ROLES)).split(",")
LOG_DIR = os.environ.get("GONGKAI_TEST_FUZZ_LOG_DIR")  # keep each role's CLI output there
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# Checks left out, each for a reason that holds for the whole API:
EXCLUDED_CHECKS = [
    # "Schema-valid data must give 2xx": the API answers a well-formed request that breaks a
    # rule of the law or of the data (an unknown agency, a wrong check digit, a date outside
    # the report year, a stale cursor) with a 422/400 problem naming the field, by design.
    "positive_data_acceptance",
]


@pytest.fixture
async def fuzz_gateway(
    make_service_settings: ServiceSettingsFactory, gateway_settings: GatewaySettings
) -> Gateway:
    """The whole system with rate limits off: the fuzzer sends far more than a person would."""
    settings = gateway_settings.model_copy(update={"rate_limit_enabled": False})
    return create_app(settings, await make_service_settings(SERVICE_NAMES))


async def _run_role(
    base_url: str, role: str, headers: dict[str, str], forbidden: Path, report: Path
) -> tuple[int, str]:
    args = [
        str(SCHEMATHESIS), "run", f"{base_url}/openapi.json",
        "--url", base_url,
        "--checks", "all",
        "--mode", "all",
        "--phases", PHASES,
        "--max-time", str(SECONDS),
        "--max-examples", str(EXAMPLES),
        "--workers", "1",
        "--request-timeout", "30",
        "--suppress-health-check", "all",
        "--continue-on-failure",
        "--report", "junit",
        "--report-junit-path", str(report),
        "--output-truncate", "true",
        "--no-color",
    ]  # fmt: skip
    for check in EXCLUDED_CHECKS:
        args += ["--exclude-checks", check]
    if SEED:
        args += ["--seed", SEED]
    for name, value in headers.items():
        args += ["--header", f"{name}: {value}"]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_")},
        "SCHEMATHESIS_HOOKS": "tests.fuzz.checks",
        "GONGKAI_TEST_FUZZ_FORBIDDEN": str(forbidden),
        "PYTHONPATH": str(ROOT),
    }
    proc = await asyncio.create_subprocess_exec(
        *args,
        cwd=report.parent,  # schemathesis keeps a .schemathesis cache in its directory
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await proc.communicate()
    return proc.returncode or 0, output.decode(errors="replace")


async def test_fuzz_every_operation_as_every_role(
    fuzz_gateway: Gateway, tokens: TokenMinter, data_dir: Path
) -> None:
    failures: dict[str, str] = {}
    async with serving(fuzz_gateway) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        world = await fuzz_world.build(http, tokens)
        for role in ROLES:
            forbidden = data_dir / f"fuzz-{role}.json"
            forbidden.write_text(
                json.dumps({"base_url": base_url, "forbidden": world.forbidden(role)})
            )
            report = data_dir / f"fuzz-{role}.xml"
            code, output = await _run_role(
                base_url, role, world.headers(tokens, role), forbidden, report
            )
            (data_dir / f"fuzz-{role}.log").write_text(output)
            if LOG_DIR:
                (Path(LOG_DIR) / f"fuzz-{role}.log").write_text(output)
            if code != 0:
                failures[role] = output[-20000:]
    # Requests the fuzzer abandoned (client timeouts, cut connections) can leave a database
    # connection to the garbage collector; collect it here, so its ResourceWarning is not
    # blamed on whichever test runs next. (Noted for follow-up: see the report of issue 9.)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    assert not failures, "\n\n".join(f"=== {role} ===\n{out}" for role, out in failures.items())
