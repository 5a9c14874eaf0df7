from django.urls import path
from rest_framework.routers import SimpleRouter

from notifications import api

router = SimpleRouter(use_regex_path=False)
router.register("alerts", api.AlertViewSet, basename="alert")
router.register("alert-templates", api.AlertTemplateViewSet, basename="alert-template")

urlpatterns = [
    *router.urls,
    path(
        "alert-approval-policy/",
        api.AlertApprovalPolicyView.as_view(),
        name="alert-approval-policy",
    ),
    path("inbox/", api.InboxView.as_view(), name="inbox"),
    path("inbox/read/", api.InboxReadView.as_view(), name="inbox-read"),
    path("inbox/unread/", api.InboxUnreadView.as_view(), name="inbox-unread"),
    path("me/alert-preferences/", api.PreferenceView.as_view(), name="alert-preferences"),
    path("me/push-subscriptions/", api.PushSubscriptionView.as_view(), name="push-subscriptions"),
    path("notify/receipts/", api.NotifyReceiptView.as_view(), name="notify-receipts"),
    path("feeds/alerts.atom", api.AreaAlertFeedView.as_view(), name="alerts-feed-area"),
    path(
        "feeds/schemes/<int:scheme_id>/alerts.atom",
        api.SchemeAlertFeedView.as_view(),
        name="alerts-feed-scheme",
    ),
]
