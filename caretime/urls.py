from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from caretime.accounts.staff import protect_admin_urls
from caretime.api.api import api
from caretime.directory import views as directory_views
from caretime.web import views as web_views

urlpatterns = [
    path("", directory_views.home, name="home"),
    path("clinics/near-me/", directory_views.search_from_location, name="clinic-search-near-me"),
    path("about/", web_views.about, name="about"),
    path("about/methodology/", web_views.methodology, name="methodology"),
    path("about/privacy/", web_views.privacy, name="privacy"),
    path("about/contact/", web_views.contact, name="contact"),
    path("data/states/", web_views.state_picture_page, name="billing-states"),
    path("", include("caretime.verdicts.urls")),
    path("", include("caretime.workplace.urls")),
    path("", include("caretime.reviews.urls")),
    path("api/v1/", api.urls),
    # allauth's sign-up and sign-in pages (password pages switched off; two-factor sign-in under
    # accounts/2fa/), then our account page.
    path("accounts/", include("caretime.accounts.allauth_urls")),
    path("account/", include("caretime.accounts.urls")),
    # Only staff who passed two-factor sign-in; no password login (caretime.accounts.staff).
    path(settings.ADMIN_PATH, protect_admin_urls(admin.site.urls)),
]

handler404 = "caretime.web.views.page_not_found"
