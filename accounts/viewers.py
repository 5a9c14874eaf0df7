"""Stand-ins for viewers, for list SQL compiled once per shape of viewer (``core.compiled``).

A stand-in has only what the visibility rules branch on (signed in, the staff and superuser
flags, a liaison profile or none) and placeholders for what the rules' SQL takes as values
(the id, a liaison's force). ``core.compiled`` keeps a shape's SQL only when the stand-in's,
with the viewer's values in place of the placeholders, is the viewer's own, so a rule that
comes to read more of the viewer is compiled per request rather than answered wrongly; what
it reads belongs in the shape here.
"""

from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from rest_framework.request import Request

from accounts.models import LiaisonProfile, User
from core.compiled import StandIn, compiled_list
from core.pagination import PagePagination

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


def compiled_page(
    view: Any,
    request: Request,
    *,
    rows: Callable[[Any], QuerySet[Any]],
    counted: Callable[[Any], QuerySet[Any]],
) -> list[Any]:
    """The page of a list's ``rows`` (for the viewer given) that the request asks for, with
    the list counted by ``counted``: the same query without the row's columns and joins.
    Both are compiled once per shape of viewer and request (``core.compiled``)."""
    listed = compiled_list(view, "rows", rows, request=request, stand_in=stand_in_for)
    count = compiled_list(view, "count", counted, request=request, stand_in=stand_in_for)
    paginator = cast(PagePagination, view.paginator)  # the API's, which these views keep
    return paginator.paginate_queryset(listed, request, view=view, count_of=count)
