"""Thin HTTP views for surveys: write and send one, answer it, read its results."""

from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.requests import SignedInRequest
from core.csvfiles import csv_download
from core.filters import FilterSet, IdFilter, StrictBooleanFilter
from core.idempotency import IdempotentAPIView
from core.renderers import CSVRenderer
from surveys import selectors, services
from surveys.models import Survey, SurveyStatus
from surveys.permissions import SurveyViewer, can_see_results, survey_viewer
from surveys.serializers import (
    AnsweredSerializer,
    AnswerInputSerializer,
    SurveyDetailSerializer,
    SurveyInputSerializer,
    SurveyResultsSerializer,
    SurveySerializer,
)


class SurveyFilter(FilterSet):
    status = filters.ChoiceFilter(choices=SurveyStatus.choices)
    answered = StrictBooleanFilter(
        field_name="answered", label="Only those the signed-in user has answered (or not)."
    )
    scheme = IdFilter(field_name="schemes", label="Only those sent to a scheme.")

    class Meta:
        model = Survey
        fields = ["status", "answered", "scheme"]


class SurveyViewSet(IdempotentAPIView, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Surveys: written and sent by coordinators (to their scheme) and liaisons (to schemes
    of their force), answered by the schemes' members, with results for those who sent
    them."""

    serializer_class = SurveySerializer
    filterset_class = SurveyFilter
    ordering_fields = ["created_at", "sent_at"]
    ordering = ["-created_at", "-id"]
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Survey]:
        if getattr(self, "swagger_fake_view", False):
            return Survey.objects.none()
        user = self.request.user
        return (
            selectors.with_answered_by(selectors.surveys_visible_to(user=user), user=user)
            .select_related("author", "scheme")
            .prefetch_related("schemes", "questions")
        )

    def _viewer(self) -> SurveyViewer:
        if not hasattr(self, "_survey_viewer"):
            self._survey_viewer = survey_viewer(self.request.user)
        return self._survey_viewer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "viewer": self._viewer()}

    def _survey(self, pk: int) -> Survey:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _shown(self, survey: Survey, code: int = status.HTTP_200_OK) -> Response:
        survey = self._survey(survey.pk)
        answer = selectors.answer_of(survey=survey, user=self.request.user)
        context = {**self.get_serializer_context(), "answer": answer}
        return Response(SurveyDetailSerializer(survey, context=context).data, status=code)

    @extend_schema(request=SurveyInputSerializer, responses={201: SurveyDetailSerializer})
    def create(self, request: SignedInRequest) -> Response:
        """Write a draft survey: its title, introduction, questions and the schemes asked."""
        payload = SurveyInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        survey = services.survey_create(author=request.user, data=payload.validated_data)
        return self._shown(survey, status.HTTP_201_CREATED)

    @extend_schema(responses=SurveyDetailSerializer)
    def retrieve(self, request: Request, pk: int) -> Response:
        return self._shown(self._survey(pk))

    @extend_schema(request=None, responses=SurveyDetailSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request: SignedInRequest, pk: int) -> Response:
        """Send the draft to the members of its schemes, in their inbox and by their alert
        channels."""
        return self._shown(services.survey_send(survey=self._survey(pk), actor=request.user))

    @extend_schema(request=None, responses=SurveyDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: SignedInRequest, pk: int) -> Response:
        """Stop taking answers."""
        return self._shown(services.survey_close(survey=self._survey(pk), actor=request.user))

    @extend_schema(request=AnswerInputSerializer, responses=AnsweredSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: SignedInRequest, pk: int) -> Response:
        """Answer the survey; answering again replaces the earlier answers."""
        survey = self._survey(pk)
        payload = AnswerInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        answer = services.survey_answer(
            survey=survey, member=request.user, answers=payload.validated_data["answers"]
        )
        return Response(
            AnsweredSerializer(
                {"survey": survey.pk, "answers": answer.values, "answered_at": answer.answered_at}
            ).data
        )

    def _readable_results(self, pk: int) -> Survey:
        survey = self._survey(pk)
        if not can_see_results(self._viewer(), survey):
            raise PermissionDenied(_("Only those who sent the survey read its results."))
        return survey

    @extend_schema(responses=SurveyResultsSerializer)
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk: int) -> Response:
        """How many answered; for each question, counts per choice, the ratings and their
        mean, or the free text given. Names no one for an anonymous survey."""
        survey = self._readable_results(pk)
        return Response(SurveyResultsSerializer(selectors.survey_results(survey=survey)).data)

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV file.")}
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="results/export",
        url_name="results-export",
        renderer_classes=[CSVRenderer],
        pagination_class=None,
        filterset_class=None,
    )
    def results_export(self, request: Request, pk: int) -> StreamingHttpResponse:
        """The answers as a CSV file, one row per answer and one column per question (with
        who answered first, unless the survey is anonymous)."""
        survey = self._readable_results(pk)
        header, rows = selectors.results_table(survey=survey)
        return csv_download(f"patchwatch-survey-{survey.pk}.csv", header, rows)
