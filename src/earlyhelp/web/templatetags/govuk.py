"""Template tags for GOV.UK Design System markup.

    {% load govuk %}
    {% govuk_error_summary form %}                  error summary linking to each bad field
    {% govuk_field form.email label_class="govuk-label--m" hint="We will only..." %}
    {% govuk_field form.when page_heading=True %}   label/legend as the page's <h1>
    {{ some_date|govuk_date }}                      4 June 2026
    {% govuk_tag "Overdue" "red" %}

The markup lives in templates/includes/govuk/*.html so other apps can include a component
directly with their own context.
"""

import datetime as dt
import functools

from django import forms, template
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from earlyhelp.core import dates
from earlyhelp.core.dates import long_date
from earlyhelp.web.forms.base import DateInputs, GovukDateField

register = template.Library()


@register.filter
def govuk_date(value) -> str:
    """4 June 2026 (a datetime is shown as the local date)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return long_date(value)


@register.filter
def govuk_datetime(value) -> str:
    """4 June 2026 at 2:05pm."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return local_datetime_text(value)


def local_datetime_text(value) -> str:
    """govuk_datetime of a datetime already in local time: no time zone looked up (a page of
    timeline events formats twenty)."""
    hour = value.hour % 12 or 12
    return (f"{long_date(value.date())} at {hour}:{value.minute:02d}"
            f"{'am' if value.hour < 12 else 'pm'}")


@register.filter
def age_in_years(person, on=None):
    from earlyhelp.core.dates import age_in_years as _age

    if not getattr(person, "date_of_birth", None):
        return ""
    return _age(person.date_of_birth, on or dates.today())


@register.filter
def field_type(bound_field) -> str:
    return _field_type(bound_field)


def _field_type(bf) -> str:
    widget = bf.field.widget
    if isinstance(bf.field, GovukDateField) or isinstance(widget, DateInputs):
        return "date_input"
    if isinstance(widget, forms.CheckboxSelectMultiple):  # a subclass of RadioSelect
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


def field_id(bf) -> str:
    return bf.auto_id or f"id_{bf.html_name}"


def error_anchor(bf) -> str:
    """Where an error summary link should land for this field."""
    kind = _field_type(bf)
    base = field_id(bf)
    if kind == "date_input":
        parts = getattr(bf.field, "error_parts", ()) or ("day",)
        return f"{base}_{parts[0]}"
    return base


def _options(bf, base_id: str):
    value = bf.value()
    if isinstance(value, (list, tuple)):
        chosen = {str(v) for v in value}
    else:
        chosen = {str(value)} if value not in (None, "") else set()
    hints = getattr(bf.field, "option_hints", {}) or {}
    # A radio may reveal more fields when chosen (GOV.UK conditional reveal): a template name.
    reveals = getattr(bf.field, "option_reveals", {}) or {}
    out = []
    for choice_value, choice_label in bf.field.choices:
        key = str(getattr(choice_value, "value", choice_value))
        if key == "" and _field_type(bf) in ("radios", "checkboxes"):
            continue
        if isinstance(choice_label, (list, tuple)):  # optgroups are not used in our forms
            continue
        index = len(out)
        out.append(
            {
                "value": key,
                "label": choice_label,
                "checked": key in chosen,
                "id": base_id if index == 0 else f"{base_id}-{index + 1}",
                "hint": hints.get(key, ""),
                "reveal": reveals.get(key, ""),
            }
        )
    return out


def _hides_value(bf) -> bool:
    widget = bf.field.widget
    return isinstance(widget, forms.PasswordInput) and not widget.render_value


def field_context(bf, **options) -> dict:
    kind = _field_type(bf)
    base_id = field_id(bf)
    hint = options.get("hint", bf.help_text)
    errors = list(bf.errors)
    described = []
    if hint:
        described.append(f"{base_id}-hint")
    if errors:
        described.append(f"{base_id}-error")
    context = {
        "field": bf,
        "kind": kind,
        "id": base_id,
        "name": bf.html_name,
        "label": options.get("label", bf.label),
        "label_class": options.get("label_class", ""),
        "legend_class": options.get(
            "legend_class", options.get("label_class", "govuk-fieldset__legend--s")
        ),
        "page_heading": options.get("page_heading", False),
        "hint": hint,
        "error": errors[0] if errors else "",
        "classes": options.get("classes", ""),
        "autocomplete": options.get("autocomplete", ""),
        "input_type": options.get("type", getattr(bf.field.widget, "input_type", "text")),
        "inputmode": options.get("inputmode", ""),
        "spellcheck": options.get("spellcheck", None),
        "rows": options.get("rows", 5),
        "inline": options.get("inline", False),
        "small": options.get("small", False),
        "describedby": " ".join(described),
        "value": "" if _hides_value(bf) else bf.value(),
    }
    if kind in ("radios", "checkboxes", "select"):
        context["options"] = _options(bf, base_id)
    if kind == "date_input":
        raw = bf.value()
        if isinstance(raw, dt.date):
            values = [str(raw.day), str(raw.month), str(raw.year)]
        elif isinstance(raw, (list, tuple)):
            values = list(raw) + ["", "", ""]
        else:
            values = ["", "", ""]
        bad = set(getattr(bf.field, "error_parts", ()) or ()) if errors else set()
        if errors and not bad:
            bad = {"day", "month", "year"}
        context["parts"] = [
            {
                "name": f"{bf.html_name}_{part}",
                "id": f"{base_id}_{part}",
                "label": part.capitalize(),
                "value": values[i],
                "width": 4 if part == "year" else 2,
                "error": part in bad,
                "autocomplete": (f"bday-{part}" if options.get("autocomplete") == "bday" else ""),
            }
            for i, part in enumerate(("day", "month", "year"))
        ]
    if kind == "checkbox":
        context["checked"] = bool(bf.value())
    return context


@register.simple_tag(takes_context=True)
def govuk_field(context, bound_field, **options):
    if bound_field is None:
        return ""
    ctx = field_context(bound_field, **options)
    if ctx["kind"] == "hidden":
        return mark_safe(str(bound_field))
    for option in ctx.get("options", ()):
        if option.get("reveal"):  # rendered with the page's context: it holds the form's fields
            flat = context.flatten() if hasattr(context, "flatten") else dict(context)
            option["reveal"] = render_to_string(option["reveal"], flat)
    return render_to_string(f"includes/govuk/{ctx['kind']}.html", ctx)


@register.simple_tag
def govuk_fields(form, **options):
    """Every visible field of a form in order, with the same options."""
    return mark_safe(
        "".join(
            govuk_field({}, bf, **options) for bf in form if bf.name not in options.get("skip", ())
        )
    )


@register.simple_tag
def govuk_error_summary(*forms_, title="There is a problem"):
    items = []
    for form in forms_:
        if not form or not getattr(form, "errors", None):
            continue
        for message in form.non_field_errors():
            items.append({"text": message, "href": ""})
        for bf in form:
            for message in bf.errors:
                items.append({"text": message, "href": f"#{error_anchor(bf)}"})
    if not items:
        return ""
    return render_to_string("includes/govuk/error_summary.html", {"items": items, "title": title})


@register.simple_tag
def govuk_tag(text, colour=""):
    """The markup of includes/govuk/tag.html, byte for byte, without rendering a template: the
    tag is drawn in rows of the busiest pages (issue 19)."""
    modifier = f" govuk-tag--{conditional_escape(colour)}" if colour else ""
    return mark_safe(f'<strong class="govuk-tag{modifier}">{conditional_escape(text)}</strong>\n')


# govuk_tag's markup, made once per text and colour: rows tag the same few statuses (its escaping
# and SafeString per tag were a good part of drawing them, issue 19)
cached_tag = functools.lru_cache(maxsize=128)(govuk_tag)


def displayed(obj, name: str) -> str:
    """obj.get_<name>_display(), its field's choices read into a dict once (Django makes the
    dict on every call: a few microseconds each, a dozen a page)."""
    value = getattr(obj, name)
    return force_str(_choices(type(obj), name).get(value, value), strings_only=True)


@functools.cache
def _choices(model, name: str) -> dict:
    return dict(make_hashable(model._meta.get_field(name).flatchoices))


@register.simple_tag(takes_context=True)
def title_prefix(context) -> str:
    """The <title> before the service's name: "Error: " when the page shows a form's errors
    (GOV.UK's pattern), then the page's title and a dash. Read from the context as a dict:
    the template's `form.errors` on a page without a form failed three lookups each time
    (issue 19: a tenth of the layout's rendering)."""
    form = context.get("form")
    has_errors = context.get("has_errors") or (form is not None and getattr(form, "errors", None))
    title = context.get("page_title")
    return f"{'Error: ' if has_errors else ''}{f'{title} – ' if title else ''}"


@register.simple_tag
def link(name, *args):
    """`{% url name args %}` where the last argument is a record's id: the reverse is kept per
    name and fixed arguments (web.views.base.url_maker), the id swapped in – the episode page
    made fifteen links per request, each a reverse (issue 19)."""
    from django.urls import reverse

    from earlyhelp.web.views.base import url_maker

    if not args or args[-1] is None:
        return reverse(name, args=args)
    *fixed, last = args
    return url_maker(name, *fixed)(last)


@register.filter
def rag_colour(value) -> str:
    return {"red": "red", "amber": "orange", "green": "green"}.get(value or "", "grey")


_PREV_ICON = (
    '<svg class="govuk-pagination__icon govuk-pagination__icon--prev" '
    'xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" '
    'focusable="false" viewBox="0 0 15 13"><path d="m6.5938-0.0078125-6.7266 6.7266 6.7441 '
    '6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z"></path></svg>'
)
_NEXT_ICON = (
    '<svg class="govuk-pagination__icon govuk-pagination__icon--next" '
    'xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" '
    'focusable="false" viewBox="0 0 15 13"><path d="m8.107-0.0078125-1.4136 1.414 4.2926 '
    '4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z"></path>'
    "</svg>"
)


def _around_page(query) -> tuple[str, str]:
    """The escaped query string of a page's link either side of its number, as setting `page`
    in a copy of the request's query and encoding it would give: encoded once for all the
    links, not per link (copying and encoding were most of the tag's time, issue 19)."""
    if not query:
        return "?page=", ""
    before, after = QueryDict(mutable=True), QueryDict(mutable=True)
    side = before
    for key, values in query.lists():
        if key == "page":
            side = after  # the page number takes the place of the first `page`
        else:
            side.setlist(key, values)
    head, tail = before.urlencode(), after.urlencode()
    return (conditional_escape(f"?{head}&page=" if head else "?page="),
            conditional_escape(f"&{tail}" if tail else ""))  # fmt: skip


@register.simple_tag(takes_context=True)
def govuk_pagination(context, page_obj, label="Pagination"):
    """The GOV.UK pagination component for a Paginator page (nothing for a single page): the
    first, last, current and neighbouring pages, ellipses between. Drawn here rather than by an
    included template: it sits under every list (issue 19)."""
    if page_obj is None or page_obj.paginator.num_pages <= 1:
        return ""
    head, tail = _around_page(context["request"].GET)

    def href(number):
        return f"{head}{number}{tail}"

    current, last = page_obj.number, page_obj.paginator.num_pages
    shown = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    label = conditional_escape(label or "Pagination")
    parts = [f'<nav class="govuk-pagination" aria-label="{label}">\n']
    if page_obj.has_previous():
        parts.append(
            '<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" '
            f'href="{href(page_obj.previous_page_number())}" rel="prev">{_PREV_ICON}'
            '<span class="govuk-pagination__link-title">Previous'
            '<span class="govuk-visually-hidden"> page</span></span></a></div>\n'
        )
    parts.append('<ul class="govuk-pagination__list">\n')
    previous = None
    for number in shown:
        if previous is not None and number - previous > 1:
            parts.append('<li class="govuk-pagination__item govuk-pagination__item--ellipsis">'
                         "&ctdot;</li>\n")
        here = number == current
        item_class = " govuk-pagination__item--current" if here else ""
        marked = ' aria-current="page"' if here else ""
        parts.append(
            f'<li class="govuk-pagination__item{item_class}">'
            f'<a class="govuk-link govuk-pagination__link" href="{href(number)}" '
            f'aria-label="Page {number}"{marked}>{number}</a></li>\n'
        )
        previous = number
    parts.append("</ul>\n")
    if page_obj.has_next():
        parts.append(
            '<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" '
            f'href="{href(page_obj.next_page_number())}" rel="next">'
            '<span class="govuk-pagination__link-title">Next<span class="govuk-visually-hidden">'
            f" page</span></span>{_NEXT_ICON}</a></div>\n"
        )
    parts.append("</nav>\n")
    return mark_safe("".join(parts))
