from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from surveys.models import Question, Survey, SurveyStatus


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["position", "kind", "text", "choices", "required"]
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    """Surveys are written, sent and closed in the app, whose services check the questions,
    who may ask which schemes and deliver them. Staff read them here, with how many members
    answered, but never the answers themselves: they may be anonymous, and the results page
    in the app shows them to the survey's managers as the survey allows. A draft, which
    nobody has been sent, may be deleted."""

    list_display = ["title", "force", "scheme", "status", "anonymous", "sent_at", "answers_count"]
    list_filter = ["status", "force", "anonymous"]
    search_fields = ["title", "intro", "scheme__name"]
    raw_id_fields = ["author", "scheme", "alert"]
    filter_horizontal = ["schemes"]
    date_hierarchy = "created_at"
    inlines = [QuestionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Survey]:
        return super().get_queryset(request).annotate(answers_total=Count("answers"))

    @admin.display(description="answers", ordering="answers_total")
    def answers_count(self, survey: Survey) -> int:
        return survey.answers_total  # type: ignore[attr-defined]  # reason: annotated above

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Survey | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Survey | None = None) -> bool:
        return obj is None or obj.status == SurveyStatus.DRAFT
