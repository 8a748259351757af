from django.urls import path

from divert.coordination import views_owg as views

urlpatterns = [
    path("owg/", views.owg, name="owg"),
    path("owg/settings/", views.owg_settings, name="owg_settings"),
    path("owg/settings/members/", views.owg_member_add, name="owg_member_add"),
    path("owg/settings/members/<int:member_id>/remove/", views.owg_member_remove, name="owg_member_remove"),
    path("owg/schedule/", views.owg_schedule, name="owg_schedule"),
    path("owg/meetings/<int:meeting_id>/", views.owg_meeting, name="owg_meeting"),
    path("owg/meetings/<int:meeting_id>/minutes.pdf", views.owg_meeting_pdf, name="owg_meeting_pdf"),
    path("owg/meetings/<int:meeting_id>/agenda/", views.owg_agenda, name="owg_agenda"),
    path("owg/meetings/<int:meeting_id>/agenda/rebuild/", views.owg_agenda_rebuild, name="owg_agenda_rebuild"),
    path("owg/meetings/<int:meeting_id>/agenda/<int:item_id>/", views.owg_agenda_item, name="owg_agenda_item"),
    path("owg/meetings/<int:meeting_id>/attendance/", views.owg_attendance, name="owg_attendance"),
    path("owg/meetings/<int:meeting_id>/guests/", views.owg_guest_add, name="owg_guest_add"),
    path("owg/meetings/<int:meeting_id>/minutes/", views.owg_minutes, name="owg_minutes"),
    path("owg/meetings/<int:meeting_id>/decisions/", views.owg_decision_add, name="owg_decision_add"),
    path("owg/meetings/<int:meeting_id>/action-items/", views.owg_action_item_add, name="owg_action_item_add"),
    path("owg/meetings/<int:meeting_id>/approve/", views.owg_minutes_approve, name="owg_minutes_approve"),
    path("owg/action-items/<int:action_id>/done/", views.owg_action_item_done, name="owg_action_item_done"),
    path("people/<int:person_id>/owg-flag/", views.owg_flag, name="owg_flag"),
]
