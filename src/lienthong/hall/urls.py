"""The hall's pages under /sanh/: the board (bang/<key>/), the counter (quay/), the display (man-hinh/<key>/), the
phone page of a ticket (ve/<token>/), statistics (thong-ke/), booking a visit online (dat-lich/). Each part's pages are in its own package."""
from django.urls import include, path

app_name = "hall"
urlpatterns = [
    path("bang/", include("lienthong.hall.kiosk.urls")),
    path("quay/", include("lienthong.hall.counters.urls")),
    path("man-hinh/", include("lienthong.hall.display.urls")),
    path("ve/", include("lienthong.hall.phone.urls")),
    path("thong-ke/", include("lienthong.hall.stats.urls")),
    path("dat-lich/", include("lienthong.hall.online.urls")),
]
