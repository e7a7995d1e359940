from django.urls import path

from pupils.views import caseload, children, edits, imports, schools

app_name = "pupils"

urlpatterns = [
    # The caseload and a child's record
    path("children/", caseload.caseload, name="caseload"),
    path("children/export.csv", caseload.caseload_export, name="caseload_export"),
    path("children/<int:pk>/", children.child_detail, name="child_detail"),
    path("children/<int:pk>/care/", children.child_care, name="child_care"),
    path("children/<int:pk>/education/", children.child_education, name="child_education"),
    path("children/<int:pk>/history/", children.child_history, name="child_history"),
    # Changes to a child's record
    path("children/add/", edits.child_add, name="child_add"),
    path("children/<int:pk>/edit/", edits.child_edit, name="child_edit"),
    path("children/<int:pk>/people/", edits.allocation_change, name="allocation_change"),
    path("children/<int:pk>/enrolments/add/", edits.enrolment_add, name="enrolment_add"),
    path(
        "children/<int:pk>/enrolments/<int:enrolment_pk>/end/",
        edits.enrolment_end,
        name="enrolment_end",
    ),
    path("children/<int:pk>/placement/", edits.placement_change, name="placement_change"),
    path("children/<int:pk>/sen/", edits.sen_change, name="sen_change"),
    # Schools
    path("schools/", schools.school_list, name="school_list"),
    path("schools/add/", edits.school_add, name="school_add"),
    path("schools/<int:pk>/", schools.school_detail, name="school_detail"),
    path("schools/<int:pk>/edit/", edits.school_edit, name="school_edit"),
    # Imports
    path("imports/", imports.import_list, name="import_list"),
    path("imports/ssda903/", imports.import_ssda903_upload, name="import_ssda903_upload"),
    path("imports/gias/", imports.import_gias_upload, name="import_gias_upload"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path(
        "imports/<int:pk>/held-rows.csv", imports.import_held_rows_csv, name="import_held_rows_csv"
    ),
]
