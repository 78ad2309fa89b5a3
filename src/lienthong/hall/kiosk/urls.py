"""The electronic board (kiosk) under /sanh/bang/: the board by its device key, its figures, taking a ticket,
checking in an appointment, the ticket page; and the staff's page of the boards' printers."""
from django.urls import path

from . import views

urlpatterns = [
    # Before <key>/: staff pages (a device key is random, never "thiet-bi").
    path("thiet-bi/", views.devices, name="kiosk_devices"),
    path("thiet-bi/in-lai/<int:pk>/", views.reprint, name="kiosk_reprint"),
    path("thiet-bi/kiem-tra/<int:pk>/", views.check_device, name="kiosk_check_printer"),
    path("<str:key>/", views.board, name="kiosk"),
    path("<str:key>/hang-cho.json", views.counts, name="kiosk_counts"),
    path("<str:key>/ve/", views.take, name="kiosk_take"),
    path("<str:key>/hen/", views.check_in, name="kiosk_check_in"),
    path("<str:key>/ve/<str:token>/", views.ticket, name="kiosk_ticket"),
]
