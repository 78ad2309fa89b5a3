"""The citizens' portal (/dich-vu-cong/): procedures, online submission, tracking, supplements."""
app_name = "public"
urlpatterns: list = []
