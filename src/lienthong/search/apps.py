from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "lienthong.search"
    label = "search"
    verbose_name = "Search"
