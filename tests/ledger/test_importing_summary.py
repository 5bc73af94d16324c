"""A progress summary without a tree is refused by the import, with the parser's words."""

from __future__ import annotations

import pytest

from zhenggai.core.errors import InputError
from zhenggai.core.parser import NO_STRUCTURE_WARNING, parse_bytes
from zhenggai.core.synthetic import generate_summary
from zhenggai.ledger.models import Inspection, SourceDocument
from zhenggai.ledger.services.importing import document_import

pytestmark = pytest.mark.django_db


def test_a_summary_without_structure_is_refused_and_nothing_is_written():
    text, _ = generate_summary(seed=3)
    data = text.encode()
    document = parse_bytes(data, filename="summary.txt")
    assert [w.code for w in document.warnings] == ["no_structure"]
    with pytest.raises(InputError, match=NO_STRUCTURE_WARNING) as refused:
        document_import(document=document, data=data, filename="summary.txt", actor=None)
    assert str(refused.value).startswith("summary.txt: ")
    assert not Inspection.objects.exists()
    assert not SourceDocument.objects.exists()
