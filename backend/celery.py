"""The Celery application: Redis broker in production, in-process (eager) with no broker."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

app = Celery("patchwatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
