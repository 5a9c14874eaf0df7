from django.urls import path
from rest_framework.routers import SimpleRouter

from schemes import api

router = SimpleRouter(use_regex_path=False)
router.register("schemes", api.SchemeViewSet, basename="scheme")
router.register("schemes/<int:scheme_pk>/members", api.SchemeMemberViewSet, basename="member")

urlpatterns = [
    *router.urls,
    path(
        "schemes/<int:scheme_pk>/status-history/",
        api.StatusHistoryView.as_view(),
        name="scheme-status-history",
    ),
    path("join-requests/", api.JoinRequestListView.as_view(), name="join-requests"),
    path("me/memberships/", api.MyMembershipListView.as_view(), name="my-memberships"),
    path("activity/", api.ActivityListView.as_view(), name="activity"),
    path("activity/export/", api.ActivityExportView.as_view(), name="activity-export"),
    path("forces/locate/", api.ForceLocateView.as_view(), name="force-locate"),
    path("geocode/", api.GeocodeView.as_view(), name="geocode"),
    path("neighbourhoods/", api.NeighbourhoodListView.as_view(), name="neighbourhoods"),
    path(
        "neighbourhoods/import/",
        api.NeighbourhoodImportView.as_view(),
        name="neighbourhoods-import",
    ),
]
