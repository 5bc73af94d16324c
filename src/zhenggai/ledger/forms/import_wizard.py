"""Forms of the document import wizard: the upload, and the choices over the parsed tree.

The choices form has one field per node of the parsed document (titles of aspects and
problems, "key" per finding, unit / leader / deadline per measure) plus the inspected
organisation; `choices()` turns it into the JSON kept in the staging row, and a saved
row's choices are the form's initial values, so a reload shows what was chosen.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenggai.core.document import Document
from zhenggai.ledger.services.document_staging import tree_keys

ACCEPT = ".txt,.docx,.pdf,.png,.jpg,.jpeg,.tif,.tiff,.bmp,.gif,.webp"


class DocumentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("巡察反馈意见或整改情况通报"),
        help_text=_("txt、docx、pdf 或扫描件（图片、扫描的 PDF），不超过 20 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class ConfirmForm(forms.Form):
    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


class ChoicesForm(forms.Form):
    """The office's choices on the way to the confirm, one field per node of the tree."""

    organisation = forms.ChoiceField(label=_("被巡察党组织"), required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        document: Document,
        choices: dict[str, Any],
        organisations: list[tuple[int, str, str]],
        units: list[tuple[int, str, str]],
        people: list[tuple[int, str, int]],
        default_path: str | None,
    ) -> None:
        super().__init__(data)
        self.document = document
        self.paths = {pk: path for pk, _name, path in organisations}
        self.unit_paths = {pk: path for pk, _name, path in units}
        self.person_orgs = {pk: org for pk, _name, org in people}
        self.default_path = default_path
        by_document = _("按文件落款：%(name)s") % {"name": document.issuer or document.inspection.target or "—"}
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", by_document), *((str(pk), name) for pk, name, _p in organisations)]
        field.initial = str(choices.get("organisation") or "")
        titles = choices.get("titles", {})
        keys = tree_keys(document)
        self.tree: list[dict[str, Any]] = []
        unit_choices = [("", _("（暂不指定）")), *((str(pk), name) for pk, name, _p in units)]
        people_choices = [("", _("（暂不指定）")), *((str(pk), name) for pk, name, _o in people)]
        chosen = choices.get("measures", {})
        key_set = set(choices.get("key", []))
        pi = fi = mi = 0
        for ai, aspect in enumerate(document.aspects):
            name = f"title_{keys.aspects[ai]}"
            self.fields[name] = forms.CharField(
                label=_("方面 %(marker)s") % {"marker": aspect.marker or ai + 1},
                initial=titles.get(keys.aspects[ai], aspect.title or ""), max_length=500,
            )
            node: dict[str, Any] = {"aspect": aspect, "field": self[name], "problems": []}
            for problem in aspect.problems:
                pname = f"title_{keys.problems[pi]}"
                self.fields[pname] = forms.CharField(
                    label=_("问题 %(marker)s") % {"marker": problem.marker or pi + 1},
                    initial=titles.get(keys.problems[pi], problem.title or ""), max_length=500,
                    # Two rows: a long title reads whole on a phone (one line is enforced).
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                pnode: dict[str, Any] = {"problem": problem, "field": self[pname], "findings": []}
                pi += 1
                for finding in problem.findings:
                    fkey = keys.findings[fi]
                    self.fields[f"key_{fkey}"] = forms.BooleanField(
                        label=_("重点问题"), required=False, initial=fkey in key_set
                    )
                    fnode: dict[str, Any] = {
                        "finding": finding, "field": self[f"key_{fkey}"], "measures": []
                    }
                    fi += 1
                    for measure in finding.measures:
                        mkey = keys.measures[mi]
                        mi += 1
                        mine = chosen.get(mkey, {})
                        self.fields[f"unit_{mkey}"] = forms.ChoiceField(
                            label=_("责任单位"), choices=unit_choices, required=False,
                            initial=str(mine.get("unit") or ""),
                        )
                        self.fields[f"leader_{mkey}"] = forms.ChoiceField(
                            label=_("责任领导"), choices=people_choices, required=False,
                            initial=str(mine.get("leader") or ""),
                        )
                        self.fields[f"deadline_{mkey}"] = forms.DateField(
                            label=_("整改时限"), required=False, initial=mine.get("deadline"),
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                        )
                        fnode["measures"].append({
                            "measure": measure,
                            "fields": [self[f"{p}_{mkey}"] for p in ("unit", "leader", "deadline")],
                        })
                    pnode["findings"].append(fnode)
                node["problems"].append(pnode)
            self.tree.append(node)

    def _target_path(self) -> str | None:
        chosen = self.cleaned_data.get("organisation")
        return self.paths.get(int(chosen)) if chosen else self.default_path

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in list(cleaned):
            if name.startswith("title_") and "\n" in (cleaned[name] or ""):
                self.add_error(name, _("标题只能写一行"))
        target = self._target_path()
        for name, value in list(cleaned.items()):
            if not value or not name.startswith(("unit_", "leader_")):
                continue
            if name.startswith("unit_"):
                path = self.unit_paths.get(int(value), "")
            else:
                org = self.person_orgs.get(int(value))
                path = next((p for pk, p in self.unit_paths.items() if pk == org), "")
            if target is None or not path.startswith(target):
                self.add_error(
                    name,
                    _("请选择被巡察党组织或其下属单位")
                    if name.startswith("unit_")
                    else _("请选择被巡察党组织或其下属单位的人员"),
                )
        return cleaned

    def choices(self) -> dict[str, Any]:
        """The JSON kept in the staging row (only what differs from the parse)."""
        data = self.cleaned_data
        keys = tree_keys(self.document)
        parsed = {
            **{k: a.title or "" for k, a in zip(keys.aspects, self.document.aspects, strict=True)},
            **{k: p.title or "" for k, p in zip(keys.problems, self.document.problems(), strict=True)},
        }
        titles = {
            k: data[f"title_{k}"].strip()
            for k in parsed
            if data.get(f"title_{k}") is not None and data[f"title_{k}"].strip() != parsed[k]
        }
        measures: dict[str, dict[str, Any]] = {}
        for k in keys.measures:
            row = {
                "unit": int(data[f"unit_{k}"]) if data.get(f"unit_{k}") else None,
                "leader": int(data[f"leader_{k}"]) if data.get(f"leader_{k}") else None,
                "deadline": data[f"deadline_{k}"].isoformat() if data.get(f"deadline_{k}") else None,
            }
            if any(row.values()):
                measures[k] = row
        return {
            "organisation": int(data["organisation"]) if data.get("organisation") else None,
            "titles": titles,
            "key": [k for k in keys.findings if data.get(f"key_{k}")],
            "measures": measures,
        }
