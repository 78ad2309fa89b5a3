import os

from django.core.wsgi import get_wsgi_application

from lienthong.active_requests import ActiveRequests

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
application = ActiveRequests(get_wsgi_application())
