from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from vschool import api, views

_docs = permission_required("accounts.read_api_docs", raise_exception=True)

admin.site.site_header = "Virtual School administration"
admin.site.site_title = "Virtual School administration"

api_v1 = [
    path("me/", api.me, name="api_me"),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", _docs(SpectacularAPIView.as_view()), name="api_schema"),
    path(
        "api/docs/",
        _docs(SpectacularSwaggerSplitView.as_view(url_name="api_schema")),
        name="api_docs",
    ),
    path("", include("pupils.urls")),
    path("", include("outcomes.urls")),
    path("", include("peps.urls")),
    path("", include("vschool.accounts.urls")),
]
