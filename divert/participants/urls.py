from django.urls import path

from divert.participants import views

urlpatterns = [
    path("enrollments/<int:enrollment_id>/status/", views.enrollment_status, name="enrollment_status"),
    path("enrollments/<int:enrollment_id>/assign/", views.enrollment_assign, name="enrollment_assign"),
    path("people/<int:person_id>/merge/", views.person_merge, name="person_merge"),
    path("people/<int:person_id>/photo/", views.person_photo, name="person_photo"),
    path("people/<int:person_id>/photo/edit/", views.person_photo_edit, name="person_photo_edit"),
]
