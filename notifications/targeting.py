"""Alerts addressed to named schemes rather than to an area.

An app above this one (surveys) sends some of its messages as alerts to the members of the
schemes it names, whatever their areas overlap. It registers, from its ``AppConfig.ready``,
a function that gives those schemes' ids for such an alert, and None for any other alert;
dispatch asks before matching schemes by area, so every later step (recipients by their
settings, channels, retries, the sweep's second dispatch) is the alerts' own.
"""

from collections.abc import Callable

from notifications.models import Alert

SchemeTargets = Callable[[Alert], list[int] | None]

_targets: list[SchemeTargets] = []


def scheme_targets_register(targets: SchemeTargets) -> None:
    if targets not in _targets:
        _targets.append(targets)


def named_scheme_ids(alert: Alert) -> list[int] | None:
    """The ids of the schemes the alert is addressed to by name, or None when it goes to its
    area's schemes."""
    for targets in _targets:
        scheme_ids = targets(alert)
        if scheme_ids is not None:
            return scheme_ids
    return None
