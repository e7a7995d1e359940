"""Placeholder: being built (issue 3). Every view here answers 404 until it is."""

from django.http import Http404


def child_add(request, *args, **kwargs):
    raise Http404


def child_edit(request, *args, **kwargs):
    raise Http404


def allocation_change(request, *args, **kwargs):
    raise Http404


def enrolment_add(request, *args, **kwargs):
    raise Http404


def enrolment_end(request, *args, **kwargs):
    raise Http404


def placement_change(request, *args, **kwargs):
    raise Http404


def sen_change(request, *args, **kwargs):
    raise Http404


def school_add(request, *args, **kwargs):
    raise Http404


def school_edit(request, *args, **kwargs):
    raise Http404
