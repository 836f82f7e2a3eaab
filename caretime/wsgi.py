import os

from django.core.wsgi import get_wsgi_application

from caretime.core.places import load_place_indexes

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caretime.settings")
application = get_wsgi_application()
# Each worker builds the ZIP index as it starts, so no one's first search waits for it; the
# index of the directory, which reads the database, is built by gunicorn's post_worker_init
# (deploy/gunicorn.conf.py).
load_place_indexes()
