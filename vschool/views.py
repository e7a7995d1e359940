import time
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from vschool import health


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and operators: 200 when PostgreSQL and Redis answer, else 503."""
    problems = {"database": health.database_status(), "redis": health.redis_status()}
    healthy = not any(problems.values())
    last_seen = health.worker_last_seen()
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: problem or "ok" for name, problem in problems.items()},
        # Informational: a stopped worker delays imports but the site still serves pages.
        "worker_last_seen_seconds_ago": round(time.time() - last_seen) if last_seen else None,
    }
    return JsonResponse(body, status=200 if healthy else 503)


def posted(request: HttpRequest):
    """The submitted data, or None to show a form unfilled."""
    return request.POST if request.method == "POST" else None


def form_page(
    request: HttpRequest,
    form,
    *,
    save: Callable[[dict], object],
    done: str,
    next_url: Callable[[object], str],
    context: dict,
) -> HttpResponse:
    """The pattern every form page follows: on a valid POST call the one service; on success
    say so and go on; otherwise show the form again (templates/form_page.html) with the
    service's errors on the fields they name."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, done)
            return redirect(next_url(saved))
    return render(request, "form_page.html", {"form": form, **context})
