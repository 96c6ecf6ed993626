"""Residence pages: what is due for me today, text messages to residents and their templates.

The digest needs ``residence.view``; the log of messages and sending one need
``residence.message``; the templates are read with ``residence.view`` and edited with
``residence.manage``. Households out of the user's scope, and pages the role may not use,
answer 404. Partner staff and analysts have none of these capabilities.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mehman.accounts.requests import AuthenticatedRequest
from mehman.core.forms import show_service_error
from mehman.core.permissions import get_for_user_or_404, require_capability
from mehman.registry.models import Household
from mehman.residence.forms.messages import MessageFilterForm, MessageForm, TemplateForm
from mehman.residence.models import MessageTemplate, TextMessage
from mehman.residence.queries.digest import due_for
from mehman.residence.services import messages as services

VIEW, MESSAGE, MANAGE = "residence.view", "residence.message", "residence.manage"
PER_PAGE = 50


def _active_templates(user: object) -> list[MessageTemplate]:
    return list(MessageTemplate.objects.for_user(user).filter(is_active=True).order_by("code"))


@require_GET
@login_required
def digest(request: AuthenticatedRequest) -> HttpResponse:
    require_capability(request.user, VIEW)
    return render(request, "residence/digest.html", {"due": due_for(request.user)})


@require_GET
@login_required
def message_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_capability(user, MESSAGE)
    templates = list(MessageTemplate.objects.for_user(user).order_by("code"))
    form = MessageFilterForm(request.GET or None, templates=templates)
    found = TextMessage.objects.for_user(user).select_related("household")
    page = Paginator(form.filter(found.order_by("-created_at", "-id")), PER_PAGE).get_page(
        request.GET.get("page")
    )
    titles = {t.code: t.title for t in templates}
    rows = [(message, titles.get(message.template, message.template)) for message in page]
    context = {"form": form, "page_obj": page, "rows": rows}
    return render(request, "residence/messages.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def message_new(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    require_capability(user, MESSAGE)
    household = get_for_user_or_404(
        Household.objects.select_related("head", "settlement"), user, reference=reference
    )
    form = MessageForm(request.POST or None, templates=_active_templates(request.user))
    preview = ""
    if request.method == "POST" and form.is_valid():
        fields = {
            "household": household,
            "template_code": form.cleaned_data["template"],
            "body": form.cleaned_data["body"],
            "context": form.context(),
        }
        try:
            if "send" not in request.POST:
                preview = services.compose(**fields)
            else:
                services.send_message(by=user, **fields)
                flash.success(request, _("The message is on its way."))
                query = urlencode({"household": household.reference})
                return redirect(f"{reverse('residence:messages')}?{query}")
        except ValidationError as error:
            show_service_error(form, error)
    context = {
        "household": household,
        "form": form,
        "preview": preview,
        "phone": services.phone_for(household),
    }
    return render(request, "residence/message_new.html", context)


@require_GET
@login_required
def template_list(request: AuthenticatedRequest) -> HttpResponse:
    require_capability(request.user, VIEW)
    templates = MessageTemplate.objects.for_user(request.user).order_by("code")
    return render(request, "residence/message_templates.html", {"templates": templates})


@require_http_methods(["GET", "POST"])
@login_required
def template_edit(request: AuthenticatedRequest, code: str) -> HttpResponse:
    user = request.user
    require_capability(user, MANAGE)
    template = get_for_user_or_404(MessageTemplate.objects, user, code=code)
    form = TemplateForm.of(template, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_template(
                template=template,
                by=user,
                title=data["title"],
                body_fa=data["body_fa"],
                body_en=data["body_en"],
                is_active=data["is_active"],
                expected_version=data["version"],
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            flash.success(request, _("The template is saved."))
            return redirect("residence:message_templates")
    context = {"template": template, "form": form}
    return render(request, "residence/message_template_form.html", context)


urlpatterns: list[URLPattern] = [
    path("digest/", digest, name="digest"),
    path("messages/", message_list, name="messages"),
    path("messages/templates/", template_list, name="message_templates"),
    path("messages/templates/<slug:code>/", template_edit, name="message_template_edit"),
    path("households/<str:reference>/message/", message_new, name="message_new"),
]
