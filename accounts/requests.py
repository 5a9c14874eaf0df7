"""The signed-in sender of a request, typed as one of our users.

Django and DRF type ``request.user`` as a user or ``AnonymousUser``. Behind DRF's default
``IsAuthenticated`` permission (settings: ``DEFAULT_PERMISSION_CLASSES``) it is always one of
ours, so API views that require a signed-in sender annotate their request as
``SignedInRequest`` (never instantiated: a type only). Where a request cannot be annotated
so (the admin's methods, which override Django's and take any ``HttpRequest``; a FilterSet's
request, which django-filter allows to be None), ``signed_in_user`` gives the user.
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
