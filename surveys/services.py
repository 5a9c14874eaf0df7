"""Every write about surveys: writing one, sending it, closing it, answering it.

Sending publishes an alert that carries the survey to the members of its schemes, in their
inbox and by their alert channels (``notifications.targeting`` addresses it to the schemes
by name): its notices are stored once per member and channel, so sending is delivered once
however often the dispatch runs."""

import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError

from accounts.models import Language, User
from areas.models import AREA_COLUMNS
from core.queueing import task_queue
from notifications.models import (
    Alert,
    AlertStatus,
    Audience,
    Category,
    ResponseType,
    Severity,
    Urgency,
)
from schemes.models import Scheme, SchemeStatus
from schemes.selectors import schemes_visible_to
from schemes.services import activity_record
from surveys.models import (
    MAX_CHOICES,
    MAX_QUESTIONS,
    MIN_CHOICES,
    RATING_HIGHEST,
    RATING_LOWEST,
    Question,
    QuestionKind,
    Survey,
    SurveyActivity,
    SurveyAnswer,
    SurveyStatus,
)
from surveys.permissions import can_answer, can_manage, is_asked, survey_viewer

logger = logging.getLogger(__name__)

# How long the alert that carries a survey without a closing date stands.
NOTICE_DAYS_WITHOUT_CLOSING = 14
MAX_TEXT_ANSWER = 2000
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


def _sending_context(
    author: User, scheme_ids: list[int]
) -> tuple[str, Scheme | None, list[Scheme]]:
    """The force the survey belongs to, the scheme it is sent for (a coordinator's) and the
    schemes asked; PermissionDenied when the author may not ask them."""
    viewer = survey_viewer(author)
    # Through the schemes rule: a scheme the author may not see does not exist for them.
    visible = schemes_visible_to(user=author)
    schemes = list(visible.filter(pk__in=set(scheme_ids)).order_by("pk"))
    if len(schemes) != len(set(scheme_ids)):
        raise ValidationError({"schemes": _("One of these schemes does not exist.")})
    if any(scheme.status != SchemeStatus.ACTIVE for scheme in schemes):
        raise ValidationError({"schemes": _("Surveys go to active schemes only.")})
    if viewer.force and all(scheme.force == viewer.force for scheme in schemes):
        return viewer.force, None, schemes
    if len(schemes) == 1 and schemes[0].pk in viewer.coordinated:
        return schemes[0].force, schemes[0], schemes
    raise PermissionDenied(
        _(
            "Coordinators send surveys to their own scheme, police liaisons to schemes of "
            "their force."
        )
    )


def _questions_checked(questions: list[dict[str, Any]]) -> None:
    if not questions:
        raise ValidationError({"questions": _("Ask at least one question.")})
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(
            {"questions": _("Ask at most %(max)d questions.") % {"max": MAX_QUESTIONS}}
        )
    for number, question in enumerate(questions, start=1):
        choices = question.get("choices") or []
        if question["kind"] in CHOICE_KINDS:
            if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
                raise ValidationError(
                    {
                        "questions": _("Question %(number)d: give from %(min)d to %(max)d choices.")
                        % {"number": number, "min": MIN_CHOICES, "max": MAX_CHOICES}
                    }
                )
            if len(set(choices)) != len(choices):
                raise ValidationError(
                    {
                        "questions": _("Question %(number)d: a choice is given twice.")
                        % {"number": number}
                    }
                )
        elif choices:
            raise ValidationError(
                {
                    "questions": _("Question %(number)d: only choice questions have choices.")
                    % {"number": number}
                }
            )


@transaction.atomic
def survey_create(*, author: User, data: dict[str, Any]) -> Survey:
    """A draft survey with its questions, in the order given."""
    force, scheme, schemes = _sending_context(author, data["schemes"])
    questions = data["questions"]
    _questions_checked(questions)
    closes_at = data.get("closes_at")
    if closes_at is not None and closes_at <= timezone.now():
        raise ValidationError({"closes_at": _("The closing date must be in the future.")})
    survey = Survey.objects.create(
        author=author,
        force=force,
        scheme=scheme,
        title=data["title"],
        intro=data.get("intro", ""),
        anonymous=data.get("anonymous", True),
        closes_at=closes_at,
    )
    survey.schemes.set(schemes)
    Question.objects.bulk_create(
        Question(
            survey=survey,
            position=position,
            kind=question["kind"],
            text=question["text"],
            choices=question.get("choices") or [],
            required=question.get("required", False),
        )
        for position, question in enumerate(questions, start=1)
    )
    return survey


def _managed(survey: Survey, actor: User) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not can_manage(survey_viewer(actor), survey):
        raise PermissionDenied(_("Only the survey's author or the force's liaisons do this."))
    return survey


def _carrying_alert(survey: Survey, actor: User, now: datetime) -> Alert:
    """The alert that brings the survey to its members: addressed to its schemes by name
    (``surveys.apps``), with the link to answer it."""
    first = survey.schemes.order_by("pk").first()
    if first is None:
        raise ValidationError({"schemes": _("Surveys go to active schemes only.")})
    link = f"{settings.SITE_URL}/surveys/{survey.pk}"
    body = "\n\n".join(
        part
        for part in (
            survey.intro,
            _("Answer the survey in Patchwatch: %(link)s") % {"link": link},
        )
        if part
    )
    language = Language.WELSH if translation.get_language() == "cy" else Language.ENGLISH
    expires_at = survey.closes_at or now + timedelta(days=NOTICE_DAYS_WITHOUT_CLOSING)
    alert = Alert.objects.create(
        issuer=actor,
        force=survey.force,
        scheme=survey.scheme,
        language=language,
        title=(_("Survey: %(title)s") % {"title": survey.title})[:120],
        body=body,
        category=Category.GENERAL,
        severity=Severity.MINOR,
        urgency=Urgency.FUTURE,
        audience=Audience.MEMBERS,
        instruction=_("Answer the survey by following the link."),
        response_type=ResponseType.ASSESS,
        area_name=survey.scheme.name if survey.scheme else "",
        status=AlertStatus.PUBLISHED,
        expires_at=expires_at,
        published_at=now,
        **{column: getattr(first, column) for column in AREA_COLUMNS},
    )
    alert.incident = alert
    alert.save(update_fields=["incident"])
    return alert


def _activity(survey: Survey, type: str, actor: User, **facts: int) -> None:
    """A survey sent or closed, in the log of the scheme it is sent for (a coordinator's), or
    in its force's (a liaison's, which may ask many schemes)."""
    activity_record(
        scheme=survey.scheme,
        force=survey.force,
        type=type,
        actor=actor,
        object_id=survey.pk,
        payload={"title": survey.title, **facts},
    )


def _queue_dispatch(alert_id: int) -> None:
    try:
        task_queue("notifications.queue_notices", kwargs={"alert_id": alert_id})
    except KombuOperationalError:
        # The survey is sent and committed; the alerts' sweep dispatches its alert once the
        # broker is back.
        logger.exception("Could not queue the dispatch of alert %s; the sweep will", alert_id)


@transaction.atomic
def survey_send(*, survey: Survey, actor: User) -> Survey:
    survey = _managed(survey, actor)
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError({"status": _("This survey has been sent already.")})
    now = timezone.now()
    if survey.closes_at is not None and survey.closes_at <= now:
        raise ValidationError({"closes_at": _("The closing date has passed.")})
    alert = _carrying_alert(survey, actor, now)
    survey.alert = alert
    survey.status = SurveyStatus.SENT
    survey.sent_at = now
    survey.save(update_fields=["alert", "status", "sent_at"])
    _activity(survey, SurveyActivity.SURVEY_SENT, actor, schemes=survey.schemes.count())
    transaction.on_commit(partial(_queue_dispatch, alert.pk))
    return survey


@transaction.atomic
def survey_close(*, survey: Survey, actor: User) -> Survey:
    survey = _managed(survey, actor)
    if survey.status != SurveyStatus.SENT:
        raise ValidationError({"status": _("Only a survey that was sent can be closed.")})
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = timezone.now()
    survey.save(update_fields=["status", "closed_at"])
    _activity(survey, SurveyActivity.SURVEY_CLOSED, actor, answers=survey.answers.count())
    return survey


def _value_checked(question: Question, value: Any) -> Any:
    """The answer to one question as stored, or ValidationError's message."""
    if question.kind == QuestionKind.SINGLE:
        if not isinstance(value, str) or value not in question.choices:
            raise ValueError(_("Choose one of the options."))
        return value
    if question.kind == QuestionKind.MULTIPLE:
        if not isinstance(value, list) or not all(
            isinstance(choice, str) and choice in question.choices for choice in value
        ):
            raise ValueError(_("Choose among the options."))
        # In the options' order, each once.
        return [choice for choice in question.choices if choice in value]
    if question.kind == QuestionKind.RATING:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not RATING_LOWEST <= value <= RATING_HIGHEST
        ):
            raise ValueError(
                _("Give a rating from %(lowest)d to %(highest)d.")
                % {"lowest": RATING_LOWEST, "highest": RATING_HIGHEST}
            )
        return value
    if not isinstance(value, str):
        raise ValueError(_("Write your answer as text."))
    if len(value) > MAX_TEXT_ANSWER:
        raise ValueError(_("Keep your answer to %(max)d characters.") % {"max": MAX_TEXT_ANSWER})
    return value.strip()


def _empty(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def answer_values(*, survey: Survey, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers checked against the survey's questions, keyed by question id; every
    problem reported at once under ``answers.<question id>``."""
    questions = {str(question.pk): question for question in survey.questions.all()}
    errors: dict[str, str] = {}
    for key in answers:
        if key not in questions:
            errors[f"answers.{key}"] = _("The survey has no such question.")
    values: dict[str, Any] = {}
    for key, question in questions.items():
        value = answers.get(key)
        if _empty(value):
            if question.required:
                errors[f"answers.{key}"] = _("Answer this question.")
            continue
        try:
            values[key] = _value_checked(question, value)
        except ValueError as error:
            errors[f"answers.{key}"] = str(error)
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def survey_answer(*, survey: Survey, member: User, answers: dict[str, Any]) -> SurveyAnswer:
    """Store a member's answers; answering again replaces them (one row per member)."""
    # As it stands now: it may have been closed since the caller read it.
    survey = Survey.objects.get(pk=survey.pk)
    viewer = survey_viewer(member)
    scheme_ids = list(survey.schemes.values_list("pk", flat=True))
    if survey.author_id == member.pk:
        raise PermissionDenied(_("You sent this survey: the members of its schemes answer it."))
    if not is_asked(viewer, survey, scheme_ids):
        raise PermissionDenied(_("Only members of the schemes asked answer this survey."))
    if not can_answer(viewer, survey, scheme_ids):
        raise ValidationError({"status": _("This survey is closed: it takes no more answers.")})
    values = answer_values(survey=survey, answers=answers)
    answer, _created = SurveyAnswer.objects.update_or_create(
        survey=survey,
        member=member,
        defaults={"values": values, "answered_at": timezone.now()},
    )
    return answer
