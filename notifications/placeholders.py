"""The placeholders a force's alert templates may hold, for the sender to fill in: a small
fixed set, so that a template reads the same to every liaison who uses it and a mistyped one
is caught when the template is saved. Whatever is written in braces is a placeholder left
unfilled: an alert is never published with one (``placeholders_left``)."""

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# Each placeholder, and what the sender puts in its place.
PLACEHOLDERS: dict[str, str] = {
    "place": gettext_noop("Where it happened: a street, village or landmark."),
    "date": gettext_noop("The day it happened, such as 7 December."),
    "time": gettext_noop("The time it happened, such as 10pm."),
    "scheme": gettext_noop("The scheme the alert is for."),
    "description": gettext_noop("Who or what to look out for: people, a vehicle, a scam."),
}

# Anything in braces on one line, short enough to be a word or two.
PLACEHOLDER = re.compile(r"\{([^{}\n]{1,40})\}")

# The words of an alert or template that may hold placeholders, and the field an error about
# each is given on (the translation's words on ``translation``, as the compose API takes them).
WORDED_FIELDS: dict[str, str] = {
    "title": "title",
    "body": "body",
    "instruction": "instruction",
    "translated_title": "translation",
    "translated_body": "translation",
    "translated_instruction": "translation",
}


def placeholders_in(text: str) -> list[str]:
    """The placeholders in ``text``, each once, in order, as written (``{place}``)."""
    return list(dict.fromkeys(match.group(0) for match in PLACEHOLDER.finditer(text)))


def placeholders_left(words: Mapping[str, Any]) -> dict[str, list[str]]:
    """What an alert about to be sent still has in braces, as field errors: empty when all
    is filled in. ``words`` maps the fields of ``WORDED_FIELDS`` (those given) to text."""
    errors: dict[str, list[str]] = {}
    for name, field in WORDED_FIELDS.items():
        left = placeholders_in(str(words.get(name) or ""))
        if left:
            errors.setdefault(field, []).append(
                _("Fill in %(placeholders)s before sending: replace each with what it stands for.")
                % {"placeholders": ", ".join(left)}
            )
    return errors


def placeholders_unknown(words: Mapping[str, Any]) -> dict[str, list[str]]:
    """A template's placeholders that are not among ``PLACEHOLDERS``, as field errors."""
    known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    errors: dict[str, list[str]] = {}
    for name, field in WORDED_FIELDS.items():
        unknown = [
            placeholder
            for placeholder in placeholders_in(str(words.get(name) or ""))
            if placeholder[1:-1] not in PLACEHOLDERS
        ]
        if unknown:
            errors.setdefault(field, []).append(
                _("%(unknown)s is not a placeholder templates know: use %(known)s.")
                % {"unknown": ", ".join(unknown), "known": known}
            )
    return errors


def placeholder_guide() -> list[dict[str, str]]:
    """Each placeholder as written, and what goes in its place, in the request's language."""
    return [
        {"placeholder": "{" + name + "}", "meaning": _(meaning)}
        for name, meaning in PLACEHOLDERS.items()
    ]
