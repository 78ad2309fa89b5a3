"""The hall display (no login: the device's key is in the address): the page, its event stream, the spoken calls."""
from django.urls import path

from . import views

urlpatterns = [
    path("am-thanh/chuong.wav", views.chime, name="display_chime"),
    path("am-thanh/<int:event_id>.wav", views.audio, name="display_audio"),
    path("<str:key>/", views.display, name="display"),
    path("<str:key>/su-kien/", views.events, name="display_events"),
]
