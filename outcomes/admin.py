"""Admin: saved layouts for suppliers' files (no code needed), and the import records and
held rows to read. Imports are changed only through the import pages and services."""

from django.contrib import admin

from outcomes.feed_forms import FeedMappingForm
from outcomes.models import AttendanceImport, FeedMapping, HeldFeedRow


@admin.register(FeedMapping)
class FeedMappingAdmin(admin.ModelAdmin):
    form = FeedMappingForm
    list_display = ["name", "kind", "layout", "date_format"]
    list_filter = ["kind", "layout"]
    search_fields = ["name"]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AttendanceImport)
class AttendanceImportAdmin(_ReadOnly):
    list_display = ["created_at", "file_name", "kind", "source", "status"]
    list_filter = ["kind", "status", "source"]
    search_fields = ["file_name", "sha256"]
    date_hierarchy = "created_at"


@admin.register(HeldFeedRow)
class HeldFeedRowAdmin(_ReadOnly):
    list_display = ["feed_import", "row_number", "reason", "unmatched", "status"]
    list_filter = ["unmatched", "status", "feed_import__kind"]
    list_select_related = ["feed_import"]
