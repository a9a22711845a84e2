"""Admin for HMAC keys: secrets never appear in lists or forms; a new key's
secret is shown once, in the confirmation message."""

from django.contrib import admin, messages

from httpseal.django.models import HMACKey


@admin.register(HMACKey)
class HMACKeyAdmin(admin.ModelAdmin):
    list_display = ("key", "user", "created")
    search_fields = ("key", "user__username")
    list_select_related = ("user",)
    fields = ("user", "key", "created", "schemes", "algorithms", "may_act_as")
    readonly_fields = ("key", "created")
    raw_id_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        # The user of an existing key is fixed; rotate by deleting and adding.
        return (*self.readonly_fields, "user") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            messages.success(
                request,
                f"Key {obj.key} created. Its secret, shown only now: {obj.secret}",
            )
