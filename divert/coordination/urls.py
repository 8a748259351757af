from django.urls import include, path

urlpatterns = [
    path("", include("divert.coordination.urls_legal")),
    path("", include("divert.coordination.urls_owg")),
    path("", include("divert.coordination.urls_pcg")),
    path("", include("divert.coordination.urls_letters")),
]
