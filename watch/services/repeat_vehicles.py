"""Marking the offences of repeat vehicles: vehicles with more than one offence in a force
area (``Offence.repeat_vehicle``)."""

import hashlib
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count

from watch.models import Offence

# The first key of the advisory locks taken here (PostgreSQL's two-key form), so that they
# cannot be mistaken for any other use of advisory locks: "rv" in ASCII.
_LOCK_SPACE = 0x7276


def _lock_key(force: str, vehicle_key: str) -> int:
    """The second key of a vehicle's lock: a signed 32-bit hash of the force and vehicle. Two
    vehicles with the same hash only wait for each other, which is harmless."""
    digest = hashlib.blake2b(f"{force}:{vehicle_key}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def _lock_vehicles(force: str, keys: list[str]) -> None:
    """Take each vehicle's lock, in one order for every caller (see repeat_vehicles_mark)."""
    if connection.vendor != "postgresql":
        return  # elsewhere (SQLite) a writing transaction holds the whole database already
    locks = sorted({_lock_key(force, key) for key in keys})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, lock)) "
            "FROM (SELECT unnest(%s::int[]) AS lock ORDER BY 1) locks",
            [_LOCK_SPACE, locks],
        )


def repeat_vehicles_remark(*, force: str, vehicle_keys: Iterable[str]) -> None:
    """Mark the offences of these vehicles afresh, after an offence moved from one vehicle to
    another (a registration corrected): marked where the vehicle has more than one offence in
    the force area, unmarked where it has only one now. The only change that clears a mark;
    call it in the transaction that moved the offence."""
    keys = sorted({key for key in vehicle_keys if key})
    if not keys:
        return
    _lock_vehicles(force, keys)
    lone = (
        Offence.objects.filter(force=force, vehicle_key__in=keys)
        .values("vehicle_key")
        .annotate(offences=Count("*"))
        .filter(offences=1)
        .values("vehicle_key")
    )
    Offence.objects.filter(force=force, vehicle_key__in=lone, repeat_vehicle=True).update(
        repeat_vehicle=False
    )
    # The locks are held already (PostgreSQL's advisory locks are taken again at no cost).
    repeat_vehicles_mark(force=force, vehicle_keys=keys)


def repeat_vehicles_mark(*, force: str, vehicle_keys: Iterable[str]) -> int:
    """Mark the offences of these vehicles in the force area if each has more than one there,
    after new offences of theirs were stored; returns how many offences were marked.

    Call it in the transaction that stored the offences. Two transactions storing the first
    and second offence of a vehicle at the same moment would each see only its own offence,
    and leave both unmarked; so each first takes a lock on each of its vehicles, held until it
    commits, and counts once it holds them: the second then sees the first's offence. The
    locks are taken in one order, the same for every caller, so two batches of the same
    vehicles wait for each other rather than deadlock. Only offences not yet marked are
    written: a vehicle's earlier offences are marked once, by its second offence.
    """
    keys = sorted({key for key in vehicle_keys if key})
    if not keys:
        return 0
    _lock_vehicles(force, keys)
    repeated = (
        Offence.objects.filter(force=force, vehicle_key__in=keys)
        .values("vehicle_key")
        .annotate(offences=Count("*"))
        .filter(offences__gte=2)
        .values("vehicle_key")
    )
    return Offence.objects.filter(
        force=force, vehicle_key__in=repeated, repeat_vehicle=False
    ).update(repeat_vehicle=True)
