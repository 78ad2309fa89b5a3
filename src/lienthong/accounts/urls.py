from django.urls import path

from . import views

urlpatterns = [
    path("nhat-ky/", views.audit_log, name="accounts-audit"),
    path("nhat-ky/kiem-tra/", views.audit_verify_now, name="accounts-audit-verify"),
    path("khoa-dang-nhap/", views.lockouts, name="accounts-lockouts"),
    path("khoa-dang-nhap/mo-khoa/", views.lockout_lift, name="accounts-lockout-lift"),
]
