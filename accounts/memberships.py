"""A person's scheme memberships, as ``/me/`` and the sign-in answers show them.

Memberships live in ``schemes``, which ``accounts`` may not import: ``schemes`` registers how
to read them here, from its ``AppConfig.ready``. Until it has, a person belongs to nothing.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MembershipReader:
    # The person's active memberships, each with ``scheme_id``, ``scheme.kind`` and ``role``.
    active_memberships: Callable[[Any], Iterable[Any]]
    # Ids of the schemes the person coordinates.
    coordinated_scheme_ids: Callable[[Any], list[int]]


_reader = MembershipReader(
    active_memberships=lambda user: [], coordinated_scheme_ids=lambda user: []
)


def membership_reader_register(reader: MembershipReader) -> None:
    global _reader
    _reader = reader


def membership_reader() -> MembershipReader:
    return _reader
