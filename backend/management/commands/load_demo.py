"""Load a demo of Patchwatch in Cambridgeshire and Peterborough, with a neighbouring force:
each app's demo in turn, people and schemes first, then the speedwatch season and the
alerts and surveys that build on them.

Safe to run again: each app's demo finds what it made before, so a second run adds nothing
twice.
"""

from base64 import b32encode
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from notifications import demo as alerts_demo
from schemes import demo as schemes_demo
from schemes.demo import DEMO_AUTHENTICATOR_KEY, DEMO_PASSWORD, PEOPLE
from schemes.models import Membership, Scheme
from surveys import demo as surveys_demo
from watch import demo as speedwatch_demo


class Command(BaseCommand):
    help = "Load the Cambridgeshire and Peterborough demo (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            people, created = schemes_demo.load()
            speedwatch_demo.load(people)
            speedwatch_demo.load_letterheads()
            alerts_demo.load(people)
            surveys_demo.load(people)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {created} new schemes, {Scheme.objects.count()} in all."
            )
        )
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        width = max(len(person.email) for person in PEOPLE)
        for person in PEOPLE:
            self.stdout.write(f"  {person.email.ljust(width)}  {person.role}")
        pending = Membership.objects.filter(status="pending").count()
        self.stdout.write(f"  ({pending} join requests are waiting for coordinators.)")
        if settings.OTP_REQUIRED_FOR_POLICE:
            secret = b32encode(DEMO_AUTHENTICATOR_KEY).decode()
            grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
            self.stdout.write("")
            self.stdout.write(
                "Liaisons and staff sign in with a code from an authenticator app too. Add this "
                f"key to one (any TOTP app, or `oathtool --totp -b {secret}`): {grouped}"
                " - or run `make demo-code` in another terminal for the current code."
            )
