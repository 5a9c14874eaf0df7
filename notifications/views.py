"""The public page of a public alert: server-rendered, for anyone with the link (from the
Atom feeds, CAP's ``web``, a shared message), without signing in or running scripts."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from notifications import selectors
from notifications.public_page import page_of


def public_alert(request: HttpRequest, identifier: str) -> HttpResponse:
    found = selectors.public_alert(identifier=identifier)
    if found is None:
        # The same answer for a restricted alert or a draft as for no alert at all.
        return public_not_found(request)
    return render(request, "notifications/public_alert.html", page_of(found))


def public_not_found(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    return render(request, "notifications/public_alert_not_found.html", status=404)
