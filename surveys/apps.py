from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Surveys of members"

    def ready(self) -> None:
        # The kinds of event this app records in the activity log.
        from schemes.activity import activity_kinds_register
        from surveys.activity_kinds import KINDS
        from surveys.models import SurveyActivity

        activity_kinds_register(SurveyActivity, KINDS)

        # A survey's alert goes to the members of the schemes the survey names, not to the
        # schemes its area touches.
        from notifications.targeting import scheme_targets_register
        from surveys.delivery import survey_scheme_ids

        scheme_targets_register(survey_scheme_ids)

        from accounts.deletion import deletion_handler_register
        from surveys.account_deletion import handler

        deletion_handler_register(handler)

        from accounts.personal_data import personal_data_register
        from surveys.personal_data import HOLDINGS, SECTIONS

        personal_data_register(app=self.label, holdings=HOLDINGS, sections=SECTIONS)

        # What /me/ says the person may do with surveys.
        from accounts.actions import me_action_register
        from surveys.me_actions import ACTIONS

        for action in ACTIONS:
            me_action_register(action)
