from django.urls import path

from divert.privacy import views

urlpatterns = [
    path("people/<int:person_id>/releases/new/", views.release_new, name="release_new"),
    path("people/<int:person_id>/disclosures/", views.person_disclosures, name="person_disclosures"),
    path("people/<int:person_id>/disclosures.csv", views.person_disclosures_csv, name="person_disclosures_csv"),
    path("releases/<int:release_id>/", views.release_detail, name="release"),
    path("releases/<int:release_id>/revoke/", views.release_revoke, name="release_revoke"),
    path("releases/<int:release_id>/event/", views.release_event, name="release_event"),
    path("releases/<int:release_id>/signature", views.release_signature, name="release_signature"),
    path("releases/<int:release_id>/scan", views.release_scan, name="release_scan"),
]
