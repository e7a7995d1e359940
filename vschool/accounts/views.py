from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from vschool.accounts import forms


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own home page."""
    return render(request, f"accounts/home/{request.user.role}.html")


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = forms.SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        idle_minutes = settings.SESSION_COOKIE_AGE // 60
        return super().get_context_data(heading="Sign in", idle_minutes=idle_minutes, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = forms.PasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")
    extra_context = {"heading": "Reset your password"}
    extra_email_context = {"site_name": settings.SERVICE_NAME}


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"
    extra_context = {
        "heading": "Check your email",
        "reset_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = forms.SetPasswordForm
    success_url = reverse_lazy("password_reset_complete")
    extra_context = {"heading": "Choose a new password"}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
    extra_context = {"heading": "Password changed"}


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = forms.PasswordChangeForm
    success_url = reverse_lazy("password_change_done")
    extra_context = {"heading": "Change your password"}


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
    extra_context = {"heading": "Password changed"}
