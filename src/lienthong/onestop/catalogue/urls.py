"""The procedure catalogue for officers: /mot-cua/thu-tuc/ (list, search, detail) and the administrators' import."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.procedures, name="procedures"),
    path("nhap/", views.import_page, name="procedures-import"),
    # By id, not by code: a procedure code ends in a dotted suffix (….000.00.00.H56) that reads as a file extension.
    path("<int:pk>/", views.procedure, name="procedure"),
]
