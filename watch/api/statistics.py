"""The speedwatch statistics of the user's schemes (a liaison: the force area), as JSON or CSV."""

from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from core.renderers import CSVRenderer, wants_file
from schemes.models import Scheme
from watch.exports.statistics import statistics_download
from watch.models import AuditAction
from watch.selectors.schemes import speedwatch_schemes_visible_to
from watch.selectors.statistics import statistics_for
from watch.serializers import StatisticsQuery, StatisticsSerializer
from watch.services.audit import export_record


def _schemes(request: SignedInRequest) -> QuerySet[Scheme]:
    """The speedwatch schemes the figures cover: the user's (a liaison's: the force area's)."""
    schemes = speedwatch_schemes_visible_to(user=request.user)
    if not schemes.exists():
        raise PermissionDenied(_("Statistics are for speedwatch scheme members and liaisons."))
    return schemes


def _period(request: SignedInRequest) -> dict[str, Any]:
    """The scheme, site and period asked for. A plain dict, so that an empty parameter
    (``?until=``) is refused as the value it is rather than read the way an HTML form's
    blank field is, as left out."""
    params = StatisticsQuery(data=request.query_params.dict())
    params.is_valid(raise_exception=True)
    return params.validated_data


class StatisticsView(APIView):
    """Sessions, volunteer hours, vehicles, offences, speeds, letters and repeat vehicles
    for the user's speedwatch schemes (a liaison: the force area), with a monthly series.
    ``?format=csv`` (or ``Accept: text/csv``) gives the same figures as CSV: the totals row,
    then one row a month."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        parameters=[StatisticsQuery],
        responses={
            200: StatisticsSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
        },
    )
    def get(self, request: SignedInRequest) -> Response | StreamingHttpResponse:
        schemes = _schemes(request)
        query = _period(request)
        figures = statistics_for(schemes=schemes, **query)
        if not wants_file(request):
            return Response(figures)
        export_record(
            actor=request.user,
            action=AuditAction.STATISTICS_CSV,
            params=request.query_params,
            rows=figures["offences"],
            schemes=schemes,
            filters=query,
        )
        return statistics_download(figures)


class StatisticsExportView(StatisticsView):
    """The statistics as a CSV file only (the totals row, then one row a month), as the other
    exports are: for clients that read one media type per operation."""

    renderer_classes = [CSVRenderer]

    @extend_schema(
        parameters=[StatisticsQuery],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV file.")},
    )
    def get(self, request: SignedInRequest) -> Response | StreamingHttpResponse:
        return super().get(request)
