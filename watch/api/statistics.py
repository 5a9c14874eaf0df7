"""The speedwatch statistics of the user's schemes (a liaison: the force area), as JSON or CSV."""

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from core.csvfiles import csv_download
from core.renderers import CSVRenderer, wants_file
from watch.exports.statistics import STATISTICS_COLUMNS, statistics_rows
from watch.models import AuditAction
from watch.selectors.schemes import speedwatch_schemes_visible_to
from watch.selectors.statistics import statistics_for
from watch.serializers import StatisticsQuery, StatisticsSerializer
from watch.services.audit import export_record


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
        schemes = speedwatch_schemes_visible_to(user=request.user)
        if not schemes.exists():
            raise PermissionDenied("Statistics are for speedwatch scheme members and liaisons.")
        # A plain dict, so that an empty parameter (``?until=``) is refused as the value it is
        # rather than read the way an HTML form's blank field is, as left out.
        params = StatisticsQuery(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        query = params.validated_data
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
        return csv_download(
            f"speedwatch-statistics-{timezone.localdate().isoformat()}.csv",
            STATISTICS_COLUMNS,
            statistics_rows(figures),
        )


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
