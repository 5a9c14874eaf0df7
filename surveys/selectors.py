"""Reads about surveys: who may see which, and their results.

Results never say who answered an anonymous survey: the counts carry no one, free text is
listed in alphabetical order (not the order of answering, which a reader could match with
who they know answered when) and the CSV file's rows are sorted by what they say."""

from collections import Counter
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from core import visibility
from schemes.permissions import AnyUser
from surveys.models import (
    RATING_HIGHEST,
    RATING_LOWEST,
    Question,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyStatus,
)
from surveys.permissions import survey_viewer


@visibility.rule("survey")
def surveys_visible_to(*, user: AnyUser) -> QuerySet[Survey]:
    """Its author's; every survey of a liaison's force; the sent surveys of the schemes one
    is an active member of (coordinators too)."""
    if not user.is_authenticated:
        return Survey.objects.none()
    viewer = survey_viewer(user)
    asked = Survey.schemes.through.objects.filter(
        survey_id=OuterRef("pk"), scheme_id__in=list(viewer.member_of)
    )
    visible = Q(author=user) | (~Q(status=SurveyStatus.DRAFT) & Q(Exists(asked)))
    if viewer.force:
        visible |= Q(force=viewer.force)
    return Survey.objects.filter(visible)


def with_answered_by(surveys: QuerySet[Survey], *, user: AnyUser) -> QuerySet[Survey]:
    """Each with ``answered``: whether ``user`` has answered it."""
    answered = SurveyAnswer.objects.filter(survey_id=OuterRef("pk"), member_id=user.pk)
    return surveys.annotate(answered=Exists(answered))


def answer_of(*, survey: Survey, user: AnyUser) -> SurveyAnswer | None:
    if not user.is_authenticated:
        return None
    return SurveyAnswer.objects.filter(survey=survey, member=user).first()


def _display(question: Question, value: Any) -> str:
    """An answer as a cell of text."""
    if value is None:
        return ""
    if question.kind == QuestionKind.MULTIPLE:
        return "; ".join(value)
    return str(value)


def _answers_of(survey: Survey) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, email, values) of each answer; names empty for an anonymous survey."""
    answers = SurveyAnswer.objects.filter(survey=survey)
    if survey.anonymous:
        return [("", "", values) for values in answers.values_list("values", flat=True)]
    return [
        (name, email, values)
        for name, email, values in answers.order_by("member__name", "member_id").values_list(
            "member__name", "member__email", "values"
        )
    ]


def survey_results(*, survey: Survey) -> dict[str, Any]:
    """How many answered, and for each question: counts per choice, the ratings'
    distribution and mean, or the free text given."""
    questions = list(survey.questions.all())
    answers = _answers_of(survey)
    results = []
    for question in questions:
        key = str(question.pk)
        given = [(name, values[key]) for name, _email, values in answers if key in values]
        result: dict[str, Any] = {
            "question": question.pk,
            "position": question.position,
            "kind": question.kind,
            "text": question.text,
            "answered": len(given),
            "choices": [],
            "ratings": [],
            "mean": None,
            "texts": [],
        }
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            counts: Counter[str] = Counter()
            for _name, value in given:
                counts.update([value] if question.kind == QuestionKind.SINGLE else value)
            result["choices"] = [
                {"choice": choice, "count": counts[choice]} for choice in question.choices
            ]
        elif question.kind == QuestionKind.RATING:
            ratings = Counter(value for _name, value in given)
            result["ratings"] = [
                {"rating": rating, "count": ratings[rating]}
                for rating in range(RATING_LOWEST, RATING_HIGHEST + 1)
            ]
            if given:
                result["mean"] = round(sum(value for _name, value in given) / len(given), 2)
        else:
            texts = [{"text": value, "member": name or None} for name, value in given]
            if survey.anonymous:
                texts.sort(key=lambda entry: (entry["text"].casefold(), entry["text"]))
            result["texts"] = texts
        results.append(result)
    return {
        "survey": survey.pk,
        "anonymous": survey.anonymous,
        "answers": len(answers),
        "questions": results,
    }


def results_table(*, survey: Survey) -> tuple[list[str], list[list[str]]]:
    """The CSV file's header and rows: one row per answer, one column per question (and the
    member's name and email first when the survey is not anonymous)."""
    questions = list(survey.questions.all())
    header = [f"Q{question.position}. {question.text}" for question in questions]
    rows = []
    for name, email, values in _answers_of(survey):
        cells = [_display(question, values.get(str(question.pk))) for question in questions]
        rows.append(cells if survey.anonymous else [name, email, *cells])
    if survey.anonymous:
        rows.sort()
        return header, rows
    return ["member", "email", *header], rows
