"""What ``accounts`` holds about a person, and what the Django and DRF apps it builds on hold
(``accounts.personal_data``): the account itself, email changes, API tokens, the account's
own events, admin actions and the responses kept for retried requests."""

from collections.abc import Iterator

from django.contrib.admin.models import LogEntry
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts.models import AccountEvent, EmailChange, User
from accounts.personal_data import Erasure, ExportSection, Holding, Row
from core.models import IdempotencyRecord


def _account(user: User) -> Iterator[Row]:
    liaison = getattr(user, "liaison", None)
    yield {
        "name": user.name,
        "email": user.email,
        "phone": user.phone,
        "postcode": user.postcode,
        "joined_at": user.date_joined,
        "last_signed_in_at": user.last_login,
        "staff": user.is_staff,
        "police_liaison_for": liaison.get_force_display() if liaison else "",
        "police_role_title": liaison.role_title if liaison else "",
    }


def _email_changes(user: User) -> Iterator[Row]:
    for change in EmailChange.objects.filter(user=user).order_by("created_at", "pk"):
        yield {
            "new_email": change.new_email,
            "asked_at": change.created_at,
            "confirmed_at": change.confirmed_at,
        }


def _api_tokens(user: User) -> Iterator[Row]:
    for token in Token.objects.filter(user=user):
        yield {"created_at": token.created}


def _two_factor(user: User) -> Iterator[Row]:
    # What the person set up and when it was last used; never the key or the codes.
    devices = [
        *(("authenticator app", device) for device in TOTPDevice.objects.filter(user=user)),
        *(("recovery codes", device) for device in StaticDevice.objects.filter(user=user)),
    ]
    for kind, device in sorted(devices, key=lambda item: (item[1].created_at, item[0])):
        yield {
            "kind": kind,
            "set_up": device.confirmed,
            "created_at": device.created_at,
            "last_used_at": device.last_used_at,
        }


def _account_activity(user: User) -> Iterator[Row]:
    for event in AccountEvent.objects.filter(user=user).order_by("at", "pk"):
        yield {"what": event.get_type_display(), "at": event.at}


def _admin_actions(user: User) -> Iterator[Row]:
    entries = LogEntry.objects.filter(user=user).select_related("content_type")
    for entry in entries.order_by("action_time", "pk"):
        yield {
            "at": entry.action_time,
            "action": {1: "added", 2: "changed", 3: "deleted"}.get(entry.action_flag, ""),
            "record_type": entry.content_type.name if entry.content_type else "",  # type: ignore[attr-defined]  # the stubs leave LogEntry.content_type untyped
            "record": entry.object_repr,
            "change": entry.get_change_message(),
        }


def _request_keys(user: User) -> Iterator[Row]:
    for record in IdempotencyRecord.objects.filter(user=user).order_by("created_at", "pk"):
        yield {
            "at": record.created_at,
            "method": record.method,
            "path": record.path,
            "response_status": record.response_status,
        }


SECTIONS = [
    ExportSection(
        name="account",
        description="Your account: name, contact details, home postcode, when you joined and "
        "last signed in, and the police force you are a liaison for, if you are one.",
        columns=(
            "name",
            "email",
            "phone",
            "postcode",
            "joined_at",
            "last_signed_in_at",
            "staff",
            "police_liaison_for",
            "police_role_title",
        ),
        rows=_account,
    ),
    ExportSection(
        name="email_changes",
        description="Changes of email address you asked for, and when each was confirmed.",
        columns=("new_email", "asked_at", "confirmed_at"),
        rows=_email_changes,
    ),
    ExportSection(
        name="api_tokens",
        description="When your API token (for apps other than the browser) was made; the "
        "token itself is not included.",
        columns=("created_at",),
        rows=_api_tokens,
    ),
    ExportSection(
        name="two_factor",
        description="Your two-factor sign-in: the authenticator app and recovery codes you set "
        "up, and when each was last used; the key and the codes themselves are not included.",
        columns=("kind", "set_up", "created_at", "last_used_at"),
        rows=_two_factor,
    ),
    ExportSection(
        name="account_activity",
        description="Things done with your account that we record, such as each download of "
        "this data.",
        columns=("what", "at"),
        rows=_account_activity,
    ),
    ExportSection(
        name="admin_actions",
        description="Records you added, changed or deleted in the staff admin (staff only).",
        columns=("at", "action", "record_type", "record", "change"),
        rows=_admin_actions,
    ),
    ExportSection(
        name="request_keys",
        description="Requests your app sent with a retry key, kept for a short while so that "
        "a request sent twice on a poor connection is carried out once.",
        columns=("at", "method", "path", "response_status"),
        rows=_request_keys,
    ),
]

_WITH_ACCOUNT = "Deleted with the account."

HOLDINGS = [
    Holding("accounts.User", Erasure.DELETED, "The account itself.", export=("account",)),
    Holding(
        "accounts.LiaisonProfile",
        Erasure.DELETED,
        "Makes the person a police liaison.",
        export=("account",),
    ),
    Holding("accounts.EmailChange", Erasure.DELETED, _WITH_ACCOUNT, export=("email_changes",)),
    Holding("accounts.AccountEvent", Erasure.DELETED, _WITH_ACCOUNT, export=("account_activity",)),
    Holding("authtoken.Token", Erasure.DELETED, _WITH_ACCOUNT, export=("api_tokens",)),
    Holding("otp_totp.TOTPDevice", Erasure.DELETED, _WITH_ACCOUNT, export=("two_factor",)),
    Holding("otp_static.StaticDevice", Erasure.DELETED, _WITH_ACCOUNT, export=("two_factor",)),
    Holding("admin.LogEntry", Erasure.DELETED, _WITH_ACCOUNT, export=("admin_actions",)),
    Holding(
        "core.IdempotencyRecord",
        Erasure.DELETED,
        "Deleted with the account; other people's stored responses that name the person are "
        "forgotten too.",
        export=("request_keys",),
    ),
    Holding("auth.Group", Erasure.NOT_PERSONAL, "Its name is a group of permissions'."),
    Holding("auth.Permission", Erasure.NOT_PERSONAL, "Its name is a permission's."),
]
