"""The site shell's routes: sign-in, language, admin; every domain app mounts its own urls."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "Liên thông dữ liệu tàu cá"
admin.site.site_title = "Liên thông dữ liệu tàu cá"

urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(template_name="registration/login.html",
                                                    redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
]
