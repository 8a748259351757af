"""Policy documents: versions of text and/or a PDF, each adopted by a decision reached by consensus."""

import uuid

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from divert.coordination import actions_pcg as actions
from divert.coordination.models.pcg import PolicyDocument, PolicyDocumentVersion, Stance

from .test_pcg_support import READERS, TODAY, audit, build_group, decide, noon, positions

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
DOCS = reverse("pcg_documents")


@pytest.fixture(autouse=True)
def _today(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(noon(TODAY), tick=False):
        yield


@pytest.fixture
def group(agencies, manager_mo):
    return build_group(agencies, manager_mo)


@pytest.fixture
def document(manager_mo):
    return actions.do_add_document(actor=manager_mo, title="Data-sharing policy", kind="data_sharing")


def _url(document):
    return reverse("pcg_document", args=[document.pk])


def _version(decision, **extra):
    return {"decision": decision.pk, "text": "", "summary": "", "submission_key": str(uuid.uuid4()), **extra}


def test_adding_a_document(login, manager_mo):
    client = login(manager_mo)
    assert client.get(DOCS).status_code == 200
    response = client.post(DOCS, {"title": "Community engagement plan", "kind": "community_engagement",
                                  "description": "How the program listens"})
    document = PolicyDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == _url(document)
    assert audit("divert.pcg.document.added").get().details == {"kind": "community_engagement"}
    response = client.post(DOCS, {"title": "Community engagement plan", "kind": "community_engagement"})
    assert response.status_code == 400 and "already exists" in response.content.decode()


def test_adopting_versions(login, manager_mo, group, document):
    first, second = decide(group, manager_mo), decide(group, manager_mo, title="Revise the data-sharing policy")
    client = login(manager_mo)
    assert client.post(_url(document), _version(first, text="Share only what each partner needs.")
                       ).status_code == 302
    data = _version(second, text="Share status, never substance-use records.", summary="Part 2 made explicit",
                    file=SimpleUploadedFile("policy.pdf", PDF, content_type="application/pdf"))
    assert client.post(_url(document), data).status_code == 302
    versions = list(document.versions.all())
    assert [v.number for v in versions] == [2, 1] and versions[0].file_size == len(PDF)
    assert versions[0].adopted_by == second and versions[1].adopted_by == first
    events = audit("divert.pcg.document.version_adopted")
    assert events.count() == 2 and events.last().details == {"document": document.pk, "version": 2,
                                                             "decision": second.pk, "has_text": True,
                                                             "has_file": True}
    text = client.get(_url(document)).content.decode()
    assert "Version 2" in text and "Version 1" in text and "superseded" in text  # older versions stay listed
    assert "Share only what each partner needs." in text


@pytest.mark.parametrize("seat", READERS)
def test_readers_read_and_download_but_do_not_write(request, login, manager_mo, group, document, seat):
    decision = decide(group, manager_mo)
    version, _ = actions.do_adopt_document_version(document, actor=manager_mo, decision=decision,
                                                   file=SimpleUploadedFile("p.pdf", PDF))
    client = login(request.getfixturevalue(seat))
    page = client.get(_url(document))
    assert page.status_code == 200 and "Record a new version" not in page.content.decode()
    download = client.get(reverse("pcg_document_file", args=[version.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert client.post(_url(document), _version(decision, text="Mine")).status_code == 403
    assert client.post(DOCS, {"title": "Another", "kind": "other"}).status_code == 403
    assert PolicyDocumentVersion.objects.count() == 1 and PolicyDocument.objects.count() == 1


def test_outsiders_are_refused(login, outsider_oscar, manager_mo, group, document):
    version, _ = actions.do_adopt_document_version(document, actor=manager_mo, decision=decide(group, manager_mo),
                                                   text="Text")
    client = login(outsider_oscar)
    assert client.get(DOCS).status_code == 403
    assert client.get(_url(document)).status_code == 403
    assert client.get(reverse("pcg_document_file", args=[version.pk])).status_code == 403


@pytest.mark.parametrize(("extra", "error"), [
    pytest.param({}, "Give the text, a PDF file, or both.", id="nothing"),
    pytest.param({"file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")}, "A document file must be a PDF.",
                 id="not-a-pdf"),
    pytest.param({"file": SimpleUploadedFile("x.pdf", PDF + b"0" * (10 * 1024 * 1024))},
                 "A document file may be at most 10 MB.", id="too-large"),
])
def test_bad_versions_are_refused(login, manager_mo, group, document, extra, error):
    response = login(manager_mo).post(_url(document), _version(decide(group, manager_mo), **extra))
    assert response.status_code == 400 and error in response.content.decode()
    assert not document.versions.exists() and not audit("divert.pcg.document.version_adopted").exists()


def test_only_a_consensus_decision_adopts_a_version(login, manager_mo, group, document):
    blocked = decide(group, manager_mo, rows=positions(group, police=(Stance.BLOCK, "Too broad")))
    response = login(manager_mo).post(_url(document), _version(blocked, text="Text"))
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    with pytest.raises(Exception, match="Only a decision reached by consensus can adopt a document version"):
        actions.do_adopt_document_version(document, actor=manager_mo, decision=blocked, text="Text")
    assert not document.versions.exists()


def test_a_double_submit_records_one_version(login, manager_mo, group, document):
    data = _version(decide(group, manager_mo), text="Text")
    client = login(manager_mo)
    assert client.post(_url(document), data).status_code == 302
    assert client.post(_url(document), data).status_code == 302
    assert document.versions.count() == 1


def test_a_version_without_a_file_has_no_download(login, officer_olivia, manager_mo, group, document):
    version, _ = actions.do_adopt_document_version(document, actor=manager_mo, decision=decide(group, manager_mo),
                                                   text="Text only")
    assert login(officer_olivia).get(reverse("pcg_document_file", args=[version.pk])).status_code == 404
