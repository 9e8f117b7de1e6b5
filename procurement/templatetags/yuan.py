"""`{{ amount|yuan }}`: money in yuan with two decimals and thousands separators
(1,200,000.00) in every language. Django's Chinese number format groups no digits (and
`intcomma` follows it), while amounts in Chinese finance are written in threes."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()
CENT = Decimal("0.01")


@register.filter
def yuan(value):
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError, TypeError):
        return value
    return f"{amount:,.2f}"
