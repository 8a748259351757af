from django.urls import path

from divert.casework import views_assessment as views

urlpatterns = [
    path("people/<int:person_id>/assessments/new/", views.assessment_new, name="assessment_new"),
    path("assessments/<int:assessment_id>/", views.assessment, name="assessment"),
    path("people/<int:person_id>/monthly-status/", views.monthly_status, name="monthly_status"),
    path("people/<int:person_id>/plan/", views.person_plan, name="person_plan"),
    path("people/<int:person_id>/plan/goals/new/", views.goal_add, name="goal_add"),
    path("goals/<int:goal_id>/status/", views.goal_status, name="goal_status"),
    path("goals/<int:goal_id>/steps/", views.goal_step_add, name="goal_step_add"),
    path("goals/<int:goal_id>/steps/<int:step_id>/done/", views.goal_step_done, name="goal_step_done"),
    path("goals/<int:goal_id>/notes/", views.goal_note_add, name="goal_note_add"),
    path("instruments/", views.instrument_list, name="instrument_list"),
    path("instruments/<int:instrument_id>/", views.instrument_detail, name="instrument_detail"),
    path("instruments/<int:instrument_id>/copy/", views.instrument_copy, name="instrument_copy"),
    path("instruments/<int:instrument_id>/publish/", views.instrument_publish, name="instrument_publish"),
    path("instruments/<int:instrument_id>/sections/new/", views.instrument_section, name="instrument_section_add"),
    path("instruments/<int:instrument_id>/sections/<int:section_id>/", views.instrument_section,
         name="instrument_section_edit"),
    path("instruments/<int:instrument_id>/questions/new/", views.instrument_question,
         name="instrument_question_add"),
    path("instruments/<int:instrument_id>/questions/<int:question_id>/", views.instrument_question,
         name="instrument_question_edit"),
]
