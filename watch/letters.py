"""The letters batch: a liaison's pending offences grouped into letters, one per vehicle and
stage (first letter, second letter, police referral), with that vehicle's pending offences
at that stage on it. Printed and merged by ``watch.exports.letters``.

A letter's reference is made from its stage and the id of its earliest offence, so the same
letter downloaded again has the same reference (the force can quote it, and a keeper's reply
can be matched), and two letters never share one: each offence is on one letter only.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from accounts.models import Language
from watch.models import Action, KeeperAddress, Letterhead, Offence
from watch.registrations import display_registration

# The stages that send a letter, in the order a batch is printed, with the code that starts
# their references (CSW-L1-..., CSW-L2-..., CSW-PR-...).
STAGE_CODES = {
    Action.FIRST_LETTER: "L1",
    Action.SECOND_LETTER: "L2",
    Action.POLICE_ACTION: "PR",
}


@dataclass(frozen=True)
class Letter:
    """One letter: a vehicle's pending offences at one stage, earliest first."""

    stage: str
    registration: str
    offences: tuple[Offence, ...]

    @property
    def reference(self) -> str:
        key = self.offences[0].pk.hex[:12].upper()
        return f"CSW-{STAGE_CODES[Action(self.stage)]}-{key[:4]}-{key[4:8]}-{key[8:]}"

    @property
    def registration_shown(self) -> str:
        return display_registration(self.registration)

    def _described(self, field: str) -> str:
        """The vehicle's make, model or colour as last recorded (volunteers may miss it)."""
        return next((getattr(o, field) for o in reversed(self.offences) if getattr(o, field)), "")

    @property
    def make(self) -> str:
        return self._described("make")

    @property
    def model(self) -> str:
        return self._described("model")

    @property
    def colour(self) -> str:
        return self._described("colour")


def letter_languages(letterhead: Letterhead, keeper: KeeperAddress | None) -> tuple[str, ...]:
    """The languages a letter is printed in, in the order they are printed: Welsh and English
    where the force writes bilingually (Welsh first for a force in Wales, as the Welsh Language
    Standards ask, English first elsewhere); otherwise the keeper's own, English where the
    force does not know it."""
    if letterhead.bilingual:
        both = (Language.WELSH.value, Language.ENGLISH.value)
        return both if letterhead.in_wales else both[::-1]
    return ((keeper.language if keeper else "") or Language.ENGLISH.value,)


def letters_from(offences: Iterable[Offence]) -> list[Letter]:
    """Group pending offences into letters: one per registration and stage, printed stage by
    stage, then in the order their first offence was seen."""
    grouped: dict[tuple[str, str], list[Offence]] = {}
    for offence in offences:
        if offence.action in STAGE_CODES:
            grouped.setdefault((offence.action, offence.registration), []).append(offence)
    letters = [
        Letter(
            stage=stage,
            registration=registration,
            offences=tuple(sorted(found, key=lambda o: (o.observed_at, str(o.pk)))),
        )
        for (stage, registration), found in grouped.items()
    ]
    stages = list(STAGE_CODES)
    return sorted(
        letters,
        key=lambda letter: (
            stages.index(Action(letter.stage)),
            letter.offences[0].observed_at,
            letter.registration,
        ),
    )
