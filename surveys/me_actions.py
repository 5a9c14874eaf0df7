"""What ``/me/`` says a person may do with surveys (``accounts.actions``)."""

from accounts.actions import scheme_ids, yes_no
from core.memo import remembered
from schemes.models import Scheme, SchemeStatus
from schemes.permissions import AnyUser, is_coordinator, liaison_force
from schemes.selectors import member_scheme_ids_where


def _coordinates_active(user: AnyUser, scheme: Scheme) -> bool:
    return is_coordinator(user, scheme) and scheme.status == SchemeStatus.ACTIVE


@remembered
def _send_surveys_to(user: AnyUser) -> list[int]:
    return member_scheme_ids_where(user=user, allowed=_coordinates_active)


ACTIONS = [
    scheme_ids(
        "send_surveys_to",
        "The schemes whose members they survey as coordinator (the active schemes they "
        "coordinate); a liaison surveys any active scheme of their force.",
        _send_surveys_to,
    ),
    yes_no(
        "write_surveys",
        "Write and send surveys: a police liaison, or a coordinator of an active scheme.",
        lambda user: bool(liaison_force(user)) or bool(_send_surveys_to(user)),
    ),
]
