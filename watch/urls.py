from django.urls import path
from rest_framework.routers import SimpleRouter

from watch.api import audit, letters, offences, sessions, sites, statistics, vehicles

router = SimpleRouter(use_regex_path=False)
router.register("speedwatch/sites", sites.SiteViewSet, basename="site")
router.register("speedwatch/sessions", sessions.SessionViewSet, basename="session")

urlpatterns = [
    *router.urls,
    path("speedwatch/offences/", offences.OffenceListView.as_view(), name="offences"),
    path(
        "speedwatch/offences/export/",
        offences.OffenceExportView.as_view(),
        name="offences-export",
    ),
    path(
        "speedwatch/offences/<uuid:pk>/dispute/",
        offences.OffenceDisputeView.as_view(),
        name="offence-dispute",
    ),
    path(
        "speedwatch/offences/<uuid:pk>/vehicle/",
        vehicles.OffenceVehicleView.as_view(),
        name="offence-vehicle",
    ),
    path(
        "speedwatch/vehicle-checks/",
        vehicles.VehicleLookupView.as_view(),
        name="vehicle-lookup",
    ),
    path("speedwatch/letters/", letters.LetterQueueView.as_view(), name="letters"),
    path(
        "speedwatch/letters/held/",
        vehicles.HeldOffenceListView.as_view(),
        name="letters-held",
    ),
    path("speedwatch/letters/mark/", letters.LetterMarkView.as_view(), name="letters-mark"),
    path("speedwatch/letters/export/", letters.LetterExportView.as_view(), name="letters-export"),
    path("speedwatch/letters/post/", letters.LetterPostView.as_view(), name="letters-post"),
    path(
        "speedwatch/letters/posted/",
        letters.PostedLetterListView.as_view(),
        name="letters-posted",
    ),
    path(
        "speedwatch/letters/addresses/",
        letters.KeeperAddressesView.as_view(),
        name="letters-addresses",
    ),
    path(
        "speedwatch/letters/addresses/upload/",
        letters.KeeperAddressesUploadView.as_view(),
        name="letters-addresses-upload",
    ),
    path(
        "speedwatch/statistics/",
        statistics.StatisticsView.as_view(),
        name="speedwatch-statistics",
    ),
    path(
        "speedwatch/statistics/export/",
        statistics.StatisticsExportView.as_view(),
        name="speedwatch-statistics-export",
    ),
    path("speedwatch/audit/", audit.AuditListView.as_view(), name="speedwatch-audit"),
    path(
        "speedwatch/audit/export/",
        audit.AuditExportView.as_view(),
        name="speedwatch-audit-export",
    ),
]
