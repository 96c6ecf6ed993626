"""The project's URLs plus one page nobody added to the access matrix."""

from django.http import HttpResponse
from django.urls import path

from mehman.urls import urlpatterns as project_urlpatterns


def unlisted(request):
    return HttpResponse("forgotten")


urlpatterns = [*project_urlpatterns, path("unlisted/", unlisted, name="unlisted-page")]
