"""The site shell's routes: sign-in, language, admin; every domain app mounts its own urls."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import include, path

admin.site.site_header = "Liên thông dữ liệu"
admin.site.site_title = "Liên thông dữ liệu"



def admin_login(request):
    """The admin's sign-in is the site's own: a signed-in officer without admin rights gets the 403 page, not
    Django's second login form that invites them to try someone else's password."""
    target = request.GET.get("next") or "/quan-tri/"
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    if not (request.user.is_active and request.user.is_staff):
        raise PermissionDenied
    return redirect(target if target.startswith("/") and not target.startswith("//") else "/quan-tri/")


urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(template_name="registration/login.html",
                                                    redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/login/", admin_login),  # before the admin's own login view, which it replaces
    path("quan-tri/", admin.site.urls),
]
