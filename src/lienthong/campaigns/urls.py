from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.board, name="board"),
    path("tao/", views.new, name="new"),
    path("cau-hoi/", views.questions, name="questions"),
    path("cau-hoi/<int:question_pk>/", views.question, name="question"),
    path("cau-hoi/tep.xlsx", views.questions_file, name="questions-file"),
    path("cau-hoi/tai-len/", views.questions_upload, name="questions-upload"),
    path("<int:pk>/", views.campaign, name="campaign"),
    path("<int:pk>/hoi-xa/", views.ask_all, name="ask-all"),
    path("<int:pk>/kiem-tra-trung/", views.check_repeats, name="check-repeats"),
    path("<int:pk>/xuat.<str:fmt>", views.export, name="export"),
    path("<int:pk>/ban-ghi/<int:record_pk>/", views.record, name="record"),
    path("<int:pk>/ban-ghi/<int:record_pk>/kiem-tra/", views.record_check, name="record-check"),
    path("<int:pk>/nguoi/<int:person_pk>/<str:op>/", views.person_act, name="person"),
]
