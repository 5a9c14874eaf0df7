"""``GET forces/``: the police forces a liaison, a scheme or an alert belongs to."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.forces import PoliceForce, force_name_shown


class ForceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ForceQuerySerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Words in the name."
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="The same as search, under the name the other lists use.",
    )
    ordering = serializers.ChoiceField(
        choices=["code", "-code", "name", "-name"],
        required=False,
        help_text="Sort by code (the default) or name; a leading - reverses.",
    )


class ForceListView(ListAPIView):
    """The 43 territorial police forces of England and Wales."""

    permission_classes = [AllowAny]
    serializer_class = ForceSerializer
    # A fixed list in code, not a table: searched and sorted here rather than by the
    # queryset filter backends, with the same parameter names they use.
    filter_backends: list[type] = []

    def get_queryset(self) -> list[dict[str, str]]:  # type: ignore[override]  # a list of forces, which the list view pages as it would a QuerySet
        # A plain dict, so that an empty ``ordering`` is refused as the value it is rather
        # than read the way an HTML form's blank field is, as left out.
        query = ForceQuerySerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        text = query.validated_data.get("search") or query.validated_data.get("q") or ""
        words = text.lower().split()
        forces = [
            {"code": code, "name": name}
            for code, name in ((code, force_name_shown(code)) for code in PoliceForce.values)
            if all(word in name.lower() for word in words)
        ]
        ordering = query.validated_data.get("ordering", "code")
        return sorted(
            forces, key=lambda force: force[ordering.lstrip("-")], reverse=ordering[0] == "-"
        )

    @extend_schema(parameters=[ForceQuerySerializer])
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)
