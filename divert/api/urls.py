from django.urls import path

from divert.api import views

urlpatterns = [
    path("account/tokens/", views.tokens, name="api_tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="api_token_revoke"),
    path("account/service-tokens/", views.service_tokens, name="api_service_tokens"),
    path("account/service-tokens/<int:token_id>/revoke/", views.service_token_revoke,
         name="api_service_token_revoke"),
]
