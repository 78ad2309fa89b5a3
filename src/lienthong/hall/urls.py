"""The hall's pages under /sanh/: the board (bang/<key>/), the display (man-hinh/<key>/), the counter (quay/),
the phone page of a ticket (ve/<token>/), statistics (thong-ke/)."""
from django.urls import path  # noqa: F401

app_name = "hall"
urlpatterns: list = []
