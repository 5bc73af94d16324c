"""Account pages of the shell: changing one's password."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

PASSWORD_CHANGED = _("密码已修改。")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (old password, twice the new one, the validators), with
    the shell's template; the session stays signed in."""

    template_name = "web/password_change.html"
    success_url = reverse_lazy("web:home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, PASSWORD_CHANGED)
        return response
