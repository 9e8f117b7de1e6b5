"""Work queues on the admin index: each admin may offer `queue_links(request)`.

An admin that holds a queue a clerk must empty (the district triage queue, say) returns
`[{"label", "url", "count"}]` for the user, scoped as its list is; the index shows them
above the apps, so the queue is one click from signing in.
"""

from django import template
from django.contrib import admin

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_queues(context) -> list[dict]:
    request = context.get("request")
    if request is None:
        return []
    links = []
    for model_admin in admin.site._registry.values():
        offer = getattr(model_admin, "queue_links", None)
        if offer is not None:
            links.extend(offer(request))
    return links
