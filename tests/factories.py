"""factory_boy factories for the test suite's data."""

from typing import Any

import factory
from django.utils import timezone

from accounts.forces import PoliceForce
from accounts.models import LiaisonProfile, User
from areas.models import area_fields
from schemes.models import (
    ActivityEvent,
    Membership,
    MembershipRole,
    MembershipStatus,
    Scheme,
    SchemeKind,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance: User, create: bool, results: Any = None) -> None:
        if create:
            instance.save(update_fields=["password"])


class LiaisonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonProfile

    user = factory.SubFactory(UserFactory)
    force = PoliceForce.CAMBRIDGESHIRE
    role_title = "PCSO"


class SchemeFactory(factory.django.DjangoModelFactory):
    """An active circular scheme in Cambridge unless told otherwise.

    Pass ``lat``, ``lon`` and ``radius_m`` (or ``boundary``) to place it; the bounding box is
    derived the same way the services derive it.
    """

    class Meta:
        model = Scheme

    # Not model fields: turned into the area columns in _create.
    lat = 52.2053
    lon = 0.1218
    radius = 1000
    polygon = None
    name = factory.Sequence(lambda n: f"Scheme {n}")
    kind = SchemeKind.NEIGHBOURHOOD
    force = PoliceForce.CAMBRIDGESHIRE
    status = "active"
    description = "Residents looking out for each other."
    contact_name = "Casey Contact"
    contact_email = "contact@example.org"
    contact_phone = "01223 555000"

    @classmethod
    def _create(cls, model_class: type[Scheme], *args: Any, **kwargs: Any) -> Scheme:
        lat = kwargs.pop("lat")
        lon = kwargs.pop("lon")
        radius = kwargs.pop("radius")
        polygon = kwargs.pop("polygon")
        if polygon is not None:
            kwargs.update(area_fields(boundary=polygon))
        else:
            kwargs.update(area_fields(lat=lat, lon=lon, radius_m=radius))
        return super()._create(model_class, *args, **kwargs)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    scheme = factory.SubFactory(SchemeFactory)
    user = factory.SubFactory(UserFactory)
    role = MembershipRole.VOLUNTEER
    status = MembershipStatus.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)


class ActivityEventFactory(factory.django.DjangoModelFactory):
    """An entry as a scheme's log holds it, with its prose given: for tests of who sees which
    entries and how they are filtered and exported. How each kind of event is recorded, its
    prose rendered from its payload, is tested through the services (tests/test_activity.py)."""

    class Meta:
        model = ActivityEvent

    scheme = factory.SubFactory(SchemeFactory)
    type = "scheme_updated"
    actor = None
    actor_name = factory.LazyAttribute(lambda event: event.actor.name if event.actor else "")
    object_type = "scheme"
    object_id = factory.LazyAttribute(lambda event: str(event.scheme.pk))
    force = factory.LazyAttribute(lambda event: event.scheme.force)
    summary = "Something happened."


class SiteFactory(factory.django.DjangoModelFactory):
    """An approved 30 mph site in Haslingfield."""

    class Meta:
        model = "watch.Site"

    scheme = factory.SubFactory(SchemeFactory, kind=SchemeKind.SPEEDWATCH)
    name = factory.Sequence(lambda n: f"Site {n}")
    road_name = "High Street"
    lat = 52.1496
    lon = 0.0561
    speed_limit_mph = 30
    direction = "eastbound"
    status = "approved"
    risk_assessment = factory.LazyFunction(
        lambda: {
            "safe_standing_place": True,
            "clear_view": True,
            "no_obstruction": True,
            "parking_nearby": True,
        }
    )
