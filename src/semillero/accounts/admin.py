"""Django admin for accounts. Role and organization changes made here are audited
like those made on the users page; tokens are revoked, never edited; the audit
trail is read-only."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from . import events, services
from .models import ApiToken, AuditEvent, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "role", "organization", "is_active"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Role in Semillero"), {"fields": ("role", "organization")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role in Semillero"), {"fields": ("role", "organization")}),
    )

    def save_model(self, request, obj, form, change):
        old = (
            User.objects.select_related("organization").get(pk=obj.pk)
            if change
            else None
        )
        super().save_model(request, obj, form, change)
        if old is None:
            events.user_created_event(actor=request.user, user=obj)
        elif (old.role, old.organization_id) != (obj.role, obj.organization_id):
            events.user_role_changed_event(
                actor=request.user,
                user=obj,
                old_role=old.role,
                old_organization=old.organization,
            )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "name",
        "user",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "name", "user__username"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("Tokens revoked."))


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_username", "action", "object_type", "summary"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_username", "summary", "object_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
