from django.urls import path

from outcomes.views import alerts, attendance, feeds

app_name = "outcomes"

urlpatterns = [
    path("attendance/", attendance.overview, name="attendance_overview"),
    path("children/<int:pk>/attendance/", attendance.child_attendance, name="child_attendance"),
    path("children/<int:pk>/suspensions/add/", attendance.suspension_add, name="suspension_add"),
    path("attendance-imports/", feeds.feed_list, name="feed_list"),
    path("attendance-imports/upload/", feeds.feed_upload, name="feed_upload"),
    path("attendance-imports/<int:pk>/", feeds.feed_detail, name="feed_detail"),
    path(
        "attendance-imports/<int:pk>/held-rows.csv",
        feeds.feed_held_rows_csv,
        name="feed_held_rows_csv",
    ),
    path("attendance-imports/unmatched/", feeds.unmatched_list, name="unmatched_list"),
    path("attendance-imports/held/<int:pk>/link/", feeds.held_row_link, name="held_row_link"),
    path(
        "attendance-imports/held/<int:pk>/dismiss/",
        feeds.held_row_dismiss,
        name="held_row_dismiss",
    ),
    path("alerts/", alerts.alert_list, name="alert_list"),
    path("alerts/<int:pk>/acknowledge/", alerts.alert_acknowledge, name="alert_acknowledge"),
]
