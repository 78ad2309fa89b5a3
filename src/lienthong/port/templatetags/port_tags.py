import json

from django import template

register = template.Library()


@register.filter
def json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False)
