"""Where an alert can be read, for links that leave the app (CAP ``web``, Atom alternates,
e-mails): a public alert's public page, which needs no sign-in, or the in-app page, which
does. The public page is addressed by the alert's CAP identifier, not its database id."""

from django.conf import settings

from notifications.models import Alert


def public_alert_path(alert: Alert) -> str:
    return f"/public/alerts/{alert.identifier}/"


def alert_app_path(alert: Alert) -> str:
    return f"/alerts/{alert.pk}"


def alert_web_url(alert: Alert) -> str:
    """The page to link from outside: public for a public alert, the app's otherwise."""
    path = public_alert_path(alert) if alert.public else alert_app_path(alert)
    return f"{settings.SITE_URL}{path}"
