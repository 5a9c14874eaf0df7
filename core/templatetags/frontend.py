from django import template

from core.frontend import app_stylesheets as _app_stylesheets

register = template.Library()


@register.simple_tag
def app_stylesheets() -> tuple[str, ...]:
    """``{% app_stylesheets as sheets %}``: the built app's stylesheets (core.frontend)."""
    return _app_stylesheets()
