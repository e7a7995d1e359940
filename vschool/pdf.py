"""The one PDF boundary: HTML templates rendered by WeasyPrint. The same template is served as
a web page, so what a user reads on screen is what the PDF says."""

from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def _static_files(url: str) -> dict:
    """Static files (the stylesheet, images) come from disk, never over the network."""
    path = urlparse(url).path
    if path.startswith(settings.STATIC_URL):
        found = finders.find(path.removeprefix(settings.STATIC_URL))
        if found:
            return {"file_obj": Path(found).open("rb"), "mime_type": None}
    raise ValueError(f"PDFs may only use static files, not {url}")


def render_pdf(template: str, context: dict) -> bytes:
    import weasyprint  # imported when a PDF is asked for: it is slow to load and chatty

    html = render_to_string(template, context)
    return weasyprint.HTML(
        string=html, base_url="http://pdf.invalid/", url_fetcher=_static_files
    ).write_pdf()
