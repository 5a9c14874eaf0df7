"""What surveys hold about a person (``accounts.personal_data``): the surveys they wrote and
their answers to surveys. What deleting the account does is said in
``surveys.account_deletion``."""

from collections.abc import Iterator

from accounts.models import User
from accounts.personal_data import Erasure, ExportSection, Holding, Row
from surveys.models import Survey, SurveyAnswer


def _surveys_sent(user: User) -> Iterator[Row]:
    surveys = Survey.objects.filter(author=user).prefetch_related("questions")
    for survey in surveys.order_by("created_at", "pk"):
        yield {
            "survey_id": survey.pk,
            "title": survey.title,
            "intro": survey.intro,
            "questions": [question.text for question in survey.questions.all()],
            "anonymous": survey.anonymous,
            "status": survey.get_status_display(),
            "created_at": survey.created_at,
            "sent_at": survey.sent_at,
        }


def _answers(user: User) -> Iterator[Row]:
    answers = SurveyAnswer.objects.filter(member=user).select_related("survey")
    answers = answers.prefetch_related("survey__questions")
    for answer in answers.order_by("answered_at", "pk"):
        questions = {str(q.pk): q.text for q in answer.survey.questions.all()}
        yield {
            "survey_id": answer.survey_id,
            "survey_title": answer.survey.title,
            "your_answers": {
                questions.get(key, key): value for key, value in answer.values.items()
            },
            "answered_at": answer.answered_at,
        }


SECTIONS = [
    ExportSection(
        name="surveys_sent",
        description="Surveys you wrote, drafts and those you sent.",
        columns=(
            "survey_id",
            "title",
            "intro",
            "questions",
            "anonymous",
            "status",
            "created_at",
            "sent_at",
        ),
        rows=_surveys_sent,
    ),
    ExportSection(
        name="survey_answers",
        description="Your answers to surveys, as you last gave them.",
        columns=("survey_id", "survey_title", "your_answers", "answered_at"),
        rows=_answers,
    ),
]

HOLDINGS = [
    Holding(
        "surveys.Survey",
        Erasure.UNLINKED,
        "Sent surveys belong to the schemes that answered them: kept without their author; "
        "drafts are deleted.",
        export=("surveys_sent",),
    ),
    Holding(
        "surveys.SurveyAnswer",
        Erasure.DELETED,
        "A person's answers go with the account.",
        export=("survey_answers",),
    ),
]
