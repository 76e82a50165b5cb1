from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gradewell.accounts"
    label = "accounts"
