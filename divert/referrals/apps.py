from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "divert.referrals"
    label = "referrals"
