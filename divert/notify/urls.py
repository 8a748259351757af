from django.urls import path

from divert.notify import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:notification_id>/read/", views.mark_read, name="notification_read"),
    path("read-all/", views.mark_all_read, name="notifications_read_all"),
    path("settings/", views.preferences, name="notification_preferences"),
]
