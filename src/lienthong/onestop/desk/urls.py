"""The officers' dossier list and detail (/mot-cua/ho-so/…): steps, forms 02–06, results."""
from django.urls import path

from . import scans, views

urlpatterns: list = [
    # Digitised components (onestop.digitising): search by scanned text, the scan and its searchable copy.
    # Before the dossier routes: "<str:code>/" would take "tim-theo-noi-dung/" for a dossier code.
    path("tim-theo-noi-dung/", scans.text_search, name="text-search"),
    path("thanh-phan/<int:pk>/ban-quet.pdf", scans.scan_file, name="component-scan"),
    path("thanh-phan/<int:pk>/ban-tim-kiem.pdf", scans.scan_file, {"searchable": True}, name="component-searchable"),
    path("", views.desk, name="desk"),
    path("xuat-excel/", views.desk_export, name="desk-export"),
    path("so-theo-doi.pdf", views.register_pdf, name="register"),
    path("<str:code>/", views.dossier_detail, name="dossier"),
    path("<str:code>/xu-ly/", views.dossier_act, name="dossier-act"),
    path("<str:code>/phieu-<str:number>.pdf", views.dossier_form, name="dossier-form"),
    path("<str:code>/ket-qua.pdf", views.dossier_result, name="dossier-result"),
]
