from django.urls import path

from . import views

app_name = "protocol"

urlpatterns = [
    path("", views.index, name="index"),
    path("current/", views.current, name="current"),
    path("new/", views.new, name="new"),
    path("<int:version>/", views.detail, name="detail"),
    path("<int:version>/edit/", views.edit, name="edit"),
    path("<int:version>/approve/", views.approve, name="approve"),
    path("<int:version>/discard/", views.discard, name="discard"),
    path("<int:version>/diff/", views.diff, name="diff"),
]
