"""Template helpers for portal forms."""

from django import template

register = template.Library()


@register.filter
def with_class(bound_field, css_class: str):
    """Render a form field's own widget with Bootstrap classes (and is-invalid on errors).

    Keeps what Django's widgets do well — <optgroup>s, selected values, attributes —
    instead of hand-writing the HTML in templates.
    """
    classes = css_class + (" is-invalid" if bound_field.errors else "")
    return bound_field.as_widget(attrs={"class": classes})
