"""Who may use which part of the service, by role.

Page-level permissions are declared once here with `rules` and used by views (through
`permission_required`), by the navigation and by tests. Record-level rules (which children a
designated teacher may see) live in each app's own access.py.
"""

import rules

from vschool.accounts.models import Role


def has_role(*roles: Role) -> rules.Predicate:
    allowed = frozenset(roles)

    @rules.predicate(name=f"has_role({', '.join(sorted(allowed))})")
    def predicate(user) -> bool:
        return bool(user.is_authenticated and user.is_active and user.role in allowed)

    return predicate


is_virtual_school = has_role(Role.HEAD, Role.CASEWORKER)
is_head = has_role(Role.HEAD)
is_admin = has_role(Role.ADMIN)
is_designated_teacher = has_role(Role.DESIGNATED_TEACHER)
is_social_worker = has_role(Role.SOCIAL_WORKER)
is_governor = has_role(Role.GOVERNOR)

rules.add_perm("accounts.use_admin_site", is_admin)
rules.add_perm("accounts.read_api_docs", is_virtual_school | is_admin)

# Children and schools (which children, within a page, is pupils.access).
rules.add_perm("pupils.view_caseload", is_virtual_school | is_designated_teacher | is_social_worker)
rules.add_perm("pupils.edit_children", is_virtual_school)
# Who changed what names colleagues and imports: for the Virtual School's own staff.
rules.add_perm("pupils.view_child_history", is_virtual_school)
rules.add_perm("pupils.view_schools", is_virtual_school | is_designated_teacher | is_admin)
rules.add_perm("pupils.edit_schools", is_virtual_school | is_admin)
rules.add_perm("pupils.import_data", is_virtual_school | is_admin)

# Attendance, suspensions and alerts (which children: pupils.access).
rules.add_perm("outcomes.view_attendance_overview", is_virtual_school)
rules.add_perm("outcomes.import_feeds", is_virtual_school | is_admin)
rules.add_perm("outcomes.record_suspensions", is_virtual_school)
rules.add_perm("outcomes.view_alerts", is_virtual_school | is_social_worker)

# PEPs and Pupil Premium Plus (which PEPs, and which sections a user may edit: peps.access).
rules.add_perm("peps.view_peps", is_virtual_school | is_designated_teacher | is_social_worker)
rules.add_perm("peps.review_peps", is_virtual_school)
rules.add_perm("peps.view_dashboards", is_virtual_school)
rules.add_perm("peps.manage_ppplus", is_virtual_school)
rules.add_perm("peps.decide_ppplus", is_head)
