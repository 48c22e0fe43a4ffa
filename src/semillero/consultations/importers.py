"""Import of answers collected elsewhere (a KoboToolbox or LimeSurvey export):
one row per response, a `stakeholder_group` column (the group's code or its
name in either language) and one column per question code of the current
questionnaire; optionally the response's identifier in the source (`_uuid`,
`id`…) and its date (`_submission_time`, `submitdate`…).

The importer is built per consultation (its columns are the questionnaire's),
so it is not one of the registered kinds of the Imports page: the consultation's
page uploads the file. It runs on the platform's engine (header matching,
validation row by row, duplicates within the file, the bad-rows file) and its
batch shows on the usual import page with its error report.
"""

import datetime
from collections.abc import Mapping
from pathlib import PurePath

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.accounts.permissions import can_run_consultations, require
from semillero.core.importing import Column, Importer, RowInvalid, StoreResult
from semillero.core.importing import parsers as p
from semillero.core.importing.parsers import normalise_name
from semillero.core.importing.services import check_upload, import_batch_process
from semillero.core.models import ImportBatch

from .models import (
    Answer,
    Consultation,
    Questionnaire,
    QuestionType,
    Response,
    ResponseSource,
)
from .services import answer_fields

KIND = "consultation_responses"
GROUP_ALIASES = ("grupo", "grupo_de_actores", "group", "sector", "stakeholder")
ID_ALIASES = (
    "_uuid",
    "_id",
    "id",
    "uuid",
    "response_id",
    "respuesta",
    "meta_instanceid",
)
DATE_ALIASES = (
    "_submission_time",
    "submitdate",
    "submission_time",
    "fecha",
    "date",
    "end",
)


def _iso_or_date(value: str) -> datetime.date:
    """Kobo writes 2023-01-15T10:22:03; LimeSurvey 2023-01-15 10:22:03."""
    head = value.strip()[:10]
    try:
        return datetime.date.fromisoformat(head)
    except ValueError:
        return p.date(value)


class ResponsesImporter(Importer):
    kind = KIND
    label = gettext_lazy("Consultation answers")
    key = ("response_id",)

    def __init__(self, *, consultation: Consultation, user=None, batch=None):
        self.consultation = consultation
        self.questionnaire: Questionnaire = consultation.questionnaire
        self.questions = list(self.questionnaire.questions.all())
        self.columns = (
            Column("stakeholder_group", required=True, aliases=GROUP_ALIASES),
            Column("response_id", aliases=ID_ALIASES),
            Column("submitted", parser=_iso_or_date, aliases=DATE_ALIASES),
            *(Column(q.code) for q in self.questions),
        )
        super().__init__(user=user, batch=batch)

    def prepare(self):
        self.groups = {}
        for g in self.consultation.groups.all():
            for name in (g.code, g.name_es, g.name_en):
                if name:
                    self.groups[normalise_name(name).replace(" ", "_")] = g
        self.existing = set(
            self.consultation.responses.exclude(external_id="").values_list(
                "external_id", flat=True
            )
        )

    def clean(self, values: Mapping) -> dict:
        problems = []
        group_text = values.get("stakeholder_group") or ""
        group = self.groups.get(normalise_name(group_text).replace(" ", "_"))
        if group is None:
            problems.append(
                ("stakeholder_group", _("is not a group of this consultation"))
            )
        external_id = (values.get("response_id") or "")[:100]
        if external_id and external_id in self.existing:
            problems.append(("response_id", _("was already imported")))
        answers = {}
        for q in self.questions:
            text = values.get(q.code)
            if text is None:
                continue
            value = text
            if q.type == QuestionType.MULTIPLE:
                value = text.replace(",", " ").replace(";", " ").split()
            elif q.type in CHOICE_OR_LIKERT:
                value = self._option_code(q, text)
            try:
                answers[q.pk] = answer_fields(q, value)
            except ValueError as exc:
                problems.append((q.code, str(exc)))
        for q in self.questions:
            if q.required and q.pk not in answers and q.code in self.present:
                problems.append((q.code, _("is required")))
        if problems:
            raise RowInvalid(*problems)
        return {
            "group": group.pk,
            "external_id": external_id,
            "submitted": values.get("submitted"),
            "answers": answers,
        }

    @staticmethod
    def _option_code(question, text: str) -> str:
        """An option's code, or its label in either language."""
        wanted = normalise_name(text)
        for o in question.options:
            if wanted in (
                normalise_name(o["code"]),
                normalise_name(o.get("es", "")),
                normalise_name(o.get("en", "")),
            ):
                return o["code"]
        return text

    def store(self, chunks) -> StoreResult:
        result = StoreResult()
        now = timezone.now()
        for records in chunks:
            responses = Response.objects.bulk_create(
                Response(
                    consultation=self.consultation,
                    group_id=r["group"],
                    questionnaire=self.questionnaire,
                    source=ResponseSource.IMPORT,
                    external_id=r["external_id"],
                    import_batch=self.batch,
                    started_at=now,
                    submitted_at=_moment(r["submitted"]) or now,
                )
                for r in records
            )
            Answer.objects.bulk_create(
                Answer(response=response, question_id=question_id, **fields)
                for response, r in zip(responses, records, strict=True)
                for question_id, fields in r["answers"].items()
                if fields["number"] is not None or fields["text"] or fields["choices"]
            )
            result.created += len(responses)
        if result.created:
            Questionnaire.objects.filter(
                pk=self.questionnaire.pk, frozen_at__isnull=True
            ).update(frozen_at=now)
        return result


CHOICE_OR_LIKERT = (QuestionType.SINGLE, QuestionType.LIKERT)


def _moment(day):
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def responses_import(
    *, consultation: Consultation, user, file, file_name: str
) -> ImportBatch:
    """Import a file of answers into `consultation`: every valid row becomes a
    submitted response; rejected rows are listed, with the bad-rows file, on
    the batch's page. Raises ImportFileError for a file of the wrong type."""
    require(can_run_consultations(user))
    check_upload(file_name=file_name, size=file.size)
    batch = ImportBatch(
        kind=KIND,
        user=user,
        file_name=PurePath(file_name).name[:255],
        file_size=file.size,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    batch.file.save(file_name, file, save=False)
    batch.save()
    # The platform's engine: validation, the error report and bad-rows file,
    # one transaction for the valid rows, a failed batch on a crash.
    importer = ResponsesImporter(consultation=consultation, user=user, batch=batch)
    import_batch_process(batch=batch, importer=importer)
    batch.refresh_from_db()
    return batch
