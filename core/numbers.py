"""Reading many rows of numbers without printing and parsing each one. Knows no domain.

PostgreSQL sends results as text unless asked for its binary format, and Django's cursor
(psycopg's client-side binding) only asks for text: every float is printed in its shortest
exact decimal by the server and parsed back by the client. For the few thousand rows of
coordinates a geographic look-up reads, that was most of the look-up's time; in binary a
float travels as its eight bytes, the same number bit for bit.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection


def rows_of(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of a query, in PostgreSQL's binary format when the database is PostgreSQL
    (an ordinary cursor elsewhere). The statement is the one Django's own cursor would send,
    the parameters written into it the same way, and it goes through Django's cursor
    wrapper: logged and counted like any other query."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    import psycopg  # only where the database is PostgreSQL

    connection.ensure_connection()
    with psycopg.ClientCursor(connection.connection) as client:
        statement = client.mogrify(sql, params)
    binary = psycopg.Cursor(connection.connection)
    binary.format = psycopg.pq.Format.BINARY
    wrapped = (
        connection.make_debug_cursor(binary)  # type: ignore[arg-type]  # stubs: takes a DB-API cursor
        if connection.queries_logged
        else connection.make_cursor(binary)  # type: ignore[arg-type]  # stubs: takes a DB-API cursor
    )
    with wrapped as cursor:
        cursor.execute(statement)
        return cursor.fetchall()
