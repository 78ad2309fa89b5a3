"""The officers' dossier list and detail (/mot-cua/ho-so/…): steps, forms 02–06, results."""
from django.urls import path

from . import scans

urlpatterns: list = [
    # Digitised components (onestop.digitising): search by scanned text, the scan and its searchable copy.
    path("tim-theo-noi-dung/", scans.text_search, name="text-search"),
    path("thanh-phan/<int:pk>/ban-quet.pdf", scans.scan_file, name="component-scan"),
    path("thanh-phan/<int:pk>/ban-tim-kiem.pdf", scans.scan_file, {"searchable": True}, name="component-searchable"),
]
