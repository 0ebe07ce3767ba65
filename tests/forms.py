"""Submit a page's form as a browser would: the values it shows, with some changed."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"attrs": attrs, "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name") and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            self._form["fields"].append(
                (attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "select" and attrs.get("name"):
            self._select = {
                "name": attrs["name"],
                "multiple": "multiple" in attrs,
                "chosen": [],
                "first": None,
            }
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"].append(value)
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            select = self._select
            chosen = select["chosen"] or ([] if select["multiple"] else [select["first"] or ""])
            self._form["fields"] += [(select["name"], value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._form["fields"].append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_data(response, *, action: str | None = None, method: str = "post") -> dict:
    """The fields of the page's form (the one posting to `action`, else the POST form with the
    most fields), as a dict for the test client: a name given several values maps to a list."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    for form in sorted(reader.forms, key=lambda form: -len(form["fields"])):
        if form["attrs"].get("method", "get").lower() != method:
            continue
        if action is not None and form["attrs"].get("action", "") != action:
            continue
        data: dict = {}
        for name, value in form["fields"]:
            if name in data:
                data[name] = (data[name] if isinstance(data[name], list) else [data[name]]) + [value]
            else:
                data[name] = value
        return data
    raise AssertionError(f"No {method} form{f' posting to {action}' if action else ''} on the page.")
