from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from caretime.accounts.staff import protect_admin_urls
from caretime.api.api import api
from caretime.directory import views as directory_views
from caretime.opendata.urls import fhir_urls, hsds_urls, page_urls, release_urls
from caretime.web import views as web_views

# The pages people read: English at their plain addresses, Spanish under /es/
# (caretime.web.language chooses between them).
pages: list[URLPattern | URLResolver] = [
    path("", directory_views.home, name="home"),
    path("clinics/near-me/", directory_views.search_from_location, name="clinic-search-near-me"),
    path("about/", web_views.about, name="about"),
    path("about/methodology/", web_views.methodology, name="methodology"),
    path("about/privacy/", web_views.privacy, name="privacy"),
    path("about/contact/", web_views.contact, name="contact"),
    path("data/states/", web_views.state_picture_page, name="billing-states"),
    *page_urls,
    path("", include("caretime.verdicts.urls")),
    path("", include("caretime.workplace.urls")),
    path("", include("caretime.reviews.urls")),
    path("", include("caretime.clinicside.urls")),
    # allauth's sign-up and sign-in pages (password pages switched off; two-factor sign-in under
    # accounts/2fa/), then our account page.
    path("accounts/", include("caretime.accounts.allauth_urls")),
    path("account/", include("caretime.accounts.urls")),
]

urlpatterns = [
    # The language switch on every page: remembers the choice in a cookie and goes to `next`.
    # Without a CSRF token, so that pages need no CSRF cookie for it: the worst a forged post
    # can do is change the language a page is shown in.
    path("language/", csrf_exempt(set_language), name="set_language"),
    # Programs choose their language with Accept-Language; the API has one address per answer.
    path("api/v1/", api.urls),
    # Open data in the formats others read (caretime.opendata): one address each, no language.
    path("fhir/R4/", include(fhir_urls)),
    path("hsds/", include(hsds_urls)),
    path("data/releases/", include(release_urls)),
    # Only staff who passed two-factor sign-in; no password login (caretime.accounts.staff).
    path(settings.ADMIN_PATH, protect_admin_urls(admin.site.urls)),
    *i18n_patterns(*pages, prefix_default_language=False),
]

handler404 = "caretime.web.views.page_not_found"
