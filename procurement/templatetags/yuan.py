"""`{{ amount|yuan }}`: money in yuan with two decimals and thousands separators
(1,200,000.00) in every language. Django's Chinese number format groups no digits (and
`intcomma` follows it), while amounts in Chinese finance are written in threes."""

from decimal import InvalidOperation

from django import template

from huitian import ledger

register = template.Library()


@register.filter
def yuan(value):
    if value is None or value == "":
        return ""
    try:
        return ledger.yuan(value)
    except (InvalidOperation, ValueError, TypeError):
        return value
