"""Emails about schemes and membership."""

from django.conf import settings
from django.core.mail import send_mail

from schemes.models import Membership


def join_declined_email_send(*, membership: Membership) -> None:
    """Tell a requester that their request to join was declined, with the reason given."""
    user, scheme = membership.user, membership.scheme
    reason = (
        f"The coordinator gave this reason:\n\n    {membership.decline_reason}\n\n"
        if membership.decline_reason
        else ""
    )
    send_mail(
        subject=f"Your request to join {scheme.name}",
        message=(
            f"Hello {user.get_short_name()},\n\n"
            f"Your request to join {scheme.name} was declined.\n\n"
            f"{reason}"
            "You can see it under My schemes, and look for other schemes near you in the "
            f"directory:\n\n{settings.SITE_URL}/my-schemes\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
