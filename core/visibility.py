"""One visibility rule per kind of object: the selector that gives the queryset a user may see.

Each domain app marks its rule with ``@visibility.rule("<kind>")`` in its selectors; every
list, detail, export and nested route reads that kind through it, and so do the checks of
whether a user may see one object. The registry lets the tests find each kind's rule, and
``narrowed`` makes a rule give nothing for the length of a block, so a test can show that a
route goes through it (``tests/test_visibility_routes.py``). Knows no domain.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

from django.db.models import QuerySet

Selector = TypeVar("Selector", bound=Callable[..., QuerySet[Any]])

_rules: dict[str, Callable[..., QuerySet[Any]]] = {}
_narrowed: ContextVar[frozenset[str]] = ContextVar("visibility_narrowed", default=frozenset())


def rule(kind: str) -> Callable[[Selector], Selector]:
    """Register the decorated selector as the visibility rule of ``kind``: there is one."""

    def register(selector: Selector) -> Selector:
        if kind in _rules:
            raise ValueError(f"{kind!r} already has its visibility rule: {_rules[kind]!r}")

        @functools.wraps(selector)
        def visible(*args: Any, **kwargs: Any) -> QuerySet[Any]:
            queryset = selector(*args, **kwargs)
            return queryset.none() if kind in _narrowed.get() else queryset

        _rules[kind] = visible
        return cast(Selector, visible)  # it takes and gives what the selector does

    return register


def rules() -> dict[str, Callable[..., QuerySet[Any]]]:
    """Each kind of object and its visibility rule."""
    return dict(_rules)


def narrowing() -> frozenset[str]:
    """The kinds whose rules give nothing here (``narrowed``): part of what a query's SQL
    depends on, for SQL compiled once (``core.compiled``)."""
    return _narrowed.get()


@contextmanager
def narrowed(*kinds: str) -> Iterator[None]:
    """Within the block, the rules of ``kinds`` let nobody see anything (for tests)."""
    unknown = set(kinds) - set(_rules)
    if unknown:
        raise KeyError(f"No visibility rule for {sorted(unknown)}")
    token = _narrowed.set(_narrowed.get() | frozenset(kinds))
    try:
        yield
    finally:
        _narrowed.reset(token)
