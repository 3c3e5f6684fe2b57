from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from incidents.selectors import public_incidents


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "incidents/home.html", {"published_count": public_incidents().count()})
