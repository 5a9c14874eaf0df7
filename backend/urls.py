from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from backend import api_docs
from backend import config as backend_config
from core import views as core_views
from notifications import views as notifications_views

api_v1: list[URLPattern | URLResolver] = [
    path("", include("accounts.urls")),
    path("", include("schemes.urls")),
    path("", include("watch.urls")),
    path("", include("notifications.urls")),
    path("", include("surveys.urls")),
    path("config/", backend_config.ConfigView.as_view(), name="config"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs.swagger_ui, name="api-docs"),
    path("api/redoc/", api_docs.redoc, name="api-redoc"),
    path("api/redoc/redoc.js", api_docs.redoc_script, name="api-redoc-script"),
    # Unanchored at the end so that any address under api/ (even one with a newline in it)
    # gets a JSON 404 rather than the frontend's page.
    re_path(r"^api/", core_views.api_not_found),
    path("admin/", admin.site.urls),
    path("sw.js", core_views.service_worker, name="service-worker"),
    # Public pages, rendered by the server for anyone (the app's service worker leaves them
    # to it); any other address under public/ is a 404 of theirs, not the app's page.
    path(
        "public/alerts/<uuid:identifier>/",
        notifications_views.public_alert,
        name="public-alert",
    ),
    re_path(r"^public/", notifications_views.public_not_found),
    re_path(r"^(?!static/)", core_views.frontend, name="frontend"),
]
