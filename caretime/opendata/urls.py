from django.urls import path

from caretime.opendata import views
from caretime.opendata.hsds import KINDS

# Under /fhir/R4/: read and search, no writes.
fhir_urls = [
    path("metadata", views.metadata, name="fhir-metadata"),
    path("CodeSystem/<str:key>", views.code_system, name="fhir-code-system"),
    path("<str:resource_type>", views.search, name="fhir-search"),
    path("<str:resource_type>/<str:key>", views.read, name="fhir-read"),
]

# Under /hsds/.
hsds_urls = [
    path("", views.hsds_root, name="hsds-root"),
    path("services/<str:key>", views.hsds_service, name="hsds-service"),
    *(path(kind, views.hsds_list, {"kind": kind}, name=f"hsds-{kind}") for kind in KINDS),
]

# The page of releases (in every language, under /data/ and /es/data/) and their files.
page_urls = [path("data/", views.open_data, name="open-data")]
release_urls = [path("<str:release>/<str:name>", views.release_file, name="open-data-file")]
