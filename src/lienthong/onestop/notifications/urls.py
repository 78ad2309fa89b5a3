"""The notices sent to citizens (/mot-cua/thong-bao/), in the "onestop" namespace."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.notifications, name="notifications"),
]
