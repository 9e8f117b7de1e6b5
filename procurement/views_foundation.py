"""The foundation's public pages: every open fund, and one fund's income and use.

Donors appear by their public name only (匿名 for anonymous donors and residents);
beneficiaries of pending or refused requests never appear."""

from django.shortcuts import render

from procurement.selectors import foundation as sel


def foundation_funds(request):
    return render(request, "procurement/foundation_funds.html", {"funds": sel.public_funds()})


def foundation_fund(request, pk):
    return render(request, "procurement/foundation_fund.html", {"view": sel.public_fund(pk)})
