"""Admin: Pupil Premium Plus grant years, requests and the ledger, to read only. Money moves
only through the PP+ pages and services (peps.services.ppplus), which keep the overspend rule
and record who decided what. Imported by peps/admin.py."""

from django.contrib import admin

from peps.models import GrantYear, LedgerEntry, PpRequest


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(GrantYear)
class GrantYearAdmin(_ReadOnly):
    list_display = ["__str__", "grant_received", "rate_per_child", "termly_allocation"]


@admin.register(PpRequest)
class PpRequestAdmin(_ReadOnly):
    list_display = ["created_at", "pep", "amount", "status", "amount_approved", "decided_by"]
    list_filter = ["status", "eef_approach"]
    list_select_related = ["pep__child", "decided_by"]
    raw_id_fields = ["pep", "target"]
    date_hierarchy = "created_at"


@admin.register(LedgerEntry)
class LedgerEntryAdmin(_ReadOnly):
    list_display = ["created_at", "grant_year", "category", "amount", "description", "school"]
    list_filter = ["grant_year", "category"]
    list_select_related = ["grant_year", "school"]
    search_fields = ["description", "school__urn", "child__la_child_id"]
    raw_id_fields = ["child", "school", "pep", "request"]
    date_hierarchy = "created_at"
