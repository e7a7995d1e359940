import time

from django.http import HttpRequest, JsonResponse
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
