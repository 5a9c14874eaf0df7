"""Keepers' names and addresses for letters, as a force's own lookup found them: stored
against each waiting letter's reference, and deleted once they have served."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.exceptions import InvalidRows
from schemes.permissions import liaison_force
from watch.letters import letters_from
from watch.models import AuditAction, KeeperAddress
from watch.selectors.letters import letters_to_send, liaison_schemes
from watch.services.audit import record


def keeper_addresses_store(
    *, actor: User, addresses: Sequence[tuple[str, Mapping[str, Any]]]
) -> int:
    """Store each ``(key, address)`` (a row of ``KeeperAddressInputSerializer``, named by
    ``key`` in errors: "row 3") against its waiting letter in the liaison's letters queue,
    replacing what was stored for that letter before; all or nothing. Storing the same
    addresses again changes nothing. The audit log records who stored how many."""
    # Someone who is not a liaison has no letters waiting: every row is refused below.
    force = liaison_force(actor) or ""
    waiting = {
        letter.reference: letter.registration
        for letter in letters_from(letters_to_send(user=actor, filters={}))
    }
    errors: dict[str, dict[str, list[str]]] = {}
    seen: dict[str, str] = {}
    for key, address in addresses:
        reference = address["reference"].strip().upper()
        if reference in seen:
            errors[key] = {"reference": [f"{seen[reference]} is for the same letter."]}
        elif reference not in waiting:
            errors[key] = {"reference": ["No letter waiting in your queue has this reference."]}
        elif waiting[reference] != address["registration"]:
            errors[key] = {"registration": ["This is not the vehicle of that letter."]}
        seen.setdefault(reference, key.capitalize())
    if errors:
        raise InvalidRows("addresses", errors)
    now = timezone.now()
    with transaction.atomic():
        # One statement for the batch: a letter stored before gets the new name and address.
        KeeperAddress.objects.bulk_create(
            [
                KeeperAddress(
                    reference=address["reference"].strip().upper(),
                    force=force,
                    registration=address["registration"],
                    name=address["name"].strip(),
                    address_lines=[line.strip() for line in address["address_lines"]],
                    postcode=address["postcode"],
                    language=address.get("language", ""),
                    stored_at=now,
                )
                for _, address in addresses
            ],
            update_conflicts=True,
            unique_fields=["reference"],
            update_fields=[
                "force",
                "registration",
                "name",
                "address_lines",
                "postcode",
                "language",
                "stored_at",
            ],
        )
        record(
            actor=actor,
            action=AuditAction.KEEPER_ADDRESSES,
            detail={},
            rows=len(addresses),
            schemes=liaison_schemes(user=actor),
        )
    return len(addresses)
