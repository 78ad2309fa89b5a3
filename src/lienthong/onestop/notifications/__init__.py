"""The officers' list of notices sent to citizens about their dossiers: /mot-cua/thong-bao/."""
