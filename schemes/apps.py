from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "schemes"
    verbose_name = "Schemes"

    def ready(self) -> None:
        # The kinds of event this app records in schemes' activity log.
        from schemes.activity import activity_kinds_register
        from schemes.activity_kinds import KINDS
        from schemes.models import ActivityType

        activity_kinds_register(ActivityType, KINDS)

        # Deleting an account asks this app what it holds about the person (accounts may
        # not import it).
        from accounts.deletion import deletion_handler_register
        from schemes.account_deletion import handler

        deletion_handler_register(handler)

        from accounts.personal_data import personal_data_register
        from schemes.personal_data import HOLDINGS, SECTIONS

        personal_data_register(app=self.label, holdings=HOLDINGS, sections=SECTIONS)

        # What /me/ says of a person's memberships (accounts may not import this app).
        from accounts.memberships import MembershipReader, membership_reader_register
        from schemes.selectors import active_memberships_of, coordinated_scheme_ids

        membership_reader_register(
            MembershipReader(
                active_memberships=lambda user: active_memberships_of(user=user),
                coordinated_scheme_ids=lambda user: coordinated_scheme_ids(user=user),
            )
        )

        # What /me/ says the person may do with schemes.
        from accounts.actions import me_action_register
        from schemes.me_actions import ACTIONS

        for action in ACTIONS:
            me_action_register(action)

        # Its services queue these by name (core.queueing): registered with Celery here.
        from schemes import tasks  # noqa: F401
