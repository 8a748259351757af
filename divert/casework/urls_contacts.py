from django.urls import path

from divert.casework import views_contacts as views

urlpatterns = [
    path("people/<int:person_id>/contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/<int:contact_id>/", views.contact_detail, name="contact"),
    path("contacts/<int:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path("people/<int:person_id>/partner-summary/", views.partner_summary, name="partner_summary"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path("outreach/", views.outreach, name="outreach"),
    path("caseloads/", views.caseloads, name="caseloads"),
]
