"""The hall's statistics: /sanh/thong-ke/ and its Excel workbook /sanh/thong-ke/xlsx/."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.page, name="stats"),
    path("xlsx/", views.export, name="stats_xlsx"),
]
