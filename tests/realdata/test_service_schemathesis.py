"""Property-based tests of the JSON API against its own OpenAPI schema (schemathesis): whatever a
client sends that the schema allows (positive cases) or breaks on purpose (negative cases), the
service answers as documented: no 5xx, only declared status codes, JSON bodies matching the
schema, 4xx for invalid input, valid input accepted (a 422 for a constraint between parameters
that the schema cannot state excepted, see CROSS_PARAMETER). Runs in-process over ASGI on the shared
session store (every snapshot of ../shared/data/deepstate/history and the OSM borders of
../shared/data/borders), read-only. 25 examples per operation and mode, derandomized.

The operations are walked inside one test (not with schemathesis' pytest parametrize, whose
plugin does not work with this pytest), and every failure is collected before failing.
"""
from __future__ import annotations

import traceback

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="pip install schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis.generation.modes import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from frontwatch.faces.service import ServiceConfig, create_app  # noqa: E402

EXAMPLES = 25


@pytest.fixture(scope="module")
def api(store_path):
    app = create_app(ServiceConfig(store_path=store_path, timeout_s=300))
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    app.state.frontwatch.close()


# A 422 for a request the schema admits is right when it breaks a constraint between parameters,
# which OpenAPI cannot state: a period that ends before it starts (from/to, since/until), a box
# whose minimum passes its maximum, a latitude past 90 in "lat,lon:radius". Those 422s, and only
# those (told by the message the service gives them), pass schemathesis' positive_data_acceptance
# check; every other check runs as it is.
CROSS_PARAMETER = ("the period starts after it ends", "each min below its max", "expected LAT,LON in degrees",
                   "longitudes within ±180")


def positive_data_acceptance_but_cross_parameter(ctx, response, case):
    if response.status_code == 422 and case.meta is not None and case.meta.generation.mode.is_positive:
        try:
            message = response.json().get("error", "")
        except ValueError:
            message = ""
        if any(words in message for words in CROSS_PARAMETER):
            return None
    return positive_data_acceptance(ctx, response, case)


def _run(operation, mode):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call(timeout=600)  # a first answer may take a minute on a busy machine
        if mode == GenerationMode.NEGATIVE and response.status_code == 413:
            # An invalid body over the service's size limit is refused before it is read (413
            # Content Too Large): that is a rejection, which schemathesis's negative-data check
            # does not list among the rejecting codes.
            return
        case.validate_response(response, excluded_checks=[positive_data_acceptance],
                               additional_checks=[positive_data_acceptance_but_cross_parameter])

    check()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_every_operation_answers_as_its_schema_says(api, mode):
    import os

    only = os.environ.get("FRONTWATCH_SCHEMATHESIS_ONLY")
    failures, seen = [], []
    for result in api.get_all_operations():
        op = result.ok()
        if only and only not in op.label:
            continue
        seen.append(op.label)
        try:
            _run(op, mode)
        except Unsatisfiable:
            assert mode == GenerationMode.NEGATIVE, op.label
            continue  # nothing to break: an operation without parameters has no invalid request
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected, reported together below
            subs = getattr(exc, "exceptions", None) or [exc]
            failures.append(f"{op.label}: {type(exc).__name__}: {exc}\n" +
                            "\n".join("".join(traceback.format_exception(e))[-2500:] for e in subs))
    assert only or len(seen) >= 13, seen
    assert not failures, "\n\n".join(failures)
