from django.urls import path

from divert.records import views_events as views

urlpatterns = [
    path("people/<int:person_id>/justice/", views.justice_events, name="justice_events"),
]
