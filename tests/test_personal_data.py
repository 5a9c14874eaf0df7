"""Every model holding personal data is declared (``accounts.personal_data``), and each
declaration is true: the person's rows of it reach their data export, and deleting their
account leaves no row that links to them or names them (README, "Your data").

Adding a model with a link to a person, or with a field for a name, contact details or
someone's words, fails ``test_every_model_holding_personal_data_is_declared`` with its name
until its app declares it; the fuller test then needs the person below to hold a row of it.
"""

import io
import json
import re
import zipfile
from collections.abc import Iterable

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import EmailChange, User
from accounts.personal_data import Erasure, Holding, export_sections, holdings
from notifications.models import Notice, Preference, PushSubscription, Reply
from notifications.services import alert_publish
from schemes.models import ActivityType, MembershipRole, Scheme
from schemes.services import activity_record, scheme_status_change
from surveys.services import survey_answer, survey_create, survey_send
from tests.alerts import draft_alert
from tests.factories import PASSWORD, LiaisonFactory, MembershipFactory, SchemeFactory, SiteFactory
from tests.speedwatch import logged_session
from watch.models import Offence, PostedLetter, SessionAmendment, SiteStatusChange

# Field names that hold a person's name, contact details, vehicle or words.
PERSONAL_FIELD = re.compile(
    r"(^|_)(name|email|phone|postcode|registration|notes?|body|message|reason|answer|summary)"
    r"($|_)"
)
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def concrete_models() -> list[type[models.Model]]:
    # Proxy models share their concrete model's table (and its declaration).
    return [model for model in apps.get_models() if not model._meta.proxy]


def user_links(model: type[models.Model]) -> list[models.Field]:
    """The model's own fields that point at a person (foreign key, one-to-one, many-to-many)."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return [
        field
        for field in model._meta.get_fields()
        if field.is_relation
        and not field.auto_created
        and field.concrete
        and field.related_model is user_model
    ]


def looks_personal(model: type[models.Model]) -> bool:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return (
        model is user_model
        or bool(user_links(model))
        or any(
            PERSONAL_FIELD.search(field.name)
            for field in model._meta.concrete_fields
            if not field.is_relation
        )
    )


def label(model: type[models.Model]) -> str:
    return model._meta.label


def test_every_model_holding_personal_data_is_declared() -> None:
    declared = [holding.model for holding in holdings()]
    assert len(declared) == len(set(declared)), "a model is declared twice"
    found = {label(model) for model in concrete_models() if looks_personal(model)}
    undeclared = sorted(found - set(declared))
    assert undeclared == [], (
        f"{undeclared} may hold personal data: declare each in its app's personal_data.py "
        "(how the data export carries it and what deleting an account does to it)."
    )
    stale = sorted(set(declared) - {label(model) for model in concrete_models()})
    assert stale == []


def test_declarations_name_the_exports_files() -> None:
    names = [section.name for section in export_sections()]
    assert len(names) == len(set(names))
    named = {name for holding in holdings() for name in holding.export}
    assert sorted(named - set(names)) == []
    # And every file carries some declared model's rows.
    assert sorted(set(names) - named) == []


# --- One person with a row in every declared model ----------------------------------------

NAME = "Zebedee Quillfeather"
EMAIL = "zebedee.quillfeather@example.org"
PHONE = "07700 900777"


def signed_in(user: User) -> APIClient:
    client = APIClient()
    response = client.post("/api/v1/auth/login/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.json()
    return client


SURVEY = {
    "title": "Speedwatch survey",
    "questions": [{"kind": "text", "text": "What should change?"}],
}


@pytest.fixture
def person(db, django_capture_on_commit_callbacks) -> User:
    """A police liaison (and staff member) who also coordinates a speedwatch scheme, volunteers,
    proposes, approves and sends alerts: someone with a row in every declared model."""
    subject = LiaisonFactory(
        user__name=NAME, user__email=EMAIL, user__phone=PHONE, user__is_staff=True
    ).user
    client = signed_in(subject)

    # Speedwatch: coordinator beside another, with a site, a session, an offence, a
    # correction, a search by registration.
    speedwatch = SchemeFactory(name="Barton Speedwatch", kind="speedwatch")
    MembershipFactory(scheme=speedwatch, user=subject, role=MembershipRole.COORDINATOR)
    other = MembershipFactory(
        scheme=speedwatch, role=MembershipRole.COORDINATOR, user__name="Robin Other"
    ).user
    third = MembershipFactory(scheme=speedwatch, user__name="Sky Third").user
    site = SiteFactory(scheme=speedwatch, proposed_by=subject, decided_by=subject)
    SiteStatusChange.objects.create(site=site, actor=subject, to_status="approved", reason="Safe")
    session = logged_session(site, [subject, other, third], offences=[("AB12CDE", 41)])
    Offence.objects.filter(session=session).update(action_updated_by=subject)
    offence = Offence.objects.get(session=session)
    PostedLetter.objects.create(
        reference="CSW-L1-0000-0000-0042",
        force=offence.force,
        registration=offence.registration,
        stage=offence.action,
        first_observed_at=offence.observed_at,
        postage="second",
        posted_by=subject,
        posted_at=timezone.now(),
    ).offences.set([offence])
    SessionAmendment.objects.create(
        session=session, actor=subject, reason="Miscounted", changes={"vehicles_counted": [1, 2]}
    )
    assert client.get("/api/v1/speedwatch/offences/", {"registration": "AB12CDE"}).status_code
    activity_record(
        scheme=speedwatch,
        type=ActivityType.ROLE_CHANGED,
        actor=other,
        object_id=speedwatch.memberships.get(user=subject).pk,
        payload={"member": NAME, "from_role": "volunteer", "role": "coordinator"},
    )

    # Schemes: a proposal waiting, a scheme showing them as its contact, a request to join
    # (sent with a retry key) and its approval, a status change they made as liaison.
    SchemeFactory(name="Comberton Watch", status="proposed", proposed_by=subject)
    SchemeFactory(name="Coton Watch", contact_name=NAME, contact_email=EMAIL, contact_phone=PHONE)
    elsewhere = SchemeFactory(name="Grantchester Watch")
    deciding = MembershipFactory(scheme=elsewhere, role=MembershipRole.COORDINATOR).user
    joined = client.post(f"/api/v1/schemes/{elsewhere.pk}/join/", {}, HTTP_IDEMPOTENCY_KEY="join-1")
    assert joined.status_code == 201
    # The coordinator's approval, kept for a retry, names the person too.
    approved = signed_in(deciding).post(
        f"/api/v1/schemes/{elsewhere.pk}/members/{joined.json()['id']}/approve/",
        {},
        HTTP_IDEMPOTENCY_KEY="approve-1",
    )
    assert approved.status_code == 200, approved.json()
    scheme_status_change(
        scheme=elsewhere, actor=subject, to_status="suspended", reason="Checks due"
    )

    # Alerts: one sent, one drafted, one received and replied to, an
    # answer given to someone else's reply, settings and a device.
    with django_capture_on_commit_callbacks(execute=True):
        sent = draft_alert(subject, title="Tools stolen from sheds")
        alert_publish(alert=sent, actor=subject)
    draft_alert(subject, title="Unfinished draft")
    received = draft_alert(LiaisonFactory().user, title="Bogus callers in Barton")
    alert_publish(alert=received, actor=received.issuer)
    Notice.objects.get_or_create(alert=received, recipient=subject, channel="in_app")
    reply = client.post(f"/api/v1/alerts/{received.pk}/replies/", {"body": "Two men in a van"})
    assert reply.status_code == 201, reply.json()
    Reply.objects.create(
        alert=sent,
        author=other,
        body="Seen one",
        answer="Thanks",
        answered_by=subject,
        answered_at=timezone.now(),
    )
    Preference.objects.create(user=subject, channels=["email"])
    PushSubscription.objects.create(
        user=subject, endpoint="https://push.example.org/z", p256dh="k", auth="a"
    )

    # Surveys: one they sent to the speedwatch scheme as liaison, one they answered there.
    with django_capture_on_commit_callbacks(execute=True):
        asked = survey_create(author=subject, data=SURVEY | {"schemes": [speedwatch.pk]})
        survey_send(survey=asked, actor=subject)
        theirs = survey_create(author=other, data=SURVEY | {"schemes": [speedwatch.pk]})
        survey_send(survey=theirs, actor=other)
    question = theirs.questions.get()
    survey_answer(survey=theirs, member=subject, answers={str(question.pk): "Slower traffic"})

    # The account: an email change waiting, an API token, an admin action.
    EmailChange.objects.create(user=subject, new_email="zq@example.net")
    Token.objects.create(user=subject)
    # Two-factor sign-in, started but not finished (so the password alone still signs in):
    # an authenticator app and recovery codes.
    TOTPDevice.objects.create(user=subject, name="Phone", confirmed=False)
    StaticDevice.objects.create(user=subject, name="Recovery codes", confirmed=False)
    LogEntry.objects.create(
        user=subject,
        content_type=ContentType.objects.get_for_model(Scheme),
        object_id=str(speedwatch.pk),
        object_repr=speedwatch.name,
        action_flag=CHANGE,
        change_message="[]",
    )
    return subject


def linked_rows(holding: Holding, person: User) -> dict[str, set]:
    """The primary keys of the holding's rows that point at the person, by field."""
    model = apps.get_model(holding.model)
    if model is User:
        return {"pk": {person.pk}}
    return {
        field.name: set(model.objects.filter(**{field.name: person}).values_list("pk", flat=True))
        for field in user_links(model)
    }


def texts(row: models.Model, skip: Iterable[str]) -> Iterable[tuple[str, str]]:
    for field in row._meta.concrete_fields:
        if isinstance(field, TEXT_FIELDS) and field.name not in skip:
            value = getattr(row, field.attname)
            yield field.name, value if isinstance(value, str) else json.dumps(value)


def test_export_and_deletion_cover_every_declared_model(
    person: User, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(person)
    response = client.get("/api/v1/me/export/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    exported = json.loads(archive.read("data.json"))
    personal = [holding for holding in holdings() if holding.erasure is not Erasure.NOT_PERSONAL]

    before = {holding.model: linked_rows(holding, person) for holding in personal}
    missing = [model for model, rows in before.items() if not any(rows.values())]
    assert missing == [], f"give the person in this test a row of {missing}"
    empty = [
        (holding.model, name)
        for holding in personal
        for name in holding.export
        if not exported[name] or f"{name}.csv" not in archive.namelist()
    ]
    assert empty == [], f"the export carries none of the person's rows of {empty}"

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/api/v1/me/deletion/", {"password": PASSWORD}).status_code == 204
    assert not User.objects.filter(pk=person.pk).exists()

    kept_fields = {holding.model: holding.kept_fields for holding in personal}
    naming = []
    for holding in personal:
        model = apps.get_model(holding.model)
        # No row of a declared model names the person, outside the fields declared kept.
        for row in model.objects.all():
            for field, value in texts(row, skip=kept_fields[holding.model]):
                naming += [
                    (holding.model, row.pk, field) for term in (NAME, EMAIL, PHONE) if term in value
                ]
        rows = before[holding.model]
        still = {
            name: set(model.objects.filter(pk__in=pks).values_list("pk", flat=True))
            for name, pks in rows.items()
        }
        if holding.erasure is Erasure.DELETED:
            # The rows that belong to the person (deleted with them) are gone; rows they only
            # acted on (a request they decided) may stay, without the link.
            owned = [
                name
                for name in rows
                if name == "pk"
                or model._meta.get_field(name).remote_field.on_delete is models.CASCADE
                or model._meta.get_field(name).many_to_many
            ]
            assert [(holding.model, name) for name in owned if still[name]] == []
        else:
            assert any(still.values()), f"{holding.model} is declared kept, but its rows went"
        for field in holding.kept_fields:
            kept = model.objects.filter(pk__in=set().union(*rows.values()))
            assert {getattr(row, field) for row in kept} == {NAME}
    assert naming == [], f"rows still name the person after deletion: {naming}"
