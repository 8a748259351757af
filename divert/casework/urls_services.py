from django.urls import path

from divert.casework import views_services as views

urlpatterns = [
    path("services/", views.directory, name="service_directory"),
    path("services/new/", views.provider_edit, name="service_provider_new"),
    path("services/<int:provider_id>/edit/", views.provider_edit, name="service_provider_edit"),
    path("people/<int:person_id>/service-referrals/new/", views.service_referral_new, name="service_referral_new"),
    path("service-referrals/<int:referral_id>/", views.service_referral, name="service_referral"),
    path("people/<int:person_id>/funds/new/", views.expense_new, name="expense_new"),
    path("funds/", views.funds_ledger, name="funds_ledger"),
    path("funds.csv", views.funds_ledger_csv, name="funds_ledger_csv"),
    path("funds/sources/new/", views.funding_source_edit, name="funding_source_new"),
    path("funds/sources/<int:source_id>/edit/", views.funding_source_edit, name="funding_source_edit"),
    path("funds/expenses/<int:expense_id>/", views.expense_decide, name="expense_decide"),
]
