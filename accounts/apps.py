from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People"

    def ready(self) -> None:
        # What the account (and the Django and DRF apps it builds on) holds about a person,
        # for the data export and the coverage test of account deletion.
        from accounts.account_data import HOLDINGS, SECTIONS
        from accounts.personal_data import personal_data_register

        personal_data_register(app=self.label, holdings=HOLDINGS, sections=SECTIONS)
