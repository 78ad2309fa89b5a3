"""Decision 766 indicators: /mot-cua/chi-so/."""
urlpatterns: list = []
