from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "lienthong.sync"
    label = "sync"
    verbose_name = "Đối soát dân cư"
    default_auto_field = "django.db.models.BigAutoField"
