"""The language switch of the page header: {% load languages %}{% language_links as links %}."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """This page in each language (LANGUAGES): /departments/… ↔ /en/departments/…"""
    request = context.get("request")
    path = request.get_full_path() if request is not None else "/"
    current = get_language()
    links = [{"code": code, "name": name, "url": translate_url(path, code),
              "current": code == current}
             for code, name in settings.LANGUAGES]
    # Staff pages and the admin have one language: no switch there.
    return links if len({link["url"] for link in links}) > 1 else []
