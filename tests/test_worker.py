"""Celery for real: a worker process on Redis sends email through an SMTP server."""

import re

import pytest
from rest_framework.test import APIClient

from backend.celery import app as celery_app
from tests.factories import UserFactory
from tests.processes import celery_worker, smtp_server, smtp_worker_environment

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_password_reset_email_is_sent_by_a_real_worker() -> None:
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    UserFactory(email="jo@example.org", name="Jo Bloggs")
    with smtp_server() as (mail, port), celery_worker(smtp_worker_environment(port)):
        response = APIClient().post(
            "/api/v1/auth/password-reset/", {"email": "jo@example.org"}, format="json"
        )
        assert response.status_code == 202
        (message,) = mail.wait_for(1)
    assert message["To"] == "jo@example.org"
    assert message["Subject"] == "Reset your Patchwatch password"
    body = message.get_payload(decode=True).decode()
    assert body.startswith("Hello Jo,")
    assert re.search(r"http://127\.0\.0\.1:8000/reset-password/[\w-]+/[\w-]+", body)
