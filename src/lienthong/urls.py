from django.urls import include, path

from lienthong.api.v1 import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("cang/", include("lienthong.port.urls")),
    path("doi-soat/", include("lienthong.sync.urls")),
    path("so-dang-ky/", include("lienthong.campaigns.urls")),
    path("giam-sat/", include("lienthong.vms.urls")),
    path("ban-chi-dao/", include("lienthong.board.urls")),
    path("mot-cua/", include("lienthong.onestop.urls")),
    path("dich-vu-cong/", include("lienthong.onestop.public.urls")),
    path("xac-minh/", include("lienthong.signing.urls")),
    path("sanh/", include("lienthong.hall.urls")),
    path("", include("lienthong.web.urls")),
    path("", include("lienthong.accounts.urls")),
    path("", include("lienthong.search.urls")),
    path("", include("lienthong.fleet.urls")),
]
