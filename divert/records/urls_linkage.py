from django.urls import path

from divert.records import views_linkage

urlpatterns = [
    path("records/review/", views_linkage.review, name="records_review"),
    path("records/review/<int:candidate_id>/", views_linkage.review_pair, name="records_review_pair"),
]
