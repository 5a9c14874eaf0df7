"""A retried request with the same Idempotency-Key never creates a duplicate."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from core.idempotency import idempotency_records_purge
from core.models import IdempotencyRecord
from schemes.models import ActivityEvent, Membership, Scheme
from tests.factories import UserFactory

SCHEMES = "/api/v1/schemes/"
PROPOSAL = {
    "name": "Soham Neighbourhood Watch",
    "kind": "neighbourhood",
    "force": "cambridgeshire",
    "lat": 52.334,
    "lon": 0.336,
    "radius_m": 1200,
}


@pytest.mark.django_db
def test_retried_proposal_returns_the_first_result(client_for, stranger) -> None:
    client = client_for(stranger)
    first = client.post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="4f1c-retry")
    second = client.post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="4f1c-retry")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Scheme.objects.count() == 1
    assert ActivityEvent.objects.filter(type="scheme_proposed").count() == 1


@pytest.mark.django_db
def test_a_new_key_creates_a_new_scheme(client_for, stranger) -> None:
    client = client_for(stranger)
    client.post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="one")
    client.post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="two")
    assert Scheme.objects.count() == 2


@pytest.mark.django_db
def test_reusing_a_key_for_a_different_request_is_refused(client_for, stranger) -> None:
    client = client_for(stranger)
    client.post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="same")
    response = client.post(
        SCHEMES, {**PROPOSAL, "name": "Another"}, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert response.status_code == 422
    assert response.json() == {
        "Idempotency-Key": ["This key was already used for a different request."]
    }
    assert Scheme.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_request_is_not_remembered(client_for, stranger) -> None:
    client = client_for(stranger)
    bad = client.post(SCHEMES, {**PROPOSAL, "kind": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert bad.status_code == 400
    good = client.post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert good.status_code == 201


@pytest.mark.django_db
def test_keys_belong_to_one_user(client_for, stranger) -> None:
    client_for(stranger).post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    other = client_for(UserFactory()).post(
        SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )
    assert other.status_code == 201
    assert "Idempotent-Replayed" not in other
    assert Scheme.objects.count() == 2


@pytest.mark.django_db
def test_retried_join_request(client_for, scheme, stranger) -> None:
    client = client_for(stranger)
    url = f"{SCHEMES}{scheme.pk}/join/"
    first = client.post(url, {"message": "hi"}, format="json", HTTP_IDEMPOTENCY_KEY="join-1")
    second = client.post(url, {"message": "hi"}, format="json", HTTP_IDEMPOTENCY_KEY="join-1")
    assert second.json() == first.json()
    assert Membership.objects.filter(user=stranger).count() == 1


@pytest.mark.django_db
def test_old_records_are_purged(client_for, stranger, settings) -> None:
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    client_for(stranger).post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="old")
    client_for(stranger).post(
        SCHEMES, {**PROPOSAL, "name": "B"}, format="json", HTTP_IDEMPOTENCY_KEY="new"
    )
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    assert idempotency_records_purge() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_one_scheme() -> None:
    """Two copies of the same request racing on separate connections (a phone that
    retried before the first answer came back) still make one scheme."""
    user = UserFactory()
    barrier = threading.Barrier(4)
    responses = []

    def send() -> None:
        client = APIClient()
        client.force_login(user)
        barrier.wait()
        try:
            responses.append(
                client.post(SCHEMES, PROPOSAL, format="json", HTTP_IDEMPOTENCY_KEY="race")
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in responses) == [201, 201, 201, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert Scheme.objects.count() == 1
