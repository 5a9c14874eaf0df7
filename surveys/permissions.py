"""Who may do what with a survey, worked out from a few facts about the viewer read once
per request (``SurveyViewer``), so that a list asks no query per row."""

from dataclasses import dataclass

from django.utils import timezone

from schemes.models import Membership, MembershipStatus
from schemes.permissions import AnyUser, liaison_force
from schemes.selectors import coordinated_scheme_ids
from surveys.models import Survey, SurveyStatus


@dataclass(frozen=True)
class SurveyViewer:
    user_id: int | None
    # The force the viewer is a police liaison for.
    force: str | None
    coordinated: frozenset[int]
    # Every scheme the viewer is an active member of (coordinators too).
    member_of: frozenset[int]


def survey_viewer(user: AnyUser) -> SurveyViewer:
    if not user.is_authenticated:
        return SurveyViewer(None, None, frozenset(), frozenset())
    member_of = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values_list(
        "scheme_id", flat=True
    )
    return SurveyViewer(
        user.pk,
        liaison_force(user),
        frozenset(coordinated_scheme_ids(user=user)),
        frozenset(member_of),
    )


def can_manage(viewer: SurveyViewer, survey: Survey) -> bool:
    """Send or close it: its author, and the liaisons of its force."""
    if viewer.user_id is None:
        return False
    return survey.author_id == viewer.user_id or viewer.force == survey.force


def can_see_results(viewer: SurveyViewer, survey: Survey) -> bool:
    """Those who manage it, and the coordinators of the scheme it was sent for."""
    return can_manage(viewer, survey) or (
        survey.scheme_id is not None and survey.scheme_id in viewer.coordinated
    )


def is_open(survey: Survey) -> bool:
    """Taking answers: sent, not closed, and its closing date (if any) not passed."""
    return survey.status == SurveyStatus.SENT and (
        survey.closes_at is None or survey.closes_at > timezone.now()
    )


def is_asked(viewer: SurveyViewer, survey: Survey, scheme_ids: list[int]) -> bool:
    """A member of one of the schemes asked, other than the survey's author: a coordinator
    asks their scheme, and is not asked their own questions (as an alert's sender is not
    sent it)."""
    return survey.author_id != viewer.user_id and bool(viewer.member_of.intersection(scheme_ids))


def can_answer(viewer: SurveyViewer, survey: Survey, scheme_ids: list[int]) -> bool:
    return is_open(survey) and is_asked(viewer, survey, scheme_ids)
