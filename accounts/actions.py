"""What a person may do overall, as ``/me/``'s ``actions`` says it.

Each rule lives in the app that owns it (``schemes``, ``watch``, ``notifications``), which
``accounts`` may not import: each registers its actions here from its ``AppConfig.ready``, a
field that documents the answer and a function that works it out from that app's own
permissions and selectors. The frontend reads these instead of recomputing them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rest_framework import serializers

from core import memo


@dataclass(frozen=True)
class MeAction:
    name: str
    # Documents the answer in the schema: a BooleanField, or a list of scheme ids.
    field: Callable[[], serializers.Field]
    # Whether (or where) the person may do it; called with the signed-in user.
    allowed: Callable[[Any], Any]


def yes_no(name: str, help_text: str, allowed: Callable[[Any], bool]) -> MeAction:
    """An action the person may or may not take."""
    return MeAction(name, lambda: serializers.BooleanField(help_text=help_text), allowed)


def scheme_ids(name: str, help_text: str, allowed: Callable[[Any], list[int]]) -> MeAction:
    """An action the person may take in some schemes: their ids."""
    return MeAction(
        name,
        lambda: serializers.ListField(child=serializers.IntegerField(), help_text=help_text),
        allowed,
    )


_actions: dict[str, MeAction] = {}


def me_action_register(action: MeAction) -> None:
    _actions[action.name] = action


def me_actions_registered() -> list[MeAction]:
    return list(_actions.values())


def me_actions(user: Any) -> dict[str, Any]:
    # Several rules ask the same of the database (is the person a coordinator anywhere?):
    # ``memo.remembered`` reads answer each once here.
    with memo.reads():
        return {name: action.allowed(user) for name, action in _actions.items()}
