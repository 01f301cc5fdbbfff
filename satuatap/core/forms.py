from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Renders every form with our Bootstrap field template (``templates/forms/field.html``)."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"
