"""Pages of the imports: upload, history, one import's result and progress,
the bad-rows download and the blank templates. Thin shells over the services."""

from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRefresh

from semillero.accounts.permissions import is_admin
from semillero.core.importing import blanks
from semillero.core.importing.base import importer_classes
from semillero.core.importing.forms import ImportForm
from semillero.core.importing.progress import progress_get
from semillero.core.importing.selectors import (
    import_batch_get,
    import_batch_list,
    kind_label,
)
from semillero.core.importing.services import (
    import_batch_create,
    import_batch_submit,
    importable_kinds,
)

ERRORS_PER_PAGE = 50
ROW_WARNINGS_SHOWN = 200
BATCHES_PER_PAGE = 25
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def upload(request):
    kinds = importable_kinds(request.user)
    if not kinds:
        raise PermissionDenied
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, kinds=kinds)
        if form.is_valid():
            data = form.cleaned_data
            batch, created = import_batch_create(
                kind=data["kind"],
                user=request.user,
                file=data["file"],
                file_name=data["file"].name,
                all_or_nothing=data["all_or_nothing"],
                form_token=data["token"],
            )
            if created:
                background = (
                    data["background"]
                    or data["file"].size > settings.IMPORT_BACKGROUND_BYTES
                )
                import_batch_submit(batch=batch, background=background)
            return redirect("imports:detail", pk=batch.pk)
    else:
        # Pages link here with ?kind=enrolments etc.; an unknown kind is ignored.
        requested_kind = request.GET.get("kind")
        initial = {"kind": requested_kind} if requested_kind in kinds else {}
        form = ImportForm(kinds=kinds, initial=initial)
    recent = list(import_batch_list(user=request.user).filter(user=request.user)[:5])
    for batch in recent:
        batch.kind_label = kind_label(batch.kind)
    return render(
        request,
        "imports/upload.html",
        {"form": form, "kinds": kinds, "recent": recent},
    )


@login_required
@require_GET
def batch_list(request):
    page = Paginator(import_batch_list(user=request.user), BATCHES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for batch in page:
        batch.kind_label = kind_label(batch.kind)
    return render(
        request,
        "imports/list.html",
        {"page": page, "show_user": is_admin(request.user)},
    )


@login_required
@require_GET
def detail(request, pk: int):
    batch = import_batch_get(user=request.user, pk=pk)
    errors = Paginator(batch.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/detail.html",
        {
            "batch": batch,
            "kind_label": kind_label(batch.kind),
            "errors": errors,
            # The first page's worth; the count is in the table above.
            "row_warnings": batch.row_warnings[:ROW_WARNINGS_SHOWN],
            "progress": None if batch.is_finished else progress_get(batch.pk),
        },
    )


@login_required
@require_GET
def progress(request, pk: int):
    """The progress bar, polled by htmx every second while the import runs;
    once it is done the whole page reloads to show the result."""
    batch = import_batch_get(user=request.user, pk=pk)
    if batch.is_finished:
        if request.htmx:
            return HttpResponseClientRefresh()
        return redirect("imports:detail", pk=batch.pk)
    return render(
        request,
        "imports/_progress.html",
        {"batch": batch, "progress": progress_get(batch.pk)},
    )


@login_required
@require_GET
def bad_rows(request, pk: int):
    batch = import_batch_get(user=request.user, pk=pk)
    if not batch.bad_rows_file:
        raise Http404
    return FileResponse(
        batch.bad_rows_file.open("rb"),
        as_attachment=True,
        filename=f"{PurePath(batch.file_name).stem}-errors.csv",
        content_type="text/csv; charset=utf-8",
    )


@login_required
@require_GET
def template_file(request, kind: str, fmt: str):
    importer = importer_classes().get(kind)
    if importer is None or fmt not in ("csv", "xlsx"):
        raise Http404
    if fmt == "csv":
        response = HttpResponse(
            blanks.template_csv(importer), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(blanks.template_xlsx(importer), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{kind}.{fmt}"'
    return response
