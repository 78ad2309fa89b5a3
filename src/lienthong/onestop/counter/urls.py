"""Intake at the counter: /mot-cua/tiep-nhan/ (the QR scan, verification, prefill, receipt form 01)."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.counter, name="counter"),
    path("thu-tuc/", views.procedures, name="counter-procedures"),
    path("thanh-phan/", views.components, name="counter-components"),
    path("<str:code>/giay-tiep-nhan.pdf", views.receipt, name="receipt"),
]
