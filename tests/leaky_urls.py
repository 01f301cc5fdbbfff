"""A URL configuration with deliberately unscoped views, to prove the matrix catches them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from satuatap.organizations.models import Unit
from satuatap.urls import urlpatterns as real_patterns


@login_required
def leak_list(request):
    return HttpResponse(", ".join(Unit.objects.values_list("name", flat=True)))


@login_required
def leak_detail(request, pk):
    return HttpResponse(Unit.objects.get(pk=pk).name)


urlpatterns = [
    *real_patterns,
    path("leak/", leak_list, name="leak_list"),
    path("leak/<int:pk>/", leak_detail, name="leak_detail"),
]
