from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "satuatap.accounts"
    label = "accounts"

    def ready(self):
        from satuatap.accounts import throttling
        from satuatap.accounts.services import two_factor

        two_factor.connect_signals()
        throttling.connect_signals()
