from django.urls import path

from divert.interop import views

urlpatterns = [
    path("hmis/", views.hmis_export, name="hmis_export"),
    path("webhooks/", views.webhook_list, name="webhooks"),
    path("webhooks/<int:endpoint_id>/", views.webhook_detail, name="webhook_detail"),
    path("webhooks/<int:endpoint_id>/toggle/", views.webhook_toggle, name="webhook_toggle"),
    path("webhooks/<int:endpoint_id>/secret/", views.webhook_rotate, name="webhook_rotate"),
]
