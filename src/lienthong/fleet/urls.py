from django.urls import path

from . import list_views, mapping_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("danh-sach-tau/", list_views.vessel_list, name="fleet-vessels"),
    path("danh-sach-tau/excel", list_views.vessel_list_export, name="fleet-vessels-export"),
    path("tau/<str:registration_number>/", views.vessel_detail, name="fleet-vessel"),
    path("nhap-du-lieu/", views.import_page, name="fleet-import"),
    path("nhap-du-lieu/ghep-cot/", mapping_views.mapping_page, name="fleet-import-mapping"),
    path("nhap-du-lieu/<int:pk>/", views.import_detail, name="fleet-import-detail"),
    path("nhap-du-lieu/<int:pk>/tien-do/", views.import_progress, name="fleet-import-progress"),
    path("nhap-du-lieu/<int:pk>/loi.csv", views.import_errors_csv, name="fleet-import-errors-csv"),
]
