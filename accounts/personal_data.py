"""What Patchwatch holds about a person, model by model: how they get a copy of it (the data
export, ``accounts.data_export``) and what deleting their account does to it
(``accounts.deletion``).

Every app declares, from its ``AppConfig.ready``, each of its models that links to a person
or may hold their words or contact details (``Holding``), and the files of the export that
carry its rows (``ExportSection``). ``accounts`` declares its own models and those of the
Django and DRF apps it builds on. ``tests/test_personal_data.py`` walks every installed model
and fails, naming the model, when one that holds personal data has no declaration here; it
then checks each declaration against what the export and the deletion really do.
"""

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import User


class Erasure(enum.Enum):
    """What deleting the person's account does to a model's rows about them."""

    # The rows about the person go with the account.
    DELETED = "deleted"
    # The rows stay (others rely on them); their links to the person are cleared and nothing
    # in them names the person.
    UNLINKED = "unlinked"
    # The rows stay, with the person's name replaced where it was written into them.
    ANONYMISED = "anonymised"
    # The rows stay and still name the person in ``kept_fields``, for the reason given.
    KEPT = "kept"
    # Matches the look of personal data (a ``name`` field, say) but holds none about anyone.
    NOT_PERSONAL = "not personal"


@dataclass(frozen=True)
class Holding:
    """One model's rows about people."""

    model: str  # "app_label.ModelName"
    erasure: Erasure
    why: str  # what the rows are, and why they are erased, kept or not personal
    # The export's files that carry the person's rows of this model.
    export: tuple[str, ...] = ()
    # Fields that still name the person after their account is deleted (KEPT only).
    kept_fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.erasure is Erasure.NOT_PERSONAL) != (not self.export):
            raise ValueError(f"{self.model}: personal data needs an export file, and only it.")
        if bool(self.kept_fields) != (self.erasure is Erasure.KEPT):
            raise ValueError(f"{self.model}: kept_fields go with Erasure.KEPT, and only there.")


Row = Mapping[str, Any]


@dataclass(frozen=True)
class ExportSection:
    """One file of the export (``<name>.csv``, and ``<name>`` in ``data.json``): the rows
    about the person, each with exactly ``columns``."""

    name: str
    description: str  # one line of the export's README.txt
    columns: tuple[str, ...]
    rows: Callable[["User"], Iterable[Row]]


@dataclass(frozen=True)
class _AppDeclaration:
    holdings: tuple[Holding, ...]
    sections: tuple[ExportSection, ...] = field(default=())


_declarations: dict[str, _AppDeclaration] = {}


def personal_data_register(
    *, app: str, holdings: Iterable[Holding], sections: Iterable[ExportSection]
) -> None:
    """Declare (or replace, by app) an app's models holding personal data and its export
    files. Every file a holding names must be declared by some app."""
    _declarations[app] = _AppDeclaration(holdings=tuple(holdings), sections=tuple(sections))


def holdings() -> list[Holding]:
    return [holding for item in _declarations.values() for holding in item.holdings]


def export_sections() -> list[ExportSection]:
    """The export's files, in the order the apps were declared."""
    return [section for item in _declarations.values() for section in item.sections]
