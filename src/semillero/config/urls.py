from django.contrib import admin
from django.urls import include, path

from semillero.config.api import api
from semillero.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("semillero.accounts.urls")),
    path("registry/", include("semillero.registry.urls")),
    path("imports/", include("semillero.core.urls")),
    path("training/", include("semillero.training.urls")),
    path("quality/", include("semillero.quality.urls")),
    path("indicators/", include("semillero.indicators.urls")),
    path("tracer/", include("semillero.tracer.urls")),
    path("plans/", include("semillero.plans.urls")),
    path("consultations/", include("semillero.consultations.urls")),
    path("consulta/", include("semillero.consultations.answer_urls")),
    path("policies/", include("semillero.policies.urls")),
    path("labour/", include("semillero.labour.urls")),
    path("encuesta/", include("semillero.tracer.survey_urls")),
    path("open-data/", include("semillero.indicators.opendata_urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
