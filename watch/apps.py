from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "watch"
    verbose_name = "Community Speedwatch"

    def ready(self) -> None:
        # The kinds of event this app records in schemes' activity log.
        from schemes.activity import activity_kinds_register
        from watch.activity_kinds import KINDS
        from watch.models import SpeedwatchActivity

        activity_kinds_register(SpeedwatchActivity, KINDS)

        # Deleting an account asks this app what it holds about the person (accounts may
        # not import it).
        from accounts.deletion import deletion_handler_register
        from watch.account_deletion import handler

        deletion_handler_register(handler)

        # Staff resetting someone's two-factor sign-in goes on the audit log.
        from accounts.two_factor import two_factor_reset
        from watch.services.audit import two_factor_reset_record

        two_factor_reset.connect(two_factor_reset_record, dispatch_uid="watch.two_factor_reset")

        from accounts.personal_data import personal_data_register
        from watch.personal_data import HOLDINGS, SECTIONS

        personal_data_register(app=self.label, holdings=HOLDINGS, sections=SECTIONS)

        # What /me/ says the person may do in speedwatch.
        from accounts.actions import me_action_register
        from watch.me_actions import ACTIONS

        for action in ACTIONS:
            me_action_register(action)

        # Its services queue these by name (core.queueing): registered with Celery here.
        from watch import tasks  # noqa: F401
