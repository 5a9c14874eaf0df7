"""What an alert is called in each of its languages where it leaves the app (CAP, the Atom
feeds, the public page): who sent it, and the language a text of it is written in."""

from contextlib import AbstractContextManager

from django.utils import translation

from accounts.forces import force_name_shown
from accounts.models import DJANGO_LANGUAGE, Language
from notifications.models import LANGUAGE_TAG, Alert


def speaking(language: str) -> AbstractContextManager[None]:
    """Django's messages in an alert's ``language`` ("en" or "cy") for a while."""
    return translation.override(DJANGO_LANGUAGE.get(language, DJANGO_LANGUAGE[Language.ENGLISH]))


def sender_name(alert: Alert) -> str:
    """Its scheme's name, or its force's, in the language of the moment where it has one."""
    if alert.scheme is not None:
        return alert.scheme.name
    return force_name_shown(alert.force)


def language_tag() -> str:
    """The BCP 47 tag of the language of the moment (a request's, or a recipient's)."""
    return LANGUAGE_TAG.get((translation.get_language() or "en").split("-")[0], LANGUAGE_TAG["en"])
