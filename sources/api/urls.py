from django.urls import path

from sources.api import views

urlpatterns = [
    path("sources/", views.SourceList.as_view(), name="source-list"),
    path("sources/<str:public_id>/", views.SourceDetail.as_view(), name="source-detail"),
]
