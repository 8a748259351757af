from django.urls import path

from divert.coordination import views_letters as views

urlpatterns = [
    path("people/<int:person_id>/letters/new/", views.letter_new, name="letter_new"),
    path("letters/<int:letter_id>/", views.letter_detail, name="letter"),
    path("letters/<int:letter_id>/edit/", views.letter_edit, name="letter_edit"),
    path("letters/<int:letter_id>/send/", views.letter_send, name="letter_send"),
    path("letters/<int:letter_id>/discard/", views.letter_discard, name="letter_discard"),
    path("letters/<int:letter_id>/letter.pdf", views.letter_pdf, name="letter_pdf"),
]
