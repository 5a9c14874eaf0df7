"""Answers remembered for the length of one block of reads, such as working out everything
``/me/`` says a person may do: several rules ask the same question of the database (is the
person a coordinator anywhere, do they see a speedwatch scheme), and each is asked once.

A function marked ``@remembered`` gives, inside ``reads()``, the answer it gave before to the
same arguments (a user counts by its id); outside one it simply runs, so a write can never
be followed by a stale read. Knows no domain.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_memo: ContextVar[dict[Any, Any] | None] = ContextVar("memo", default=None)


def _key_part(value: Any) -> Any:
    # Model instances (a user, above all) count by their class and primary key.
    pk = getattr(value, "pk", None)
    return (type(value).__name__, pk) if pk is not None else value


def remembered(function: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        memo = _memo.get()
        if memo is None:
            return function(*args, **kwargs)
        key = (
            function,
            tuple(_key_part(a) for a in args),
            tuple(sorted((k, _key_part(v)) for k, v in kwargs.items())),
        )
        if key not in memo:
            memo[key] = function(*args, **kwargs)
        result: R = memo[key]
        return result

    return wrapper


@contextmanager
def reads() -> Iterator[None]:
    """Within the block, ``@remembered`` functions answer each question once."""
    token = _memo.set({} if _memo.get() is None else _memo.get())
    try:
        yield
    finally:
        _memo.reset(token)
