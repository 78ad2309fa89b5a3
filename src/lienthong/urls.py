from django.urls import include, path

urlpatterns = [
    path("", include("lienthong.web.urls")),
]
