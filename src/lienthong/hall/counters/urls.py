"""The officer's counter under /sanh/quay/ (names in the "hall" namespace)."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.counter, name="counter"),
    path("bang-lam-viec/", views.work, name="counter_work"),
    path("mo/", views.open_counter, name="counter_open"),
    path("dong/", views.close_counter, name="counter_close"),
    path("goi-tiep/", views.call_next, name="counter_call"),
    path("ve/<int:pk>/chuyen/", views.transfer, name="counter_transfer"),
    path("ve/<int:pk>/tiep-nhan/", views.receive_dossier, name="counter_intake"),
    path("ve/<int:pk>/danh-gia/", views.rate, name="counter_rate"),
    path("ve/<int:pk>/<slug:action>/", views.ticket_action, name="counter_action"),
    path("may-danh-gia/", views.tablet, name="counter_tablet"),
    path("may-danh-gia/trang-thai/", views.tablet_state, name="counter_tablet_state"),
]
