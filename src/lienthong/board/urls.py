"""The digital-transformation board, /ban-chi-dao/: the steering committee's page and monthly report; digital
literacy by unit (a unit's officials, the platform's lists, Excel, reminders); the budget by department and year; the
youth volunteers' visits."""
from django.urls import path

from . import views

app_name = "board"

urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("bao-cao-thang.pdf", views.monthly_report, name="report"),
    path("ky-nang-so/", views.home, name="literacy"),
    path("ky-nang-so/xuat.xlsx", views.export, name="export"),
    path("ky-nang-so/nhap-danh-sach/", views.import_list, name="import"),
    path("ky-nang-so/nhac-nho/", views.remind, name="remind"),
    path("ky-nang-so/don-vi/<slug:slug>/", views.unit, name="unit"),
    path("ky-nang-so/don-vi/<slug:slug>/xuat.xlsx", views.export_unit, name="unit-export"),
    path("ngan-sach/", views.budget_page, name="budget"),
    path("ngan-sach/xuat.xlsx", views.budget_export, name="budget-export"),
    path("ngan-sach/nhap/", views.budget_import, name="budget-import"),
    path("tinh-nguyen/", views.visit_log, name="visits"),
    path("tinh-nguyen/tong-hop/", views.visit_totals, name="visit-totals"),
]
