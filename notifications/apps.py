from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Alerts and notices"

    def ready(self) -> None:
        # The kinds of event this app records in schemes' activity log.
        from notifications.activity_kinds import KINDS
        from notifications.models import AlertActivity
        from schemes.activity import activity_kinds_register

        activity_kinds_register(AlertActivity, KINDS)

        # Deleting an account asks this app what it holds about the person (accounts may
        # not import it).
        from accounts.deletion import deletion_handler_register
        from notifications.account_deletion import handler

        deletion_handler_register(handler)

        from accounts.personal_data import personal_data_register
        from notifications.personal_data import HOLDINGS, SECTIONS

        personal_data_register(app=self.label, holdings=HOLDINGS, sections=SECTIONS)

        # Its services queue these by name (core.queueing): registered with Celery here.
        # What /me/ says the person may do with alerts.
        from accounts.actions import me_action_register
        from notifications import tasks  # noqa: F401
        from notifications.me_actions import ACTIONS

        for action in ACTIONS:
            me_action_register(action)
