from django.contrib import admin
from django.urls import path, re_path

from tests.django_project import async_views, views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("notes/", views.Notes.as_view()),
    path("fost/notes/", views.FostNotes.as_view()),
    path("whoami/", views.whoami),
    path("signed/notes/", views.SignedNotes.as_view()),
    path("signed/whoami/", views.signed_whoami),
    path("middleware/whoami/", views.middleware_whoami),
    path("every/notes/", views.EveryClassNotes.as_view()),
    path("drf/rfc9421/", views.MessageSignatureNotes.as_view()),
    path("hooks/stripe/", views.stripe_webhook),
    path("hooks/standard/", views.standard_webhook),
    path("hooks/github/", views.GitHubHook.as_view()),
    path("hooks/slack/", views.slack_events),
    path("hooks/slack-view/", views.SlackHook.as_view()),
    path("async/whoami/", async_views.whoami),
    path("async/notes/", async_views.SignedNotes.as_view()),
    path("async/cavage/", async_views.CavageNotes.as_view()),
    path("async/rfc9421/", async_views.MessageSignatureNotes.as_view()),
    path("async/hmac/", async_views.HmacNotes.as_view()),
    path("async/fost/", async_views.FostNotes.as_view()),
    # Any path, for the canonical-path tests (spaces, UTF-8, %2F).
    re_path(r"^anypath/", views.Notes.as_view()),
]
