from django.http import HttpResponse
from django.urls import path

from huitian.urls import handler404, handler500  # noqa: F401
from huitian.urls import urlpatterns as site


def ping(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ping", ping), *site]
