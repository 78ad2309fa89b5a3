"""The citizens' portal (/dich-vu-cong/): procedures, online submission, tracking, supplements."""
from django.urls import path

from lienthong.onestop.indicators import views as indicators

from . import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    # The procedure code last would read as a file name (".H56") to crawlers and the layout check: "nop" ends it.
    path("thu-tuc/<str:code>/nop/", views.submit, name="submit"),
    path("da-nop/<str:code>/", views.submitted, name="submitted"),
    path("tra-cuu/", views.track, name="track"),
    path("tra-cuu/<str:code>/ket-qua.pdf", views.result, name="result"),
    path("danh-gia/", indicators.rate, name="rate"),  # the citizen rates a finished dossier (indicators helper)
]
