"""The app's PostgreSQL connections, as the settings open them."""

import pytest
from django.db import connection

# A cross join the planner costs far above jit_above_cost (100,000): planned,
# not run, as EXPLAIN says whether it would be JIT compiled.
COSTLY = "SELECT count(*) FROM generate_series(1, 10000) a, generate_series(1, 10000) b"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_a_costly_query_is_planned_without_jit_compiling(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit_above_cost")
        assert float(cursor.fetchone()[0]) <= 100_000
        cursor.execute("EXPLAIN (FORMAT JSON) " + COSTLY)
        plan = cursor.fetchone()[0][0]
    assert plan["Plan"]["Total Cost"] > 100_000
    assert "JIT" not in plan
