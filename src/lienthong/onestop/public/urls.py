"""The citizens' portal (/dich-vu-cong/): procedures, online submission, tracking, supplements."""
from django.urls import path

from lienthong.onestop.indicators import views as indicators

app_name = "public"
urlpatterns: list = [
    path("danh-gia/", indicators.rate, name="rate"),  # the citizen rates a finished dossier (indicators helper)
]
