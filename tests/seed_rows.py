"""The rows django_db_setup committed, kept to put back after a transactional test.

A transactional test empties every table when it ends, so the next one that
needs the seed plan would load it again: about 1,100 queries. On PostgreSQL
the rows are copied out once per test session and copied back in one COPY per
table, ids and all, as the plain tests saw them. On SQLite nothing is kept and
the seed is loaded again.
"""

from __future__ import annotations

import io

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection
from django.db import transaction

_rows: dict[str, bytes] = {}

# Made anew, with other ids, by the post_migrate signal that follows a flush.
_REMADE_BY_FLUSH = {ContentType._meta.db_table, Permission._meta.db_table}


def keep() -> None:
    """Copy every table's rows out of the database, as they are now."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True):
            rows = io.BytesIO()
            cursor.cursor.copy_expert(f"COPY {_quoted(table)} TO STDOUT", rows)
            _rows[table] = rows.getvalue()


def put_back() -> bool:
    """Copy the kept rows back into a database that a flush emptied.

    False, changing nothing, where none were kept or a table holds rows
    other than those the flush made anew.
    """
    if not _rows:
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        others = [table for table in _rows if table not in _REMADE_BY_FLUSH]
        cursor.execute(
            " UNION ALL ".join(f"(SELECT 1 FROM {_quoted(t)} LIMIT 1)" for t in others)
        )
        if cursor.fetchone():
            return False
        remade = ", ".join(_quoted(table) for table in _REMADE_BY_FLUSH)
        cursor.execute(f"TRUNCATE {remade} CASCADE")
        # Foreign keys are checked at commit (Django makes them deferrable),
        # so the tables may come back in any order.
        for table, rows in _rows.items():
            if rows:
                cursor.cursor.copy_expert(
                    f"COPY {_quoted(table)} FROM STDIN", io.BytesIO(rows)
                )
        # A flush by the management command restarts the ids from 1: each
        # table's next id comes after the rows put back, as loaddata leaves it.
        models = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.db_table in _rows
        ]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    ContentType.objects.clear_cache()
    return True


def _quoted(table: str) -> str:
    return connection.ops.quote_name(table)
