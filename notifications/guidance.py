"""What an alert asks of the people it reaches, when its author says nothing else: CAP's
responseType and instruction for each category, and whom to contact. A liaison in a hurry
still sends a complete message; the compose screen shows these and lets them be rewritten.
"""

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import DJANGO_LANGUAGE, Language
from notifications.models import Category, ResponseType

# 101 reaches the caller's own force wherever they are in England and Wales, so one number
# suits every force; a coordinator's own phone is never offered, as public alerts are published.
DEFAULT_CONTACT = gettext_noop("Call 101, or 999 in an emergency.")


@dataclass(frozen=True)
class Guidance:
    response_type: str
    instruction: str


CATEGORY_GUIDANCE: dict[str, Guidance] = {
    Category.BURGLARY: Guidance(
        ResponseType.MONITOR,
        gettext_noop(
            "Lock doors and windows, even when you are at home, and keep keys and valuables out of "
            "sight. Do not approach anyone acting suspiciously: note what you see and call 101, or "
            "999 if a crime is happening now."
        ),
    ),
    Category.VEHICLE_CRIME: Guidance(
        ResponseType.MONITOR,
        gettext_noop(
            "Lock your vehicle and leave nothing on show; park in a lit place or a garage if you "
            "can. Report anyone trying door handles: 999 if it is happening now, otherwise 101."
        ),
    ),
    Category.BOGUS_CALLER: Guidance(
        ResponseType.AVOID,
        gettext_noop(
            "Do not let unexpected callers in. Ask for ID and check it by calling the company on a "
            "number you find yourself, not one they give you. Report bogus callers to 101, or 999 "
            "if they will not leave."
        ),
    ),
    Category.RURAL_CRIME: Guidance(
        ResponseType.MONITOR,
        gettext_noop(
            "Lock outbuildings, machinery and fuel stores, and note the registrations of vehicles "
            "you do not know. Do not confront anyone: call 999 if a crime is happening now, "
            "otherwise 101."
        ),
    ),
    Category.HARE_COURSING: Guidance(
        ResponseType.MONITOR,
        gettext_noop(
            "Do not approach or confront anyone. Note vehicle registrations, descriptions and "
            "which way they went, and call 999 if coursing is happening now."
        ),
    ),
    Category.FLY_TIPPING: Guidance(
        ResponseType.MONITOR,
        gettext_noop(
            "Do not touch or search the waste: it may be hazardous. Note vehicle registrations and "
            "the place, and report it to the council or to 101."
        ),
    ),
    Category.SPEEDING: Guidance(
        ResponseType.MONITOR,
        gettext_noop(
            "Take extra care on the roads named. Report dangerous driving to 101, or 999 if "
            "someone is in danger now."
        ),
    ),
    Category.MISSING_PERSON: Guidance(
        ResponseType.EXECUTE,
        gettext_noop(
            "Check your sheds, garages and outbuildings, and any doorbell or car cameras. If you "
            "see the person, stay with them if it is safe to and call 999 at once."
        ),
    ),
    Category.SUSPICIOUS_ACTIVITY: Guidance(
        ResponseType.MONITOR,
        gettext_noop(
            "Do not approach. Note what you see (descriptions, vehicles, registrations, times and "
            "which way they went) and call 101, or 999 if a crime is happening now."
        ),
    ),
    Category.GENERAL: Guidance(
        ResponseType.MONITOR,
        gettext_noop(
            "Look out for updates to this alert. Report anything relevant to 101, or 999 in an "
            "emergency."
        ),
    ),
}

# A cancellation says it is over, whatever the alert it cancels asked.
CANCEL_GUIDANCE = Guidance(
    ResponseType.ALL_CLEAR, gettext_noop("Nothing more needs doing: this alert has been cancelled.")
)


def in_language(text: str, language: str) -> str:
    """One of the texts above in ``language`` (an alert's: "en" or "cy")."""
    with translation.override(DJANGO_LANGUAGE.get(language, DJANGO_LANGUAGE[Language.ENGLISH])):
        return _(text)


def guidance_filled(details: dict[str, Any], *, guidance: Guidance) -> dict[str, Any]:
    """``details`` with what the author left out or blank taken from ``guidance`` and the
    default contact, in the alert's language. A translation without an instruction of its own
    has the usual advice in its language, when the alert's own is the usual advice too."""
    language = details.get("language", Language.ENGLISH)
    defaults = {
        "instruction": in_language(guidance.instruction, language),
        "response_type": guidance.response_type,
        "contact": in_language(DEFAULT_CONTACT, language),
    }
    if details.get("translated_title") and not details.get("instruction"):
        other = Language.ENGLISH if language == Language.WELSH else Language.WELSH
        defaults["translated_instruction"] = in_language(guidance.instruction, other)
    return {**details, **{name: value for name, value in defaults.items() if not details.get(name)}}


def guidance_defaults() -> dict[str, Any]:
    """Every default, as the compose screen starts from them, in the request's language."""
    return {
        "contact": _(DEFAULT_CONTACT),
        "categories": {
            str(category): _translated(advice) for category, advice in CATEGORY_GUIDANCE.items()
        },
        "cancel": _translated(CANCEL_GUIDANCE),
    }


def _translated(guidance: Guidance) -> dict[str, str]:
    return {"response_type": guidance.response_type, "instruction": _(guidance.instruction)}
