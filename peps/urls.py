from django.urls import path

from peps.views import dashboards, plans, ppplus

app_name = "peps"

urlpatterns = [
    # PEPs
    path("peps/", plans.pep_list, name="pep_list"),
    path("peps/<int:pk>/", plans.pep_detail, name="pep_detail"),
    path("peps/<int:pk>/sections/<slug:key>/", plans.section_edit, name="section_edit"),
    path("peps/<int:pk>/submit/", plans.pep_submit, name="pep_submit"),
    path("peps/<int:pk>/review/", plans.pep_review, name="pep_review"),
    path("peps/<int:pk>/new-version/", plans.pep_new_version, name="pep_new_version"),
    path("peps/<int:pk>/pdf/", plans.pep_pdf, name="pep_pdf"),
    path("children/<int:pk>/peps/", plans.child_peps, name="child_peps"),
    # Dashboards and settings
    path("peps/compliance/", dashboards.compliance, name="compliance"),
    path("peps/quality/", dashboards.qa_ratings, name="qa_ratings"),
    path("peps/deadlines/", dashboards.deadlines, name="deadlines"),
    # Pupil Premium Plus
    path("pupil-premium-plus/", ppplus.budget, name="ppplus_budget"),
    path("pupil-premium-plus/<int:start_year>/ledger.csv", ppplus.ledger_csv, name="ledger_csv"),
    path("pupil-premium-plus/requests/", ppplus.request_list, name="request_list"),
    path(
        "pupil-premium-plus/requests/<int:pk>/decide/",
        ppplus.request_decide,
        name="request_decide",
    ),
    path("peps/<int:pk>/pp-requests/add/", ppplus.request_add, name="request_add"),
    path("pupil-premium-plus/entries/add/", ppplus.ledger_entry_add, name="ledger_entry_add"),
    path("pupil-premium-plus/years/add/", ppplus.grant_year_add, name="grant_year_add"),
]
