"""The audit trail of personal data leaving Patchwatch: exports and registration searches."""

from typing import Any

from accounts.models import User
from schemes.permissions import liaison_force
from watch.models import AuditAction, AuditRecord


def record(*, actor: User, action: AuditAction, detail: dict[str, Any], rows: int) -> AuditRecord:
    return AuditRecord.objects.create(
        actor=actor,
        actor_name=actor.name,
        action=action,
        force=liaison_force(actor) or "",
        detail={key: str(value)[:100] for key, value in list(detail.items())[:20]},
        rows=rows,
    )
