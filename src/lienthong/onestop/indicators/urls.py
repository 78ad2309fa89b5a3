"""Decision 766 indicators: /mot-cua/chi-so/."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="indicators"),
    path("chi-so-766.xlsx", views.export, name="indicators-export"),
]
