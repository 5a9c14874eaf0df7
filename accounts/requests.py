"""The signed-in sender of a request, typed as one of our users.

Django and DRF type ``request.user`` as a user or ``AnonymousUser``. Behind DRF's default
``IsAuthenticated`` permission (settings: ``DEFAULT_PERMISSION_CLASSES``) it is always one of
ours, so API views that require a signed-in sender annotate their request as
``SignedInRequest`` (never instantiated: a type only). The admin's methods override Django's,
which take any ``HttpRequest``, and django-filter's FilterSets, whose request may be
None, ask ``signed_in_user`` for the user.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from accounts.models import User


class SignedInRequest(Request):
    user: User


def signed_in_user(request: HttpRequest | Request | None) -> User:
    """The request's signed-in user, where only such a user gets in (the admin, an API view
    behind ``IsAuthenticated``); anyone else is refused."""
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        raise PermissionDenied
    return user
