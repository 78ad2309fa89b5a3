from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="sync-dashboard"),
    path("dot/", views.runs, name="sync-runs"),
    path("dot/<int:pk>/", views.run_detail, name="sync-run"),
    path("dot/<int:pk>/tien-do/", views.run_progress, name="sync-run-progress"),
    path("dot/<int:pk>/<str:op>/", views.run_control, name="sync-run-control"),
    path("xet-duyet/", views.review, name="sync-review"),
    path("xet-duyet/<int:pk>/", views.review_decide, name="sync-review-decide"),
    path("xet-duyet/da-quyet-dinh/", views.review_decided, name="sync-review-decided"),
    path("xet-duyet/quyet-dinh/<int:pk>/hoan-tac/", views.review_undo, name="sync-review-undo"),
    path("danh-sach/", views.worklists, name="sync-worklists"),
    path("danh-sach/tat-ca.zip", views.worklists_zip, name="sync-worklists-zip"),
    path("danh-sach/<int:pk>/", views.worklist, name="sync-worklist"),
    path("danh-sach/<int:pk>/tai-len/", views.upload, name="sync-worklist-upload"),
    path("danh-sach/<int:pk>/tep.<str:fmt>", views.worklist_file, name="sync-worklist-file"),
    path("danh-sach/<int:pk>/muc/<int:item_pk>/", views.answer, name="sync-answer"),
    path("cho-duyet/", views.identity_change_list, name="sync-identity-changes"),
    path("cho-duyet/<int:pk>/<str:op>/", views.identity_change_decide, name="sync-identity-change-decide"),
    path("nhac-han/", views.reminders, name="sync-reminders"),
    path("xuat/", views.exports, name="sync-exports"),
    path("xuat/<int:pk>.<str:fmt>", views.export_file, name="sync-export-file"),
]
