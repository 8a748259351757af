from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from divert.api.api import api

admin.site.site_header = "Divert administration"
admin.site.site_title = "Divert"
# The admin signs in through the same door as everyone else: lockout and MFA apply.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("divert.web.urls")),
    path("", include("divert.referrals.urls")),
    path("", include("divert.participants.urls")),
    path("", include("divert.privacy.urls")),
    path("", include("divert.casework.urls")),
    path("", include("divert.coordination.urls")),
    path("", include("divert.records.urls")),
    path("", include("divert.interop.urls")),
    path("", include("divert.outcomes.urls")),
    path("", include("divert.outcomes.evaluation.urls")),
    path("protocol/", include("divert.protocol.urls")),
    path("inbox/", include("divert.notify.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("divert.api.urls")),
]
