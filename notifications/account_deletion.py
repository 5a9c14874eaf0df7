"""What deleting an account does to a person's alerts (``accounts.deletion``).

Alerts they sent stay: other people received them, and they belong to the record of the
incident (and to the public feeds when public); they show no sender name any more (the link
is cleared when the account row goes). Drafts, never sent, are deleted. Replies they wrote,
their inbox, alert settings and push subscriptions go with the account.
"""

from django.utils.translation import gettext as _

from accounts.deletion import DeletionHandler, HeldData
from accounts.models import User
from notifications.models import Alert, AlertStatus, Notice, PushSubscription, Reply


def _held(user: User) -> list[HeldData]:
    issued = Alert.objects.filter(issuer=user)
    return [
        HeldData(
            what=_("Alerts you sent"),
            count=issued.exclude(status=AlertStatus.DRAFT).count(),
            outcome=_(
                "Kept, because other people received them and they are part of the "
                "record of what happened; they no longer show your name."
            ),
        ),
        HeldData(
            what=_("Alert drafts you never sent"),
            count=issued.filter(status=AlertStatus.DRAFT).count(),
            outcome=_("Deleted."),
        ),
        HeldData(
            what=_("Replies you wrote to alerts"),
            count=Reply.objects.filter(author=user).count(),
            outcome=_("Deleted."),
        ),
        HeldData(
            what=_("Alerts in your inbox"),
            count=Notice.objects.filter(recipient=user).values("alert").distinct().count(),
            outcome=_("Deleted, with your alert settings."),
        ),
        HeldData(
            what=_("Devices allowed to show you notifications"),
            count=PushSubscription.objects.filter(user=user).count(),
            outcome=_("Forgotten: they receive nothing more."),
        ),
    ]


def _erase(user: User) -> None:
    Alert.objects.filter(issuer=user, status=AlertStatus.DRAFT).delete()


handler = DeletionHandler(name="notifications", held=_held, erase=_erase)
