"""What a release must carry, and what it may not, before anything is saved."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from divert.privacy.models import (
    SIGNATURE_MAX_BYTES,
    ReleaseKind,
    ReleaseOfInformation,
    signature_from_data_url,
    validate_scan,
)
from divert.privacy.tests.conftest import png_data_url, tiny_png


def refused(make_release, field, *args, **kwargs):
    with pytest.raises(ValidationError) as e:
        make_release(*args, **kwargs)
    assert field in e.value.message_dict, e.value.message_dict
    assert not ReleaseOfInformation.objects.exists()
    return e.value.message_dict[field]


def test_a_general_release_may_not_carry_substance_use_information(make_release, agencies):
    messages = refused(make_release, "categories", [agencies.prosecutor], categories=["status", "sud"])
    assert "Part 2" in messages[0]


@pytest.mark.parametrize("kind", [ReleaseKind.PART2, ReleaseKind.CRIMINAL_JUSTICE])
def test_part2_kinds_may(kind, make_release, agencies):
    release = make_release([agencies.prosecutor], kind=kind, categories=["status", "sud"])
    assert release.categories == ["status", "sud"]


def test_identity_is_never_named(make_release, agencies):
    refused(make_release, "categories", [agencies.prosecutor], categories=["identity"])


def test_an_expiry_date_or_event_is_required(make_release, agencies):
    refused(make_release, "expires_on", [agencies.prosecutor], expires_in_days=None)
    assert make_release([agencies.prosecutor], expires_in_days=None, expiry_event="case closed").expires_on is None


def test_irrevocability_is_only_for_criminal_justice_consents(make_release, agencies):
    refused(make_release, "irrevocable_until_event", [agencies.prosecutor], kind=ReleaseKind.PART2,
            irrevocable_until_event="final disposition")


def test_a_part2_consent_describes_the_information(make_release, agencies):
    refused(make_release, "information_description", [agencies.prosecutor], kind=ReleaseKind.PART2,
            information_description="")


def test_at_least_one_recipient(make_release):
    refused(make_release, "recipients", [])


def test_a_signature_or_a_scan_is_required(make_release, agencies):
    refused(make_release, "signature_png", [agencies.prosecutor], signature_png=b"")


def test_other_purpose_needs_words(make_release, agencies):
    refused(make_release, "purpose_other", [agencies.prosecutor], purposes=["other"])


def test_signature_must_be_a_png_data_url():
    assert signature_from_data_url(png_data_url()) == tiny_png()
    for bad in ("data:image/jpeg;base64,/9j/4AAQ", "data:image/png;base64,!!!!",
                png_data_url(b"GIF89a not a png"), "javascript:alert(1)"):
        with pytest.raises(ValidationError):
            signature_from_data_url(bad)


def test_signature_is_limited_to_200_kb():
    with pytest.raises(ValidationError) as e:
        signature_from_data_url(png_data_url(tiny_png() + b"\0" * SIGNATURE_MAX_BYTES))
    assert "200 KB" in e.value.messages[0]


@pytest.mark.parametrize(("content", "ok"), [
    (b"%PDF-1.7\n...", True), (b"\xff\xd8\xff\xe0 jpeg", True), (tiny_png(), True),
    (b"GIF89a", False), (b"<html><script>", False), (b"MZ\x90\x00 exe", False),
])
def test_scans_are_pdf_png_or_jpeg_by_content(content, ok):
    upload = SimpleUploadedFile("form.pdf", content)
    if ok:
        validate_scan(upload)
    else:
        with pytest.raises(ValidationError):
            validate_scan(upload)


def test_scans_are_limited_to_5_mb():
    with pytest.raises(ValidationError):
        validate_scan(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024)))


def test_a_scan_alone_is_enough_and_lands_under_media_root(make_release, agencies, settings):
    release = make_release([agencies.prosecutor], signature_png=b"",
                           scan=SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed"))
    assert not release.has_signature
    assert release.scan.path.startswith(str(settings.MEDIA_ROOT))
    assert "signed" not in release.scan.name  # the stored name says nothing about whose form it is
