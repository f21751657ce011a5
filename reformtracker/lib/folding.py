"""Text folded for keyword matching, the same in Python and in the database.

A keyword is folded in Python and looked for in texts the database folds as
it scans them, so that no copy of the texts has to be kept up to date: NFKC
folds full-width letters and digits and half-width katakana (ｐｆｉ → pfi,
ｶﾅ → カナ), then letter case is lowered. PostgreSQL folds with its own
NORMALIZE (PostgreSQL 13 or later; skipped for a text already normalized) and
LOWER; SQLite has no such function, so each SQLite connection gets `fold`
itself (`add_sqlite_function`).
"""

from __future__ import annotations

import unicodedata

from django.db.models import Func
from django.db.models import TextField

SQLITE_FUNCTION = "RT_FOLD"


def fold(text: str) -> str:
    """The text as a keyword matches it: NFKC, lower case."""
    return unicodedata.normalize("NFKC", text).lower()


class Folded(Func):
    """A text expression folded as `fold` folds, in SQL."""

    function = SQLITE_FUNCTION
    arity = 1
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        # Most texts are NFKC already (typed through a Japanese input method),
        # and asking whether one is costs about half what normalizing it does.
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"LOWER(CASE WHEN ({sql}) IS NFKC NORMALIZED THEN ({sql}) "
            f"ELSE NORMALIZE(({sql}), NFKC) END)",
            (*params, *params, *params),
        )


def _fold_or_null(text: str | None) -> str | None:
    return None if text is None else fold(text)


def add_sqlite_function(sender, connection, **kwargs) -> None:
    """Give a new SQLite connection `fold` (a receiver of connection_created)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 1, _fold_or_null, deterministic=True
        )
