"""Which schemes the alert that carries a survey goes to (``notifications.targeting``)."""

from notifications.models import Alert
from surveys.models import Survey


def survey_scheme_ids(alert: Alert) -> list[int] | None:
    """The schemes the survey asks, for the alert that carries it; None for other alerts."""
    survey = Survey.objects.filter(alert=alert).first()
    if survey is None:
        return None
    return list(survey.schemes.order_by("pk").values_list("pk", flat=True))
