from django.urls import path

from . import views

urlpatterns = [
    path("", views.desk, name="port-desk"),
    path("khai-bao/", views.declare, name="port-declare"),
    path("khai-bao/<str:token>/", views.receipt, name="port-receipt"),
    path("khai-bao/<str:token>/giay-xuat-ben.pdf", views.clearance_public, name="port-receipt-pdf"),
    path("xac-minh/<str:token>/", views.verify, name="port-verify"),
    path("chuyen/<str:reference>/", views.trip_detail, name="port-trip"),
    path("chuyen/<str:reference>/quyet-dinh/", views.trip_decide, name="port-trip-decide"),
    path("chuyen/<str:reference>/cap-cang/", views.trip_arrival, name="port-trip-arrival"),
    path("chuyen/<str:reference>/giay-xuat-ben.pdf", views.trip_pdf, name="port-trip-pdf"),
    path("chuyen/<str:reference>/hanh-trinh.json", views.trip_track, name="port-trip-track"),
    path("canh-bao/<int:pk>/dong/", views.flag_resolve, name="port-flag-resolve"),
    path("thong-ke/", views.stats, name="port-stats"),
    path("quy-tac/", views.rules, name="port-rules"),
]
