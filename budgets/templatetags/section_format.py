"""Narrative sections on the public page: those the original leaves empty are named once,
not each with its own "原文此节无内容" (a document with 23 empty project sections)."""

from django import template

register = template.Library()


@register.filter
def without_text(sections) -> list:
    return [s for s in sections if not s.text.strip()]
