"""Emails about schemes and membership, each in the language its person chose."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from schemes.models import Membership


def join_declined_email_send(*, membership: Membership) -> None:
    """Tell a requester that their request to join was declined, with the reason given."""
    user, scheme = membership.user, membership.scheme
    # Sent once the decline can no longer be undone, from a task that runs in no language.
    with translation.override(user.django_language):
        reason = (
            _("The coordinator gave this reason:\n\n    %(reason)s\n\n")
            % {"reason": membership.decline_reason}
            if membership.decline_reason
            else ""
        )
        send_mail(
            subject=_("Your request to join %(scheme)s") % {"scheme": scheme.name},
            message=(
                _("Hello %(name)s,\n\nYour request to join %(scheme)s was declined.\n\n")
                % {"name": user.get_short_name(), "scheme": scheme.name}
                + reason
                + _(
                    "You can see it under My schemes, and look for other schemes near you in "
                    "the directory:\n\n%(link)s\n"
                )
                % {"link": f"{settings.SITE_URL}/my-schemes"}
            ),
            from_email=None,
            recipient_list=[user.email],
        )
