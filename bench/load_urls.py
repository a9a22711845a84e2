"""The load benchmark's endpoints: one DRF view without authentication and
the same behind each httpseal class."""

from django.urls import path

from bench.bench_adapters import drf_views

plain, generic, legacy = drf_views()

urlpatterns = [
    path("plain/", plain),
    path("generic/", generic),
    path("legacy/", legacy),
]
