"""What deleting an account does to a person's surveys (``accounts.deletion``).

Their answers go with the account (the results lose them). Surveys they sent stay, for the
schemes that answered them, without their name; drafts they never sent are deleted."""

from django.utils.translation import gettext as _

from accounts.deletion import DeletionHandler, HeldData
from accounts.models import User
from surveys.models import Survey, SurveyAnswer, SurveyStatus


def _held(user: User) -> list[HeldData]:
    written = Survey.objects.filter(author=user)
    return [
        HeldData(
            what=_("Surveys you sent"),
            count=written.exclude(status=SurveyStatus.DRAFT).count(),
            outcome=_("Kept with their answers, for the schemes asked; without your name."),
        ),
        HeldData(
            what=_("Survey drafts you never sent"),
            count=written.filter(status=SurveyStatus.DRAFT).count(),
            outcome=_("Deleted."),
        ),
        HeldData(
            what=_("Your answers to surveys"),
            count=SurveyAnswer.objects.filter(member=user).count(),
            outcome=_("Deleted."),
        ),
    ]


def _erase(user: User) -> None:
    Survey.objects.filter(author=user, status=SurveyStatus.DRAFT).delete()


handler = DeletionHandler(name="surveys", held=_held, erase=_erase)
