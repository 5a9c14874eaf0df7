"""The kinds of event a scheme's activity log records, registered by the apps that record
them.

``schemes`` sits below the speedwatch and alert apps, so it cannot name their events: each
app registers its own kinds (a ``TextChoices``) from its ``AppConfig.ready`` (``schemes``
its own first), and the log's column takes any registered kind. A kind's stored value and
label never change once used: the logs keep them.

An event is structured: the kind (its verb), the object it is about (a short stable type
name and its id), and a small JSON payload of the facts its prose needs. Each kind says what
type of object it is about and how its prose reads, from the actor's name and the payload;
``schemes.services.activity_record`` renders that prose once, when the event is written.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import TextChoices
from django.utils import translation
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext, gettext_noop

# Who a deleted account's entries name instead, in the log's stored English (its actor_name
# and payload hold it so); read out in each reader's language.
FORMER_MEMBER = gettext_noop("a former member")

# The prose of an event, from the actor's name ("" when nobody) and the event's payload.
Summary = Callable[[str, Mapping[str, Any]], str]


@dataclass(frozen=True)
class ActivityKind:
    about: str  # the type of object an event of this kind is about: "scheme", "site", ...
    summary: Summary


_kinds: dict[str, str] = {}
_described: dict[str, ActivityKind] = {}


def activity_kinds_register(
    kinds: type[TextChoices], described: Mapping[str, ActivityKind]
) -> None:
    """Register an app's kinds, each with what it is about and how its prose reads."""
    for value, label in kinds.choices:
        if _kinds.get(value, label) != label:
            raise ValueError(f"The activity kind {value!r} is registered with another label.")
    if set(described) != set(kinds.values):
        raise ValueError(f"Say what each of {kinds.__name__}'s kinds is about and how it reads.")
    for value, label in kinds.choices:
        _kinds[value] = label
        _described[value] = described[value]


class _RegisteredKinds(BaseChoiceIterator):
    """Every registered kind, in the order the apps registered them, read when used: a
    form or serializer field made before the last app is ready still offers them all."""

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(list(_kinds.items()))


class _RegisteredObjectTypes(BaseChoiceIterator):
    """Every type of object that registered kinds are about, read when used."""

    def __iter__(self) -> Iterator[tuple[str, str]]:
        about = dict.fromkeys(kind.about for kind in _described.values())
        return iter([(name, name) for name in about])


ACTIVITY_KINDS = _RegisteredKinds()
ACTIVITY_OBJECT_TYPES = _RegisteredObjectTypes()


def activity_kind_label(value: str) -> str:
    return _kinds.get(value, value)


def activity_kind_check(value: str) -> None:
    if value not in _kinds:
        raise ValueError(f"{value!r} is no registered kind of activity.")


def activity_kind(value: str) -> ActivityKind:
    activity_kind_check(value)
    return _described[value]


def activity_summary_render(*, type: str, actor_name: str, payload: Mapping[str, Any]) -> str:
    return activity_kind(type).summary(actor_name, payload)


def activity_summary_stored(*, type: str, actor_name: str, payload: Mapping[str, Any]) -> str:
    """The prose the log keeps: in English whoever's request recorded it, so that the
    stored log, its searches and the replacing of a deleted person's name read one way."""
    with translation.override("en"):
        return activity_summary_render(type=type, actor_name=actor_name, payload=payload)


def activity_summary_read(*, type: str, actor_name: str, payload: Mapping[str, Any]) -> str:
    """The prose in the language of the moment, rendered again from the facts it was first
    rendered from (the stored English reads the same). A deleted person named "a former
    member" reads so in that language too."""
    former = gettext(FORMER_MEMBER)

    def shown(value: Any) -> Any:
        return former if value == FORMER_MEMBER else value

    text = activity_summary_render(
        type=type,
        actor_name=shown(actor_name),
        payload={key: shown(value) for key, value in payload.items()},
    )
    # A sentence that starts with a name replaced by "a former member" starts with a capital.
    return text[:1].upper() + text[1:] if text.startswith(former) else text
