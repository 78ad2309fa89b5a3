from django.urls import path

from . import views

# The names keep their fleet- prefix: the page searches the fleet, and templates and tests link to it by name.
urlpatterns = [
    path("tim-kiem", views.search, name="fleet-search"),
    path("tim-kiem/goi-y", views.search_suggest, name="fleet-search-suggest"),
]
