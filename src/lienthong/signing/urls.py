from django.urls import path

from . import views

urlpatterns = [
    path("", views.verify, name="signing-verify"),
    path("<str:code>/", views.verify, name="signing-verify-code"),
]
