"""Input and output shapes of surveys, their answers and their results."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import ModelSerializer, Serializer
from schemes.serializers import SchemeRefSerializer
from surveys.models import MAX_CHOICES, MAX_QUESTIONS, Question, QuestionKind, Survey
from surveys.permissions import (
    SurveyViewer,
    can_answer,
    can_manage,
    can_see_results,
    is_asked,
    is_open,
)


class QuestionInputSerializer(Serializer):
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField(max_length=300)
    choices = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=MAX_CHOICES, default=list
    )
    # DRF's metaclass takes declared fields off the class, so this never hides
    # ``Field.required``; the stubs cannot know that.
    required = serializers.BooleanField(default=False)  # type: ignore[assignment]


class SurveyInputSerializer(Serializer):
    title = serializers.CharField(max_length=120)
    intro = serializers.CharField(max_length=2000, allow_blank=True, default="")
    anonymous = serializers.BooleanField(default=True)
    closes_at = serializers.DateTimeField(allow_null=True, default=None)
    schemes = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        min_length=1,
        max_length=200,
    )
    questions = serializers.ListField(
        child=QuestionInputSerializer(), max_length=MAX_QUESTIONS, min_length=1, allow_empty=False
    )


class AnswerInputSerializer(Serializer):
    # {question id: a choice, a list of choices, a rating or text}; checked against the
    # survey's questions by the service.
    answers = serializers.DictField(child=serializers.JSONField(allow_null=True))


class QuestionSerializer(ModelSerializer):
    choices = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Question
        fields = ["id", "position", "kind", "text", "choices", "required"]
        read_only_fields = fields


class SurveyActionsSerializer(Serializer):
    send = serializers.BooleanField()
    close = serializers.BooleanField()
    answer = serializers.BooleanField()
    results = serializers.BooleanField()


class SurveySerializer(ModelSerializer):
    """A survey with its questions, whether the viewer has answered it, and what they may
    do with it (``actions``)."""

    scheme = SchemeRefSerializer(read_only=True, allow_null=True)
    schemes = SchemeRefSerializer(many=True, read_only=True)
    author_name = serializers.SerializerMethodField()
    questions = QuestionSerializer(many=True, read_only=True)
    open = serializers.SerializerMethodField()
    answered = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = [
            "id",
            "title",
            "intro",
            "anonymous",
            "status",
            "closes_at",
            "created_at",
            "sent_at",
            "closed_at",
            "open",
            "scheme",
            "schemes",
            "author_name",
            "questions",
            "answered",
            "actions",
        ]
        read_only_fields = fields

    def _viewer(self) -> SurveyViewer:
        viewer: SurveyViewer = self.context["viewer"]
        return viewer

    def get_author_name(self, survey: Survey) -> str:
        return survey.author.name if survey.author else ""

    def get_open(self, survey: Survey) -> bool:
        return is_open(survey)

    def get_answered(self, survey: Survey) -> bool:
        return bool(getattr(survey, "answered", False))

    @extend_schema_field(SurveyActionsSerializer)
    def get_actions(self, survey: Survey) -> dict[str, bool]:
        viewer = self._viewer()
        scheme_ids = [scheme.pk for scheme in survey.schemes.all()]
        managing = can_manage(viewer, survey)
        return {
            "send": managing and survey.status == "draft",
            "close": managing and survey.status == "sent",
            "answer": can_answer(viewer, survey, scheme_ids),
            "results": can_see_results(viewer, survey) and survey.status != "draft",
        }


class SurveyDetailSerializer(SurveySerializer):
    """The survey, and the viewer's own answers when they have given them."""

    my_answers = serializers.SerializerMethodField()

    class Meta(SurveySerializer.Meta):
        fields = [*SurveySerializer.Meta.fields, "my_answers"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=serializers.JSONField(), allow_null=True))
    def get_my_answers(self, survey: Survey) -> dict[str, Any] | None:
        answer = self.context.get("answer")
        if answer is None or not is_asked(
            self._viewer(), survey, [s.pk for s in survey.schemes.all()]
        ):
            return None
        values: dict[str, Any] = answer.values
        return values


class ChoiceCountSerializer(Serializer):
    choice = serializers.CharField()
    count = serializers.IntegerField()


class RatingCountSerializer(Serializer):
    rating = serializers.IntegerField()
    count = serializers.IntegerField()


class TextAnswerSerializer(Serializer):
    text = serializers.CharField()
    # Who wrote it, for a survey that is not anonymous; null for an anonymous one.
    member = serializers.CharField(allow_null=True)


class QuestionResultSerializer(Serializer):
    question = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField()
    answered = serializers.IntegerField()
    choices = ChoiceCountSerializer(many=True)
    ratings = RatingCountSerializer(many=True)
    mean = serializers.FloatField(allow_null=True)
    texts = TextAnswerSerializer(many=True)


class SurveyResultsSerializer(Serializer):
    survey = serializers.IntegerField()
    anonymous = serializers.BooleanField()
    answers = serializers.IntegerField()
    questions = QuestionResultSerializer(many=True)


class AnsweredSerializer(Serializer):
    survey = serializers.IntegerField()
    answers = serializers.DictField(child=serializers.JSONField())
    answered_at = serializers.DateTimeField()
