"""Admin for HMAC keys: name, state and last use, never the secret (a new
key's secret is shown once, in the confirmation message). Keys are revoked
and restored with the list's actions, so that each sends its audit event."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from httpseal.django.models import HMACKey


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (("active", _("Active")), ("expired", _("Expired")), ("revoked", _("Revoked")))

    def queryset(self, request, queryset):
        usable = HMACKey.objects.usable()
        if self.value() == "active":
            return queryset.filter(pk__in=usable.values("pk"))
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True).exclude(pk__in=usable.values("pk"))
        return queryset


@admin.register(HMACKey)
class HMACKeyAdmin(admin.ModelAdmin):
    list_display = ("key", "user", "name", "state", "created", "expires_at", "last_used_at")
    list_filter = (StateFilter,)
    search_fields = ("key", "name", "user__username")
    list_select_related = ("user",)
    fields = (
        "user",
        "key",
        "name",
        "created",
        "expires_at",
        "revoked_at",
        "last_used_at",
        "schemes",
        "algorithms",
        "may_act_as",
    )
    readonly_fields = ("key", "created", "revoked_at", "last_used_at")
    raw_id_fields = ("user",)
    actions = ("revoke_keys", "restore_keys")

    @admin.display(description=_("State"))
    def state(self, obj: HMACKey) -> str:
        return obj.state

    def get_readonly_fields(self, request, obj=None):
        # The user of an existing key is fixed; rotate by adding a key.
        return (*self.readonly_fields, "user") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            messages.success(
                request,
                f"Key {obj.key} created. Its secret, shown only now: {obj.secret}",
            )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke_keys(self, request, queryset):
        for key in queryset:
            key.revoke()
        messages.success(request, f"{queryset.count()} key(s) revoked.")

    @admin.action(description=_("Restore the selected revoked keys"))
    def restore_keys(self, request, queryset):
        for key in queryset:
            key.restore()
        messages.success(request, f"{queryset.count()} key(s) restored.")
