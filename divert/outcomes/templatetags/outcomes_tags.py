from django import template

from divert.outcomes.present import cell_text

register = template.Library()


@register.simple_tag
def cell(value, columns, index, hidden, k=None):
    """A table cell's text: a dash with a reason a screen reader hears when the value is hidden."""
    from django.utils.html import format_html

    if hidden and hidden[index]:
        return format_html('<abbr title="{}">—</abbr>', "hidden")
    return cell_text(value, columns[index])
