"""The SQL of a busy list compiled once per shape of its query, not on every request.

Building a list's querysets through its visibility rule and compiling them to SQL cost a page
of the scheme directory more CPU than PostgreSQL spent answering it (about 4 of its 8 ms), the
same work on every request. Two requests' SQL differs only where their viewers differ in what
the rule branches on (signed in, staff, a liaison), where the requests ask for different
things (an ordering, the page), and in the values the SQL takes (the viewer's id, their
force). So a list's page and its count are compiled once per *shape*, those facts, and each
request runs the SQL with its own values.

The SQL is still the rule's own: it is compiled from the rule's queryset built for a stand-in
viewer (``StandIn``, made by the accounts app), who has only the facts of the shape and a
placeholder wherever the SQL takes a value of the viewer's own. The first request of each
shape builds its own queryset as well; the shape's SQL is kept only if the stand-in's, with
the request's values put in, is exactly the request's own SQL, and otherwise never (every
request of that shape then builds its own). SQL that takes the time is never kept. That check
sees a rule reading more of the viewer than the shape names only when the first viewer of the
shape differs in it from the stand-in, so what the rules branch on belongs in the shape
(``accounts.viewers``). The test suite runs with ``COMPILED_LISTS_CHECKED``, under which every
request that is served kept SQL checks it against its own: any test of any list, whoever
its viewers and in whatever order, fails should a rule come to branch on something else.

Only lists without filters are compiled (a filter's values are unbounded, and one search
typed a letter at a time would compile every prefix); a list asked with one builds its
queryset as before. Kept SQL lasts for the process, bounded in number, and is forgotten when
a setting changes (the tests override some).
"""

import dataclasses
import datetime
import functools
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]  # Django's, not in its stubs
    ModelIterable,
    ValuesIterable,
    get_related_populators,
)
from rest_framework.request import Request

from core import visibility

# The query parameters that shape a compiled list: the page's (its bounds are part of each
# page's key) and those whose few values are each a shape of their own.
PAGE_PARAMETERS = frozenset({"page", "page_size"})
SHAPE_PARAMETERS = frozenset({"ordering", "format"})
# Enough for every list, viewer shape, ordering and the first pages of each many times over;
# when full, every list compiles afresh (a few milliseconds each) rather than keep a recency
# order on every request.
MOST_KEPT = 2_000


@dataclass(frozen=True)
class StandIn:
    """Who (or what) a query's SQL is compiled for in place of the request's own viewer:
    ``shape`` names everything about the viewer that the query branches on, ``viewer`` is
    made from the shape alone with a placeholder for each value of the viewer's own that the
    SQL takes, and ``values`` gives the viewer's value of each placeholder."""

    shape: Hashable
    viewer: Any
    values: Mapping[Any, Any]


@dataclass(frozen=True)
class _Statement:
    database: str
    sql: str
    params: tuple[Any, ...]
    # (index in params, placeholder) of each parameter that takes the request's own value.
    slots: tuple[tuple[int, Any], ...]
    # What a row is read as: "count" (the one number), "values" (a dict of ``names``) or
    # "models" (Django's instances, with the related ones it selects).
    reads: str
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...] = ()
    names: tuple[str, ...] = ()
    model: Any = None
    model_columns: tuple[int, int] = (0, 0)
    attnames: tuple[str, ...] = ()
    related: tuple[Any, ...] = ()
    annotations: tuple[tuple[str, int], ...] = ()

    def params_with(self, values: Mapping[Any, Any]) -> list[Any]:
        params = list(self.params)
        for index, placeholder in self.slots:
            params[index] = values[placeholder]
        return params

    def run(self, values: Mapping[Any, Any]) -> Any:
        connection = connections[self.database]
        with _preparing_cursor(connection) as cursor:
            cursor.execute(self.sql, self.params_with(values))
            fetched = cursor.fetchall()
        if self.reads == "count":
            return int(fetched[0][0])
        rows = []
        for fetched_row in fetched:
            row = list(fetched_row)
            # Django's own conversion of each column (``SQLCompiler.apply_converters``).
            for position, converters, expression in self.converters:
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
            rows.append(row)
        if self.reads == "values":
            return [dict(zip(self.names, row, strict=True)) for row in rows]
        # As Django's ``ModelIterable`` makes them.
        instances = []
        first, last = self.model_columns
        for row in rows:
            instance = self.model.from_db(self.database, self.attnames, row[first:last])
            for populator in self.related:
                populator.populate(row, instance)
            for name, position in self.annotations:
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances


def _preparing_cursor(connection: Any) -> Any:
    """A cursor of ``connection`` (Django's, so its queries are logged and counted as any
    other's) whose statements PostgreSQL plans once per connection.

    A kept statement is the same SQL on every request of its shape, and PostgreSQL spent
    longer planning the lists' small queries than running them (0.15 to 0.2 ms each of the
    three a page asks). Django's cursors send each query with its values written in; this
    one sends the values apart (psycopg's server-side binding), so psycopg prepares a
    statement it has run ``prepare_threshold`` times (5) on the connection, and PostgreSQL
    then reuses its plan, or a plan for the values when a generic one would cost more. The
    statement is Django's own SQL, compiled as for any query (the tests run every kept list
    through here on PostgreSQL). Prepared statements last for the session, so a pooler in
    front of PostgreSQL must keep each connection to one client (PgBouncer's session mode).
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]  # defined under psycopg 3 only
        ServerBindingCursor,
    )

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        # As Django's ``create_cursor``; the connection's time zone is already the cursor's.
        return connection._prepare_cursor(ServerBindingCursor(connection.connection))


# A query that gives nothing (a rule narrowed in a test): no SQL to run (never kept).
_EMPTY = object()
# A shape whose SQL is not kept: every request of it builds its own queryset.
_NOT_KEPT = object()
_kept: dict[Hashable, Any] = {}


def _forget(**kwargs: Any) -> None:
    _kept.clear()


setting_changed.connect(_forget, dispatch_uid="core.compiled")


class _Captured(Exception):
    def __init__(self, sql: str, params: Any) -> None:
        super().__init__("captured")
        self.sql, self.params = sql, params


def _capture(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> None:
    raise _Captured(sql, params)


def _rows_statement(queryset: QuerySet[Any]) -> Any:
    if queryset._prefetch_related_lookups or queryset._known_related_objects:  # type: ignore[attr-defined]  # Django's own, not in its stubs
        return _NOT_KEPT  # more than one query's rows: left to Django
    compiler = queryset.query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _EMPTY
    fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
    converters = tuple(
        (position, tuple(functions), expression)
        for position, (functions, expression) in compiler.get_converters(fields).items()
    )
    statement = functools.partial(
        _Statement, queryset.db, sql, tuple(params), (), converters=converters
    )
    query = queryset.query
    if queryset._iterable_class is ValuesIterable:
        names = query.selected or [
            *query.extra_select,
            *query.values_select,
            *query.annotation_select,
        ]
        return statement(reads="values", names=tuple(names))
    if queryset._iterable_class is not ModelIterable:
        return _NOT_KEPT
    # What ``ModelIterable`` reads from the compiler to make each instance.
    select, klass_info = compiler.select, compiler.klass_info
    first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return statement(
        reads="models",
        model=klass_info["model"],
        model_columns=(first, last),
        attnames=tuple(column[0].target.attname for column in select[first:last]),
        related=tuple(get_related_populators(klass_info, select, queryset.db)),
        annotations=tuple(compiler.annotation_col_map.items()),
    )


def _count_statement(queryset: QuerySet[Any]) -> Any:
    # The SQL of Django's own ``count()``, caught as it is sent rather than sent.
    connection = connections[queryset.db]
    logged = len(connection.queries_log)
    try:
        with connection.execute_wrapper(_capture):
            queryset.count()
    except _Captured as captured:
        return _Statement(queryset.db, captured.sql, tuple(captured.params or ()), (), "count")
    finally:
        # A cursor that logs queries (DEBUG, or a test counting them) logged it as it tried.
        while len(connection.queries_log) > logged:
            connection.queries_log.pop()
    return _EMPTY  # nothing to count: Django answered 0 without asking


def _template(statement: _Statement, stand_in: StandIn) -> _Statement | None:
    """The stand-in's statement with a slot for each placeholder, or None if its parameters
    hold the time (which a kept statement would keep)."""
    slots = []
    for index, param in enumerate(statement.params):
        if isinstance(param, datetime.date | datetime.time | datetime.timedelta):
            return None
        if type(param) in (int, str) and param in stand_in.values:
            slots.append((index, param))
    return dataclasses.replace(statement, slots=tuple(slots))


class CompiledList:
    """A query's rows (by slice, as the paginator reads them) and count, read with the SQL kept
    for their shape, or with the query's own queryset where none is kept.

    ``build(of)`` gives the queryset for ``of`` (the viewer of a list, say) or for the
    stand-in's ``viewer``; ``shape`` names what else, of the request, it depends on. Rows are
    what the queryset gives: dicts of ``.values()``, or model instances (with any related
    ones it selects, but none it prefetches).
    """

    def __init__(
        self,
        name: Hashable,
        build: Callable[[Any], QuerySet[Any]],
        *,
        of: Any,
        stand_in: StandIn,
        shape: Hashable = (),
    ) -> None:
        self._build = build
        self._of = of
        self._stand_in = stand_in
        self._key = (name, stand_in.shape, shape, visibility.narrowing())

    def __getitem__(self, bounds: slice) -> list[Any]:
        return self._read(
            (self._key, bounds.start, bounds.stop),
            lambda of: self._build(of)[bounds],
            _rows_statement,
        )

    def count(self) -> int:
        return self._read((self._key, "count"), self._build, _count_statement)

    def _read(
        self,
        key: Hashable,
        build: Callable[[Any], QuerySet[Any]],
        statement_of: Callable[[QuerySet[Any]], Any],
    ) -> Any:
        kept = _kept.get(key)
        if kept is None:
            kept = self._first(key, build, statement_of)
        counting = statement_of is _count_statement
        if kept is _EMPTY:
            return 0 if counting else []
        if kept is _NOT_KEPT:
            queryset = build(self._of)
            return queryset.count() if counting else list(queryset)
        if settings.COMPILED_LISTS_CHECKED:
            self._check(kept, statement_of(build(self._of)))
        return kept.run(self._stand_in.values)

    def _check(self, kept: "_Statement", own: Any) -> None:
        """Where the settings ask (the test suite does), every request's kept SQL is checked
        against its own, so any test of any list, whoever its viewer, fails should a rule come
        to read something of the viewer that the shape does not name."""
        if not isinstance(own, _Statement) or (own.sql, list(own.params)) != (
            kept.sql,
            kept.params_with(self._stand_in.values),
        ):
            raise AssertionError(
                f"{self._key!r}: the SQL kept for this shape of viewer is not this viewer's own; "
                "what the rule reads of the viewer belongs in the shape (accounts.viewers)"
            )

    def _first(
        self,
        key: Hashable,
        build: Callable[[Any], QuerySet[Any]],
        statement_of: Callable[[QuerySet[Any]], Any],
    ) -> Any:
        """The shape's statement compiled for the stand-in, kept only if it is, with the
        request's values, the request's own; or why there is none."""
        own = statement_of(build(self._of))
        if own is _EMPTY:
            # Nothing to run, and nothing kept: a rule may give nothing for want of data
            # (a force with no schemes yet), not only for what the shape says.
            return _EMPTY
        stood_in = statement_of(build(self._stand_in.viewer))
        kept: Any = _NOT_KEPT
        if isinstance(own, _Statement) and isinstance(stood_in, _Statement):
            template = _template(stood_in, self._stand_in)
            if (
                template is not None
                and template.sql == own.sql
                and template.params_with(self._stand_in.values) == list(own.params)
            ):
                kept = template
        if len(_kept) >= MOST_KEPT:
            _kept.clear()
        _kept[key] = kept
        return kept


def compiled_list(
    view: Any,
    name: str,
    build: Callable[[Any], QuerySet[Any]],
    *,
    request: Request,
    stand_in: Callable[[Any], StandIn],
) -> Any:
    """The rows of the view's list ``name`` for the request's viewer, to paginate: a
    ``CompiledList``, or the list's own queryset when the request has a filter. (Named by
    the view's class too: two views that share a ``list`` have SQL of their own.)"""
    parameters = request.query_params
    if not parameters.keys() <= PAGE_PARAMETERS | SHAPE_PARAMETERS:
        return build(request.user)
    shape = tuple(
        sorted(
            (parameter, tuple(values))
            for parameter, values in parameters.lists()
            if parameter not in PAGE_PARAMETERS
        )
    )
    viewer = request.user
    named = (type(view).__module__, type(view).__qualname__, name)
    return CompiledList(named, build, of=viewer, stand_in=stand_in(viewer), shape=shape)
