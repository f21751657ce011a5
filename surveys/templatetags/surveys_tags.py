from django import template

from surveys.history import field_label

register = template.Library()


@register.filter
def corrected_labels(correction, plan) -> list[str]:
    """The names, in the plan's words, of the fields a published correction changed."""
    return [field_label(plan, name) for name, _before, _after in correction.changes]
