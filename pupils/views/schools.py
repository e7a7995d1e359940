"""Placeholder: being built (issue 3). Every view here answers 404 until it is."""

from django.http import Http404


def school_list(request, *args, **kwargs):
    raise Http404


def school_detail(request, *args, **kwargs):
    raise Http404
