"""Forms of the Excel import pages: the upload, the column mapping and the confirm."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenggai.core.ledger_sheet import HEADERS, INSPECTION_COLUMN

#: "Create it" in a name's choice (the other choices are organisation or person ids).
CREATE = "new"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 台账文件"),
        help_text=_("“.xlsx”格式；第一行可为标题，表头含“整改措施”“责任单位”等列"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    inspection = forms.TypedChoiceField(
        label=_("导入到"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "新建巡察时，巡察的信息取自表中的“巡察信息”工作表；导入到已有巡察时，"
            "表中的方面、问题、具体问题按标题并入该巡察，已有的整改措施不重复导入"
        ),
    )

    def __init__(self, *args: Any, inspections: list[tuple[int, str]], **kwargs: Any) -> None:
        """`inspections`: (id, title) of those the user may import into — the only ids the
        field accepts (another's id is an error beside the field, nothing is staged)."""
        super().__init__(*args, **kwargs)
        field = self.fields["inspection"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            ("", _("新建巡察（按表中的“巡察信息”）")),
            (_("导入到已有巡察"), [(str(pk), title) for pk, title in inspections]),
        ]


def _column_choices() -> list[tuple[str, str]]:
    labels = {**HEADERS, INSPECTION_COLUMN[0]: INSPECTION_COLUMN[1]}
    return [("", str(_("（不导入）"))), *((key, label) for key, label in labels.items())]


class MappingForm(forms.Form):
    """One select per column of the sheet (what it means), and one per unknown name."""

    def __init__(
        self,
        data: Any = None,
        *,
        headers: list[str],
        mapping: dict[str, int],
        unknown_units: list[str],
        unknown_people: list[str],
        units: list[tuple[int, str]],
        people: list[tuple[int, str]],
        names: dict[str, Any],
    ) -> None:
        super().__init__(data)
        by_index = {i: k for k, i in mapping.items()}
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("第 %(n)s 列") % {"n": index + 1},
                choices=_column_choices(),
                required=False,
                initial=by_index.get(index, ""),
            )
        self.name_fields: list[str] = []
        for prefix, names_list, options in (
            ("unit", unknown_units, units),
            ("person", unknown_people, people),
        ):
            for n, name in enumerate(names_list):
                field = f"{prefix}_{n}"
                self.fields[field] = forms.ChoiceField(
                    label=name,
                    choices=[(CREATE, _("新建")), *((str(pk), label) for pk, label in options)],
                    initial=str(names.get(name, CREATE)),
                )
                self.fields[field].widget.attrs["data-name"] = name
                self.name_fields.append(field)
        self.unknown = {f"unit_{n}": name for n, name in enumerate(unknown_units)} | {
            f"person_{n}": name for n, name in enumerate(unknown_people)
        }

    def manual(self) -> dict[str, str]:
        return {
            name.removeprefix("col_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("col_")
        }

    def names(self) -> dict[str, int | None]:
        out: dict[str, int | None] = {}
        for field, name in self.unknown.items():
            value = self.cleaned_data.get(field) or CREATE
            out[name] = None if value == CREATE else int(value)
        return out


class ConfirmForm(forms.Form):
    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    skip_bad_rows = forms.BooleanField(label=_("跳过有错误的行，只导入无误的行"), required=False)
