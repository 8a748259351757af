from django.urls import path

from divert.outcomes.evaluation import views

urlpatterns = [
    path("evaluation/", views.index, name="evaluation"),
    path("evaluation/run/", views.run, name="evaluation_run"),
    path("evaluation/cohorts/", views.cohorts, name="evaluation_cohorts"),
    path("evaluation/agreements/", views.agreements, name="evaluation_agreements"),
    path("evaluation/extracts/new/", views.extract_new, name="evaluation_extract_new"),
    path("evaluation/extracts/<int:extract_id>/<str:fmt>/", views.extract_download, name="evaluation_extract"),
]
