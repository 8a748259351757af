from django.urls import path

from divert.referrals import views

urlpatterns = [
    path("refer/", views.community_referral, name="community_referral"),
    path("refer/thanks/", views.community_referral_thanks, name="community_referral_thanks"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/new/", views.referral_start, name="referral_start"),
    path("referrals/new/<str:door>/", views.referral_new, name="referral_new"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="referral"),
    path("referrals/<int:referral_id>/handoff/", views.handoff_panel, name="handoff_panel"),
    path("referrals/<int:referral_id>/handoff/request/", views.handoff_request, name="handoff_request"),
    path("referrals/<int:referral_id>/handoff/<str:step>/", views.handoff_step, name="handoff_step"),
    path("referrals/<int:referral_id>/decide/", views.referral_decide, name="referral_decide"),
    path("referrals/<int:referral_id>/review/", views.referral_review, name="referral_review"),
    path("referrals/<int:referral_id>/charge/", views.referral_charge, name="referral_charge"),
    path("referrals/<int:referral_id>/extend/", views.referral_extend, name="referral_extend"),
    path("referrals/<int:referral_id>/close/", views.referral_close, name="referral_close"),
    path("referrals/<int:referral_id>/intake/", views.referral_intake, name="referral_intake"),
    path("referrals/<int:referral_id>/matches/<int:match_id>/<str:decision>/", views.match_decide,
         name="match_decide"),
    path("lookup/", views.lookup, name="lookup"),
    path("on-call/", views.on_call, name="on_call"),
    path("on-call/<int:shift_id>/remove/", views.on_call_remove, name="on_call_remove"),
]
