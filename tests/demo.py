"""The demo, loaded once per test run and copied back for each test that uses it.

Loading the demo goes through the services, as the API would, and takes about a second; the
browser tests each need it in a database that is emptied after every test. So the first test
that asks for it loads it with the command into the empty test database, copies the rows of
every table the command filled into a schema of their own, and empties those tables again.
Each test then copies the rows back: one INSERT ... SELECT per table, in one transaction.

Content types and permissions are left out: Django recreates them, with new ids, each time
it empties the database after a transactional test, and the demo refers to neither (checked
when the copy is made).
"""

# The SQL here names tables and columns, which come from the database's own catalogue (no
# input reaches it) and cannot be passed as query parameters.
# ruff: noqa: S608

import io
from dataclasses import dataclass

from django.core.management import call_command
from django.db import connection, transaction

from backend.celery import app as celery_app

SCHEMA = "demo_snapshot"
# Rows Django itself keeps, and recreates after every flush, rather than the demo's.
DJANGO_OWN = ("django_content_type", "auth_permission")


@dataclass(frozen=True)
class Table:
    name: str
    columns: str  # quoted and comma-separated, without generated columns
    # Each sequence of the table and the highest value the demo used from it.
    sequences: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class DemoSnapshot:
    tables: tuple[Table, ...]

    def restore(self) -> None:
        """Copy the demo into the database, as `load_demo` would have left it.

        In a database that already holds rows of the demo's tables (a test's own fixture ran
        first) the copy could collide with them, so the command loads the demo on top
        instead, as it always did."""
        with transaction.atomic(), connection.cursor() as cursor:
            if _any_rows(cursor, [table.name for table in self.tables]):
                _load()
                return
            # Django's foreign keys are deferrable, so the order of the tables is free:
            # they are checked when this transaction commits.
            for table in self.tables:
                cursor.execute(
                    f'INSERT INTO "{table.name}" ({table.columns}) '
                    f'SELECT {table.columns} FROM {SCHEMA}."{table.name}"'
                )
                # A sequence only ever moves forward: a value handed out before (and rolled
                # back or flushed since) is never handed out again, as without the copy.
                for sequence, used in table.sequences:
                    cursor.execute(
                        f'SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM "{sequence}")))',
                        [sequence, used],
                    )


def build() -> DemoSnapshot:
    """Load the demo into the (empty) test database and copy it aside; the database is left
    empty again. Run in autocommit, so the demo's on-commit work (the alert's dispatch) runs
    as it does in a transactional test."""
    tables = connection.introspection.django_table_names(only_existing=True)
    ours = [name for name in tables if name not in DJANGO_OWN]
    with connection.cursor() as cursor:
        if _any_rows(cursor, ours):
            # Left by an interrupted run of a reused database: start from what a transactional
            # test leaves behind.
            call_command("flush", interactive=False, verbosity=0)
        _load()
        filled = [name for name in ours if _any_rows(cursor, [name])]
        _refuse_references_to_django_own(cursor, filled)
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        snapshot = DemoSnapshot(tables=tuple(_copy(cursor, name) for name in filled))
        quoted = ", ".join(f'"{name}"' for name in filled)
        cursor.execute(f"TRUNCATE {quoted} CASCADE")
    return snapshot


def drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    # Closed here: after the browser tests (Playwright's event loop runs in this thread) the
    # test database's teardown left this connection open and could not drop the database.
    connection.close()


def _load() -> None:
    # As the tests run it: its Celery tasks in this process (a session fixture runs before
    # the per-test fixture that sets this).
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        call_command("load_demo", stdout=io.StringIO())
    finally:
        celery_app.conf.task_always_eager = eager


def _any_rows(cursor, tables: list[str]) -> bool:
    if not tables:
        return False
    cursor.execute("SELECT " + " OR ".join(f'EXISTS (SELECT 1 FROM "{name}")' for name in tables))
    return cursor.fetchone()[0]


def _copy(cursor, name: str) -> Table:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = %s AND is_generated = 'NEVER'"
        " ORDER BY ordinal_position",
        [name],
    )
    columns = ", ".join(f'"{column}"' for (column,) in cursor.fetchall())
    cursor.execute(f'CREATE TABLE {SCHEMA}."{name}" AS SELECT {columns} FROM "{name}"')
    sequences = []
    for sequence in connection.introspection.get_sequences(cursor, name):
        cursor.execute(f'SELECT MAX("{sequence["column"]}") FROM "{name}"')
        sequences.append((sequence["name"], cursor.fetchone()[0]))
    return Table(name=name, columns=columns, sequences=tuple(sequences))


def _refuse_references_to_django_own(cursor, filled: list[str]) -> None:
    """Fail if a row of the demo points at a content type or a permission, whose ids the copy
    could not keep."""
    cursor.execute(
        "SELECT conrelid::regclass::text, a.attname FROM pg_constraint"
        " JOIN pg_attribute a ON a.attrelid = conrelid AND a.attnum = ANY (conkey)"
        " WHERE contype = 'f' AND confrelid::regclass::text = ANY (%s)",
        [list(DJANGO_OWN)],
    )
    for table, column in cursor.fetchall():
        if table.strip('"') in filled:
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM {table} WHERE "{column}" IS NOT NULL)')
            if cursor.fetchone()[0]:
                raise RuntimeError(
                    f"The demo's {table}.{column} refers to content types or permissions, "
                    "which the copy of the demo leaves out; copy them too."
                )
