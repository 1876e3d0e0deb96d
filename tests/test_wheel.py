"""The built wheel, installed into a fresh virtualenv, works from outside the checkout.

scripts/check-wheel.sh does the work; the suite (and so CI) runs it here.
It builds the wheel and installs its dependencies, so it takes about a minute.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.wheel
def test_installed_wheel_runs_statements_build_and_queries_outside_the_checkout() -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "check-wheel.sh")],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("wheel check passed: 2 communiqués, ")
    assert last.endswith(" statements, 20 stored queries")
