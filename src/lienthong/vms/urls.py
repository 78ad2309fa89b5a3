from django.urls import path

from . import views

app_name = "vms"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("canh-bao/<int:pk>/", views.alert, name="alert"),
    path("canh-bao/<int:pk>/<str:op>/", views.alert_act, name="alert-act"),
    path("tau/<str:registration_number>/", views.vessel, name="vessel"),
    path("ban-do/", views.map_page, name="map"),
    path("ban-do/du-lieu.json", views.map_data, name="map-data"),
    path("vung/", views.zones, name="zones"),
    path("nap-vi-tri/", views.upload, name="upload"),
]
