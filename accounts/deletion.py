"""What deleting an account means for the apps above ``accounts``.

A person's memberships, alerts and speedwatch sessions live in apps that ``accounts`` may not
import. Each of those apps registers a handler here (from its ``AppConfig.ready``) that says
what it holds about a person, may refuse the deletion (a scheme's last coordinator, say), and
removes or anonymises what it holds when the deletion goes ahead. ``accounts.services``
calls them; the handlers hold the rules, this module holds none.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class HeldData:
    """Something an app holds about a person, and what deleting the account does to it."""

    what: str
    count: int
    outcome: str


@dataclass(frozen=True)
class Blocker:
    """A reason the account cannot be deleted yet, and where to put it right."""

    message: str
    link: str
    link_text: str


class AccountDeletionRefused(Exception):
    """Raised by the deletion, or by a handler's ``erase`` that finds a blocker under its
    locks."""

    def __init__(self, blockers: list[Blocker]) -> None:
        super().__init__("; ".join(blocker.message for blocker in blockers))
        self.blockers = blockers


@dataclass(frozen=True)
class DeletionHandler:
    name: str
    held: Callable[["User"], list[HeldData]] = field(default=lambda user: [])
    blockers: Callable[["User"], list[Blocker]] = field(default=lambda user: [])
    # Staff deleting several people at once (the admin): what that would leave without
    # anyone to run it, one line each, given the people's ids.
    protected: Callable[[list[int]], list[str]] = field(default=lambda user_ids: [])
    # Runs inside the deletion's transaction, before the user row is deleted.
    erase: Callable[["User"], None] = field(default=lambda user: None)


_handlers: dict[str, DeletionHandler] = {}


def deletion_handler_register(handler: DeletionHandler) -> None:
    """Register (or replace, by name) an app's handler."""
    _handlers[handler.name] = handler


def deletion_handlers() -> list[DeletionHandler]:
    return list(_handlers.values())
