"""Placeholder: being built (issue 3). Every view here answers 404 until it is."""

from django.http import Http404


def child_detail(request, *args, **kwargs):
    raise Http404


def child_care(request, *args, **kwargs):
    raise Http404


def child_education(request, *args, **kwargs):
    raise Http404


def child_history(request, *args, **kwargs):
    raise Http404
