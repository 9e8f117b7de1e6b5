"""What several registry test modules share: the pinned query count of a list endpoint and
the POST body an admin page would send."""


def pinned_list_queries(django_assert_num_queries, client, url, make, expected):
    """The same number of queries for 2 rows and for 12: nothing runs per row."""
    make(2)
    client.get(url)  # warm per-process caches
    with django_assert_num_queries(expected):
        first = client.get(url).json()["count"]
    make(10)
    with django_assert_num_queries(expected):
        second = client.get(url).json()["count"]
    assert second == first + 10


def form_data(page) -> dict:
    """The bound values of an admin page's main form plus every inline's management form."""
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = getattr(value, "pk", value)
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{inline.formset.prefix}-{name}"] = management[name].value()
    return data
