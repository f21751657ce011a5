"""Settings shared by the fuzz tests: reproducible runs, scaled with FUZZ_SCALE."""

import os

from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import settings

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def examples(count: int) -> int:
    """Examples per run; FUZZ_SCALE=10 tries ten times as many (say, nightly)."""
    return count * int(os.environ.get("FUZZ_SCALE", "1"))
