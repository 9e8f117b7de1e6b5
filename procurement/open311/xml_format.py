"""GeoReport's XML format, beside the JSON one."""

from xml.etree import ElementTree

from rest_framework import renderers


class GeoReportXMLRenderer(renderers.BaseRenderer):
    """GeoReport's XML: `<services><service>…`, `<service_requests><request>…`,
    `<service_definition>…`, `<errors><error>…`; lists of values repeat their item."""

    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"
    # A list in a field → the element each of its items is written as.
    ITEMS = {"attributes": "attribute", "values": "value"}

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        response = context.get("response")
        view = context.get("view")
        if response is not None and response.status_code >= 400:
            root, item = "errors", "error"
        else:
            root, item = getattr(view, "xml_names", ("response", "item"))
        top = ElementTree.Element(root)
        if isinstance(data, list):
            for row in data:
                self._fill(ElementTree.SubElement(top, item), row)
        else:
            self._fill(top, data)
        return b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(
            top, encoding="utf-8", xml_declaration=False
        )

    def _fill(self, element, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                self._fill(ElementTree.SubElement(element, str(key)), inner)
        elif isinstance(value, list):
            child = self.ITEMS.get(element.tag, "item")
            for inner in value:
                self._fill(ElementTree.SubElement(element, child), inner)
        elif value is None:
            element.text = ""
        elif isinstance(value, bool):
            element.text = "true" if value else "false"
        else:
            element.text = str(value)
