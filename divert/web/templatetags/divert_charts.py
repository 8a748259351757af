from django import template

from divert.lib.charts import bar_chart

register = template.Library()


@register.simple_tag
def bars(rows, title):
    return bar_chart([(str(label), int(value)) for label, value in rows], str(title))
