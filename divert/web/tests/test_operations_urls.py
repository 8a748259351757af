from django.urls import include, path

from divert.web.tests.test_operations import _boom

urlpatterns = [path("boom/", _boom), path("", include("divert.urls"))]
