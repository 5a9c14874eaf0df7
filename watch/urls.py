from django.urls import path
from rest_framework.routers import SimpleRouter

from watch import api

router = SimpleRouter(use_regex_path=False)
router.register("speedwatch/sites", api.SiteViewSet, basename="site")
router.register("speedwatch/sessions", api.SessionViewSet, basename="session")

urlpatterns = [
    *router.urls,
    path("speedwatch/offences/", api.OffenceListView.as_view(), name="offences"),
    path("speedwatch/offences/export/", api.OffenceExportView.as_view(), name="offences-export"),
    path(
        "speedwatch/offences/<uuid:pk>/dispute/",
        api.OffenceDisputeView.as_view(),
        name="offence-dispute",
    ),
    path("speedwatch/letters/", api.LetterQueueView.as_view(), name="letters"),
    path("speedwatch/letters/mark/", api.LetterMarkView.as_view(), name="letters-mark"),
    path("speedwatch/letters/export/", api.LetterExportView.as_view(), name="letters-export"),
    path("speedwatch/statistics/", api.StatisticsView.as_view(), name="speedwatch-statistics"),
    path(
        "speedwatch/statistics/export/",
        api.StatisticsExportView.as_view(),
        name="speedwatch-statistics-export",
    ),
    path("speedwatch/audit/", api.AuditListView.as_view(), name="speedwatch-audit"),
    path("speedwatch/audit/export/", api.AuditExportView.as_view(), name="speedwatch-audit-export"),
]
