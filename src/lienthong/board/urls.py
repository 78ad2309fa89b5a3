"""The digital-transformation board: /ban-chi-dao/ (digital literacy by unit, a unit's officials, the platform's
lists imported, Excel out, reminders; the digital-transformation budget by department and year)."""
from django.urls import path

from . import views

app_name = "board"

urlpatterns = [
    path("", views.home, name="literacy"),
    path("xuat.xlsx", views.export, name="export"),
    path("nhap-danh-sach/", views.import_list, name="import"),
    path("nhac-nho/", views.remind, name="remind"),
    path("don-vi/<slug:slug>/", views.unit, name="unit"),
    path("don-vi/<slug:slug>/xuat.xlsx", views.export_unit, name="unit-export"),
    path("ngan-sach/", views.budget_page, name="budget"),
    path("ngan-sach/xuat.xlsx", views.budget_export, name="budget-export"),
    path("ngan-sach/nhap/", views.budget_import, name="budget-import"),
    path("tinh-nguyen/", views.visit_log, name="visits"),
    path("tinh-nguyen/tong-hop/", views.visit_totals, name="visit-totals"),
]
