"""The one-stop centre's officer pages, under /mot-cua/ (the citizens' portal is public/urls.py, /dich-vu-cong/).
Each area keeps its own url module; their names share the "onestop" namespace."""
from django.urls import include, path

app_name = "onestop"

urlpatterns = [
    path("tiep-nhan/", include("lienthong.onestop.counter.urls")),
    path("ho-so/", include("lienthong.onestop.desk.urls")),
    path("chi-so/", include("lienthong.onestop.indicators.urls")),
    path("cong-quoc-gia/", include("lienthong.onestop.nationalsync.urls")),
    path("thu-tuc/", include("lienthong.onestop.catalogue.urls")),
    path("thong-bao/", include("lienthong.onestop.notifications.urls")),
]
