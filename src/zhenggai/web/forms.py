"""How every form of the platform is drawn: Bootstrap 5 markup, errors beside the field.

`settings.FORM_RENDERER` points here, so `{{ form }}` and `{{ form.field.as_field_group }}`
in any app's template give labelled fields, help text and the field's own error messages
(in Chinese, from the form or the service) right under the input, with `aria-invalid`
and `aria-describedby` set for screen readers. A rejected form is re-rendered bound, so
nothing typed is lost.
"""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"
