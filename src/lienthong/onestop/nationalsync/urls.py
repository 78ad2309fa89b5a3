"""The national portal's reconciliation: /mot-cua/cong-quoc-gia/ (dossiers whose state there differs from ours,
the outbox's backlog, "push again")."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.reconcile, name="portal-reconcile"),
    path("<str:code>/gui-lai/", views.push_again, name="portal-push-again"),
]
