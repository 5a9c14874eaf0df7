"""The surveys app's kinds of activity in the log: what each is about, and how its prose
reads from the payload that ``surveys.services`` records with it."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import ngettext

from schemes.activity import ActivityKind
from surveys.models import SurveyActivity


def _sent(actor: str, payload: Mapping[str, Any]) -> str:
    schemes = payload["schemes"]
    return ngettext(
        "%(actor)s sent a survey to the members of %(schemes)s scheme: %(title)s",
        "%(actor)s sent a survey to the members of %(schemes)s schemes: %(title)s",
        schemes,
    ) % {"actor": actor, "schemes": schemes, "title": payload["title"]}


def _closed(actor: str, payload: Mapping[str, Any]) -> str:
    answers = payload["answers"]
    return ngettext(
        "%(actor)s closed a survey after %(answers)s answer: %(title)s",
        "%(actor)s closed a survey after %(answers)s answers: %(title)s",
        answers,
    ) % {"actor": actor, "answers": answers, "title": payload["title"]}


KINDS: dict[str, ActivityKind] = {
    SurveyActivity.SURVEY_SENT: ActivityKind("survey", _sent),
    SurveyActivity.SURVEY_CLOSED: ActivityKind("survey", _closed),
}
