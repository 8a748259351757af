"""PDF documents (minutes, letters, reports) rendered from Django templates with WeasyPrint.

WeasyPrint needs the Pango library from the operating system (Debian and Ubuntu: ``libpango-1.0-0`` and
``libpangoft2-1.0-0``). Without it Divert still runs: ``pdf_available()`` says so, and ``render_pdf`` raises
``PDFUnavailable`` with the packages to install, which views turn into a clear page instead of a crash.

Documents never load anything from the network: fonts are the system's, images and styles are inlined, and
any other URL is refused, so a document cannot leak a request to a third party or read local files.
"""

from functools import cache

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

INSTALL_HINT = "apt-get install libpango-1.0-0 libpangoft2-1.0-0"


class PDFUnavailable(RuntimeError):
    pass


@cache
def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as e:  # OSError: the Pango library is missing
        raise PDFUnavailable(
            _("PDF documents need the Pango library on the server (%(hint)s): %(error)s")
            % {"hint": INSTALL_HINT, "error": e}) from e
    return weasyprint


def pdf_available() -> bool:
    try:
        _weasyprint()
    except PDFUnavailable:
        return False
    return True


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"documents load nothing from outside: {url}")


def html_to_pdf(html: str) -> bytes:
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch, base_url=None)
    return document.write_pdf()


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a template (which should extend ``pdf/base.html``) to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context, request=request))


def pdf_response(content: bytes, filename: str):
    """A download that is never cached (``no-store``) and named safely."""
    from django.http import HttpResponse

    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in filename) or "document.pdf"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_text(content: bytes) -> str:
    """All the text of a PDF (tests check documents for leaks with it)."""
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
