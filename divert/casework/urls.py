from django.urls import include, path

urlpatterns = [
    path("", include("divert.casework.urls_contacts")),
    path("", include("divert.casework.urls_assessment")),
    path("", include("divert.casework.urls_services")),
]
