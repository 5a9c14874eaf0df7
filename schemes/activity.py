"""The kinds of event a scheme's activity log records, registered by the apps that record
them.

``schemes`` sits below the speedwatch and alert apps, so it cannot name their events: each
app registers its own kinds (a ``TextChoices``) from its ``AppConfig.ready`` (``schemes``
its own first), and the log's column takes any registered kind. A kind's stored value and
label never change once used: the logs keep them.
"""

from collections.abc import Iterator

from django.db.models import TextChoices
from django.utils.choices import BaseChoiceIterator

_kinds: dict[str, str] = {}


def activity_kinds_register(kinds: type[TextChoices]) -> None:
    for value, label in kinds.choices:
        if _kinds.get(value, label) != label:
            raise ValueError(f"The activity kind {value!r} is registered with another label.")
        _kinds[value] = label


class _RegisteredKinds(BaseChoiceIterator):
    """Every registered kind, in the order the apps registered them, read when used: a
    form or serializer field made before the last app is ready still offers them all."""

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(list(_kinds.items()))


ACTIVITY_KINDS = _RegisteredKinds()


def activity_kind_label(value: str) -> str:
    return _kinds.get(value, value)


def activity_kind_check(value: str) -> None:
    if value not in _kinds:
        raise ValueError(f"{value!r} is no registered kind of activity.")
