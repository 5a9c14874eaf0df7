"""Surveys of members: a coordinator (for their scheme) or a liaison (for schemes of their
force) asks a few questions; members of the schemes answer once, a second answer replacing
the first. A survey is a draft, then sent (delivered as an alert notice), then closed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.forces import PoliceForce
from notifications.models import Alert
from schemes.models import Scheme

MAX_QUESTIONS = 20
MIN_CHOICES = 2
MAX_CHOICES = 10
RATING_LOWEST = 1
RATING_HIGHEST = 5


class SurveyActivity(models.TextChoices):
    """What the surveys app records in the activity log (schemes.activity): in the log of the
    scheme a coordinator's survey is sent for, or in its force's for a liaison's."""

    SURVEY_SENT = "survey_sent", gettext_lazy("Survey sent")
    SURVEY_CLOSED = "survey_closed", gettext_lazy("Survey closed")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", gettext_noop("Draft")
    SENT = "sent", gettext_noop("Open for answers")
    CLOSED = "closed", gettext_noop("Closed")


class QuestionKind(models.TextChoices):
    SINGLE = "single", gettext_noop("One choice")
    MULTIPLE = "multiple", gettext_noop("Several choices")
    RATING = "rating", gettext_noop("Rating from 1 to 5")
    TEXT = "text", gettext_noop("Free text")


class Survey(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="surveys_written",
    )
    force = models.CharField(max_length=40, choices=PoliceForce.choices)
    # A coordinator's survey is sent on behalf of their scheme; a liaison's has none.
    scheme = models.ForeignKey(
        Scheme, null=True, blank=True, on_delete=models.SET_NULL, related_name="issued_surveys"
    )
    # The schemes whose members are asked.
    schemes = models.ManyToManyField(Scheme, related_name="surveys")
    title = models.CharField(max_length=120)
    intro = models.TextField(max_length=2000, blank=True)
    # Anonymous: nobody reading the results learns who gave which answer.
    anonymous = models.BooleanField(default=True)
    status = models.CharField(
        max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    closes_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The alert that carried the survey to the members (their inbox and alert channels).
    alert = models.OneToOneField(
        Alert, null=True, blank=True, on_delete=models.SET_NULL, related_name="survey"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["force", "status"], name="survey_force_status")]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField(max_length=300)
    # The options of a single or multiple choice question, in order; empty for the others.
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_position"),
            models.CheckConstraint(
                condition=Q(kind__in=[kind.value for kind in QuestionKind]),
                name="question_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}.{self.position}: {self.text}"


class SurveyAnswer(models.Model):
    """One member's answers to one survey: answering again replaces them."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_answers"
    )
    # {question id (as text): the choice, the choices, the rating or the words}.
    values = models.JSONField(default=dict)
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["survey", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "member"], name="survey_answer_once"),
        ]

    def __str__(self) -> str:
        return f"Answer to survey {self.survey_id}"
