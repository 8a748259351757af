from django.urls import include, path

from divert.records import views

urlpatterns = [
    path("records/imports/", views.imports, name="records_imports"),
    path("records/imports/new/", views.import_new, name="records_import_new"),
    path("records/imports/<int:import_id>/", views.import_detail, name="records_import_detail"),
    path("records/imports/<int:import_id>/progress/", views.import_progress, name="records_import_progress"),
    path("records/imports/<int:import_id>/report.csv", views.import_report, name="records_import_report"),
    path("", include("divert.records.urls_events")),
    path("", include("divert.records.urls_linkage")),
]
