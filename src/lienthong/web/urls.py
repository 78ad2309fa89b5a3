from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import mapping, views

admin.site.site_header = "Liên thông dữ liệu tàu cá"
admin.site.site_title = "Liên thông dữ liệu tàu cá"

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(template_name="registration/login.html",
                                                    redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("tim-kiem", views.search, name="web-search"),
    path("tim-kiem/goi-y", views.search_suggest, name="web-search-suggest"),
    path("tau/<str:registration_number>/", views.vessel_detail, name="web-vessel"),
    path("nhap-du-lieu/", views.import_page, name="web-import"),
    path("nhap-du-lieu/ghep-cot/", mapping.mapping_page, name="web-import-mapping"),
    path("nhap-du-lieu/<int:pk>/", views.import_detail, name="web-import-detail"),
    path("nhap-du-lieu/<int:pk>/loi.csv", views.import_errors_csv, name="web-import-errors-csv"),
    path("nhat-ky/", views.audit_log, name="web-audit"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
]
