"""A throwaway database with the seed plan, for benchmarks run as plain scripts.

Uses SQLite in a temporary directory unless DB=postgres points at a server.
"""

from __future__ import annotations

import gc
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reformtracker.settings")
    if os.environ.get("DB", "sqlite") == "sqlite":
        os.environ["DB_NAME"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def median_time(repeat: int, function) -> float:
    """The median of `repeat` timed calls of `function`, in seconds.

    Each call starts from a collected heap and runs without the garbage
    collector: otherwise a full collection, set off by whatever the calls
    before left behind, lands in one call or another at random and is timed
    as that call's work.
    """
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return statistics.median(times)


class Table:
    """Figures printed a row at a time, as they are measured, under a header.

    Each column is "title:spec", the spec a format spec for its values
    (">9.1f"); the title takes the spec's alignment and width, so the two are
    written once and cannot drift apart.
    """

    def __init__(self, *columns: str):
        titles, self.specs = zip(*(column.rsplit(":", 1) for column in columns))
        widths = [re.match(r"[<>^]?\d*", spec).group() for spec in self.specs]
        print(" ".join(f"{t:{w}}" for t, w in zip(titles, widths)))

    def row(self, *values) -> None:
        print(" ".join(format(v, s) for v, s in zip(values, self.specs, strict=True)))
