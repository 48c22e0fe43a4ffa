"""Pages of the policy catalogue: thin shells over `selectors` and `services`.
Reading is public (no login); editors (accounts.permissions) add and revise."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from semillero.accounts.permissions import can_edit_policy_catalogue
from semillero.core.listing import Column, Filter, Listing

from . import events, exchange, selectors, services
from .forms import CatalogueImportForm, EntryForm
from .models import Entry, EntryKind, InstrumentType, Trend
from .services import country_name

COLUMNS = [
    Column("name", gettext_lazy("Name"), sort=("name",)),
    Column(
        "country",
        gettext_lazy("Country"),
        sort=("country",),
        value=lambda e: country_name(e.country),
    ),
    Column("year", gettext_lazy("Year"), sort=("year",), numeric=True),
    Column("kind", gettext_lazy("Kind"), value="get_kind_display", table=False),
    Column(
        "instrument_type",
        gettext_lazy("Type"),
        sort=("instrument_type",),
        value="get_instrument_type_display",
    ),
    Column(
        "trends",
        gettext_lazy("Trends"),
        value=lambda e: [str(Trend(t).label) for t in e.trend_codes],
    ),
    Column("summary", gettext_lazy("Summary"), table=False),
    Column("last_checked", gettext_lazy("Last checked"), table=False),
]
FILTERS = [
    Filter("kind", gettext_lazy("Kind"), EntryKind.choices),
    Filter("country", gettext_lazy("Country"), selectors.countries),
    Filter("instrument_type", gettext_lazy("Type"), InstrumentType.choices),
    Filter("trend", gettext_lazy("Trend"), Trend.choices),
    Filter("year", gettext_lazy("Year"), selectors.years),
]


@require_GET
def catalogue(request):
    listing = Listing(
        request,
        name="policy_catalogue",
        title=_("Policy instruments and trends"),
        columns=COLUMNS,
        filters=FILTERS,
        default_sort="country",
    )
    rows = selectors.entry_list(**listing.selector_kwargs())
    return listing.respond(
        rows,
        "policies/catalogue.html",
        "policies/_catalogue_results.html",
        {"listing": listing, "can_edit": can_edit_policy_catalogue(request.user)},
    )


@require_GET
def entry_detail(request, slug):
    try:
        entry = selectors.entry_by_slug(slug)
    except Entry.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "policies/entry_detail.html",
        {
            "entry": entry,
            "country": country_name(entry.country),
            "trends": [Trend(t) for t in entry.trend_codes],
            "parameters": selectors.compare([entry.slug]).rows,
            "history": selectors.revision_changes(list(entry.revisions.all())),
            "can_edit": can_edit_policy_catalogue(request.user),
        },
    )


@require_GET
def matrix(request):
    trend = request.GET.get("trend", "")
    if trend not in Trend.values:
        trend = ""
    return render(
        request,
        "policies/matrix.html",
        {
            "matrix": selectors.comparison_matrix(trend=trend),
            "trend": trend,
            "trends": Trend.choices,
        },
    )


@require_GET
def compare(request):
    """Chosen entries side by side (?e=slug&e=slug), or every instrument of a
    type (?type=levy)."""
    instrument_type = request.GET.get("type", "")
    if instrument_type in InstrumentType.values:
        slugs = selectors.entries_of_type(instrument_type)
    else:
        instrument_type = ""
        slugs = request.GET.getlist("e")
    comparison = selectors.compare(slugs[: selectors.MAX_COMPARED])
    return render(
        request,
        "policies/compare.html",
        {
            "comparison": comparison,
            "chosen": {e.slug for e in comparison.entries},
            "choices": [
                (InstrumentType(t).label if t else _("Other entries"), entries)
                for t, entries in selectors.compare_choices().items()
            ],
            "types": InstrumentType.choices,
            "instrument_type": instrument_type,
            "max_compared": selectors.MAX_COMPARED,
            "too_many": len(slugs) > selectors.MAX_COMPARED,
            "countries": {e.slug: country_name(e.country) for e in comparison.entries},
        },
    )


@require_GET
def timeline(request):
    country = request.GET.get("country", "")
    if country not in {c for c, _n in selectors.countries()}:
        country = ""
    instrument_type = request.GET.get("type", "")
    if instrument_type not in InstrumentType.values:
        instrument_type = ""
    return render(
        request,
        "policies/timeline.html",
        {
            "decades": selectors.timeline(
                country=country, instrument_type=instrument_type
            ),
            "countries": selectors.countries(),
            "country": country,
            "types": InstrumentType.choices,
            "instrument_type": instrument_type,
        },
    )


def _editor(request):
    if not can_edit_policy_catalogue(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request):
    _editor(request)
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_create(
                actor=request.user,
                data=form.service_data(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Entry added to the catalogue."))
            return redirect("policies:entry_detail", slug=entry.slug)
    return render(
        request,
        "policies/form.html",
        {"form": form, "title": _("New catalogue entry"), "entry": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_update(request, slug):
    _editor(request)
    entry = Entry.objects.filter(slug=slug).first()
    if entry is None:
        raise Http404
    form = EntryForm(request.POST or None, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_update(
                actor=request.user,
                entry=entry,
                data=form.service_data(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Entry saved; the previous version is kept."))
            return redirect("policies:entry_detail", slug=entry.slug)
    return render(
        request,
        "policies/form.html",
        {"form": form, "title": entry.name, "entry": entry},
    )


@require_GET
def export(request, file_format):
    """The whole catalogue in the exchange format (re-importable), audited."""
    entries = exchange.export_entries()
    if file_format == "json":
        content, content_type = exchange.to_json(entries), "application/json"
    else:
        content = "\ufeff" + exchange.to_csv(entries)
        content_type = "text/csv; charset=utf-8"
    events.catalogue_exported_event(
        actor=request.user, file_format=file_format, entries=len(entries)
    )
    response = HttpResponse(content.encode("utf-8"), content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="catalogo-politicas-{stamp}.{file_format}"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_import(request):
    _editor(request)
    form = CatalogueImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            entries = exchange.read_file(
                upload.name, upload.read(exchange.MAX_FILE_SIZE + 1)
            )
            counts = services.catalogue_load(
                actor=request.user,
                entries=entries,
                note=form.cleaned_data["note"]
                or _("Imported from %(file)s") % {"file": upload.name},
                file_name=upload.name,
            )
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(
                request,
                _(
                    "Catalogue imported: %(created)d created, %(updated)d revised, "
                    "%(unchanged)d unchanged."
                )
                % counts,
            )
            return redirect("policies:catalogue")
    return render(request, "policies/import.html", {"form": form, "problems": problems})
