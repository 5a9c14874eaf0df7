"""Stand-ins for viewers, for list SQL compiled once per shape of viewer (``core.compiled``).

A stand-in has only what the visibility rules branch on (signed in, the staff and superuser
flags, a liaison profile or none) and placeholders for what the rules' SQL takes as values
(the id, a liaison's force). ``core.compiled`` keeps a shape's SQL only when the stand-in's,
with the viewer's values in place of the placeholders, is the viewer's own, so a rule that
comes to read more of the viewer is compiled per request rather than answered wrongly; what
it reads belongs in the shape here.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser

from accounts.models import LiaisonProfile, User
from core.compiled import StandIn

# No user has a negative id, nor a force whose code holds a NUL (which PostgreSQL text
# cannot hold): neither can be a value the SQL takes for any other reason.
_ID = -7_013_579
_FORCE = "\x00the viewer's force"


def stand_in_for(user: User | AnonymousUser) -> StandIn:
    if not isinstance(user, User):
        return StandIn(shape=("anonymous",), viewer=AnonymousUser(), values={})
    try:
        liaison: LiaisonProfile | None = user.liaison
    except LiaisonProfile.DoesNotExist:
        liaison = None
    stand_in = User(
        pk=_ID, is_active=user.is_active, is_staff=user.is_staff, is_superuser=user.is_superuser
    )
    values: dict[Any, Any] = {_ID: user.pk}
    if liaison is None:
        # Known to have none, as the viewer is, without asking the database.
        User.liaison.related.set_cached_value(stand_in, None)
    else:
        values[_FORCE] = liaison.force
        User.liaison.related.set_cached_value(stand_in, LiaisonProfile(user=stand_in, force=_FORCE))
    shape = ("user", user.is_active, user.is_staff, user.is_superuser, liaison is not None)
    return StandIn(shape=shape, viewer=stand_in, values=values)
