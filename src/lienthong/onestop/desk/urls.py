"""The officers' dossier list and detail (/mot-cua/ho-so/…): steps, forms 02–06, results."""
urlpatterns: list = []
