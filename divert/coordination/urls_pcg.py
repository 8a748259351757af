"""The Policy Coordinating Group pages, under /pcg/."""

from django.urls import path

from divert.coordination import views_pcg as views

urlpatterns = [
    path("pcg/", views.index, name="pcg"),
    path("pcg/members/", views.members, name="pcg_members"),
    path("pcg/rules/", views.rules, name="pcg_rules"),
    path("pcg/members/<int:member_id>/", views.member, name="pcg_member"),
    path("pcg/members/<int:member_id>/representatives/", views.representative_add, name="pcg_representative_add"),
    path("pcg/representatives/<int:representative_id>/remove/", views.representative_remove,
         name="pcg_representative_remove"),
    path("pcg/meetings/", views.meetings, name="pcg_meetings"),
    path("pcg/meetings/new/", views.meeting_new, name="pcg_meeting_new"),
    path("pcg/meetings/<int:meeting_id>/", views.meeting, name="pcg_meeting"),
    path("pcg/meetings/<int:meeting_id>/edit/", views.meeting_edit, name="pcg_meeting_edit"),
    path("pcg/meetings/<int:meeting_id>/attendance/", views.attendance, name="pcg_attendance"),
    path("pcg/meetings/<int:meeting_id>/minutes/approve/", views.minutes_approve, name="pcg_minutes_approve"),
    path("pcg/meetings/<int:meeting_id>/minutes.pdf", views.minutes_pdf, name="pcg_minutes_pdf"),
    path("pcg/meetings/<int:meeting_id>/decisions/new/", views.decision_new, name="pcg_decision_new"),
    path("pcg/decisions/<int:decision_id>/", views.decision, name="pcg_decision"),
    path("pcg/documents/", views.documents, name="pcg_documents"),
    path("pcg/documents/<int:document_id>/", views.document, name="pcg_document"),
    path("pcg/documents/versions/<int:version_id>/file", views.document_file, name="pcg_document_file"),
    path("pcg/agreements/", views.agreements, name="pcg_agreements"),
    path("pcg/agreements/<int:agreement_id>/", views.agreement, name="pcg_agreement"),
    path("pcg/agreements/<int:agreement_id>/edit/", views.agreement_edit, name="pcg_agreement_edit"),
    path("pcg/agreements/<int:agreement_id>/parties/", views.party_add, name="pcg_party_add"),
    path("pcg/agreements/<int:agreement_id>/signatories/", views.signatory_add, name="pcg_signatory_add"),
]
