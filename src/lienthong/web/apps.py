from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lienthong.web"
    label = "web"
    verbose_name = "Web"
