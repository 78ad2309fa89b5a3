"""The procedure catalogue for officers: /mot-cua/thu-tuc/ (list, search, detail) and the administrators' import."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.procedures, name="procedures"),
    path("nhap/", views.import_page, name="procedures-import"),
    path("<str:code>/", views.procedure, name="procedure"),
]
