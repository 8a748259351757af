"""Audit codes of the coordination app's pcg area (registered with divert.audit.codes at start-up)."""

from django.utils.translation import gettext_lazy as _  # noqa: F401

CODES: dict = {}
