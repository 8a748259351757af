from django.urls import path

from divert.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("outcomes/", views.dashboard, name="dashboard"),
    path("outcomes/export/<slug:metric>.csv", views.export_table, name="export"),
    path("outcomes/unit-costs/", views.unit_costs, name="unit_costs"),
    path("outcomes/reports/", views.reports, name="reports"),
    path("outcomes/reports/new/", views.make_report, name="make_report"),
    path("outcomes/reports/<int:report_id>.pdf", views.report_pdf, name="report_pdf"),
    path("impact/", views.impact, name="impact"),
]
