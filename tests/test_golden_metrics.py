"""Behaviour stays put: small runs of every family end on exactly the recorded final metrics.

The cases and how to record them anew are in `tests/golden/cases.py`.
"""

import json

import pytest

from tests.golden.cases import CASES, EXPECTED, case_id, run_case

RECORDED = json.loads(EXPECTED.read_text())


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_final_metrics_match_the_record(case) -> None:
    expected = RECORDED[case_id(case)]
    got = run_case(case)
    assert got == expected, {k: (got.get(k), expected.get(k)) for k in set(got) | set(expected)
                             if got.get(k) != expected.get(k)}
