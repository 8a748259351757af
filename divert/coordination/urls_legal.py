from django.urls import path

from divert.coordination import views_legal as views

urlpatterns = [
    path("coordination/", views.coordination, name="coordination"),
    path("coordination/<int:request_id>/", views.coordination_request, name="coordination_request"),
    path("coordination/<int:request_id>/answer/", views.coordination_answer, name="coordination_answer"),
    path("coordination/<int:request_id>/decide/", views.coordination_decide, name="coordination_decide"),
    path("people/<int:person_id>/legal/new/", views.legal_matter_new, name="legal_matter_new"),
    path("legal/<int:matter_id>/", views.legal_matter, name="legal_matter"),
    path("legal/<int:matter_id>/edit/", views.legal_matter_edit, name="legal_matter_edit"),
    path("legal/<int:matter_id>/charges/new/", views.legal_charge_new, name="legal_charge_new"),
    path("legal/<int:matter_id>/court-dates/new/", views.legal_court_date_new, name="legal_court_date_new"),
    path("legal/<int:matter_id>/disposition/", views.legal_disposition, name="legal_disposition"),
    path("legal/<int:matter_id>/coordinate/", views.coordination_open, name="coordination_open"),
]
