"""Placeholder: being built (issue 3). Every view here answers 404 until it is."""

from django.http import Http404


def import_list(request, *args, **kwargs):
    raise Http404


def import_ssda903_upload(request, *args, **kwargs):
    raise Http404


def import_gias_upload(request, *args, **kwargs):
    raise Http404


def import_detail(request, *args, **kwargs):
    raise Http404


def import_held_rows_csv(request, *args, **kwargs):
    raise Http404
