"""Booking a visit online (/sanh/dat-lich/): the services that take bookings, a service's days and times, the
citizen's confirmation page (its token is the secret), and the officers' list of a day's bookings."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.start, name="book_start"),
    path("danh-sach/", views.bookings, name="bookings"),
    path("lich/<str:token>/", views.booked, name="booked"),
    path("<int:pk>/", views.book, name="book"),
]
