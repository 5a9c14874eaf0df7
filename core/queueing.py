"""Queueing a Celery task from a service, by the task's name.

A task module imports the services it calls, so a service that imported the task it
queues would close a circle. Services name the task instead (every task carries an explicit
``name=``) and find it in the Celery app's registry, into which each app's ``AppConfig.ready``
imports its ``tasks`` module. The task object found is the one ``@shared_task`` made, so
with no broker it runs in-process just as ``task.delay`` would.
"""

from typing import Any

from celery import current_app


def task_queue(name: str, *, kwargs: dict[str, Any], countdown: float | None = None) -> None:
    """Send the task registered under ``name``; raises as ``apply_async`` does when the
    broker cannot be reached, for the caller to decide what that means."""
    task = current_app.tasks[name]
    if countdown is None:
        task.apply_async(kwargs=kwargs)
    else:
        task.apply_async(kwargs=kwargs, countdown=countdown)
