"""A ticket's phone page (no login: the token from the ticket's QR is the secret) and its status as JSON."""
from django.urls import path

from . import views

urlpatterns = [
    path("<str:token>/", views.phone, name="phone"),
    path("<str:token>/trang-thai.json", views.status, name="phone_status"),
]
