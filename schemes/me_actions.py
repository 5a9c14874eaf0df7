"""What ``/me/`` says a person may do with schemes (``accounts.actions``), each from the rule
in ``schemes.permissions`` or ``schemes.selectors``."""

from accounts.actions import yes_no
from schemes import permissions, selectors

ACTIONS = [
    yes_no(
        "propose_scheme",
        "Propose a new scheme.",
        permissions.can_propose_scheme,
    ),
    yes_no(
        "review_schemes",
        "Review the proposed schemes of their force area (a police liaison).",
        permissions.can_review_schemes,
    ),
    yes_no(
        "review_activity",
        "Read what happened in the schemes they coordinate or cover.",
        lambda user: selectors.may_review_activity(user=user),
    ),
    # The join requests queue is the activity log's audience: coordinators and liaisons.
    yes_no(
        "decide_join_requests",
        "Decide on requests to join the schemes they coordinate or cover.",
        lambda user: selectors.may_review_activity(user=user),
    ),
    yes_no(
        "import_neighbourhoods",
        "Import their force's policing neighbourhood boundaries (a liaison, or staff).",
        permissions.can_import_neighbourhoods,
    ),
]
