"""The results against values computed by hand (indicators.md, "Consultations")."""

import math

import pytest

from semillero.consultations import analysis, services
from semillero.consultations.models import Invitation

from .support import answer, consultation_with_questions, question

pytestmark = pytest.mark.django_db

Z = 1.959963984540054


def wilson_by_hand(k, n):
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


@pytest.fixture
def consultation(analyst_user):
    c = consultation_with_questions(analyst_user)
    for value in (1, 2, 4, 5, 5):
        answer(c, "workers", {"coord": value, "staff": 10})
    for value in (4, 4, 5, 5, 5, 3):
        answer(c, "business_associations", {"coord": value, "channel": "mail"})
    # Five more workers invited, not answered; one business association.
    for _ in range(5):
        Invitation.objects.create(
            consultation=c,
            group=c.groups.get(code="workers"),
            token=services.new_token(),
        )
    Invitation.objects.create(
        consultation=c,
        group=c.groups.get(code="business_associations"),
        token=services.new_token(),
    )
    # An anonymous answer of a worker: no invitation, counts towards the target only.
    link = services.open_link_get_or_create(
        c.groups.get(code="workers"), user=analyst_user
    )
    response = services.start_anonymous(link)
    services.answers_save(response, {question(c, "coord"): 5})
    services.submit(response)
    services.group_save(
        c, user=analyst_user, code="workers", name_es="Trabajadores", target=12
    )
    return c


def test_response_rates_per_group_and_overall(consultation):
    rates = analysis.ResponseRates(consultation).calculate()
    rows = {r.code: r for r in rates["groups"]}
    workers = rows["workers"]
    assert (workers.invitations, workers.answered_invited, workers.open_link) == (
        10,
        5,
        1,
    )
    assert workers.rate == 0.5
    assert workers.answers == 6 and workers.target_share == 0.5
    business = rows["business_associations"]
    assert business.rate == 6 / 7
    assert rows["government"].rate is None
    total = rates["total"]
    assert (total.invitations, total.answered_invited) == (17, 11)
    assert total.rate == 11 / 17


def test_agreement_share_mean_and_wilson_interval(consultation):
    (coord,) = [
        r
        for r in analysis.ClosedResults(
            consultation, [question(consultation, "coord")]
        ).calculate()
    ]
    groups = {g.code: g for g in coord.groups}
    workers = groups["workers"]  # 1, 2, 4, 5, 5 and 5 through the open link
    assert (workers.n, workers.agree) == (6, 4)
    assert workers.agreement_share == pytest.approx(4 / 6)
    assert workers.mean == pytest.approx(22 / 6)
    low, high = wilson_by_hand(4, 6)
    assert workers.ci_low == pytest.approx(low) and workers.ci_high == pytest.approx(
        high
    )
    business = groups["business_associations"]
    assert (business.n, business.agree, business.mean) == (6, 5, pytest.approx(26 / 6))
    assert coord.total.n == 12 and coord.total.agreement_share == pytest.approx(9 / 12)
    assert groups["government"].n == 0 and groups["government"].agreement_share is None
    assert business.counts == {"4": 2, "5": 3, "3": 1}


def test_groups_that_differ_are_said_in_words(analyst_user):
    c = consultation_with_questions(analyst_user)
    for value in (1, 1, 2, 2, 1, 2):
        answer(c, "workers", {"coord": value})
    for value in (5, 5, 4, 5, 4, 5):
        answer(c, "business_associations", {"coord": value})
    answer(c, "government", {"coord": 3})  # too few to be tested
    (result,) = analysis.ClosedResults(c, [question(c, "coord")]).calculate()
    assert result.differ
    assert result.test["groups"] == ["business_associations", "workers"]
    assert result.test["p_value"] < 0.01
    workers = c.groups.get(code="workers").name
    business = c.groups.get(code="business_associations").name
    assert result.finding.startswith(f"{business} y {workers} no coinciden")
    assert "100%" in result.finding and "0%" in result.finding


def test_groups_that_agree_are_not_said_to_differ(analyst_user):
    c = consultation_with_questions(analyst_user)
    for group in ("workers", "business_associations"):
        for value in (2, 3, 4, 5, 3):
            answer(c, group, {"coord": value})
    (result,) = analysis.ClosedResults(c, [question(c, "coord")]).calculate()
    assert not result.differ and result.test["p_value"] > 0.9


def test_single_choice_distribution(consultation):
    (result,) = analysis.ClosedResults(
        consultation, [question(consultation, "channel")]
    ).calculate()
    groups = {g.code: g for g in result.groups}
    assert groups["business_associations"].counts == {"mail": 6}
    assert groups["business_associations"].shares(["mail", "phone"]) == [
        ("mail", 1.0),
        ("phone", 0.0),
    ]


COORDINATION = [
    "La coordinación entre los centros de formación es débil",
    "Falta coordinación entre instituciones del sistema y los centros",
    "Mejorar la coordinación con los centros de formación",
    "Hay poca coordinación entre centros y gobierno",
    "La coordinación de los centros de formación debe mejorar",
]
ACCESS = [
    "Más acceso para mujeres jóvenes en zonas rurales",
    "Becas y acceso para mujeres y personas con discapacidad",
    "El acceso de las mujeres a cursos técnicos es bajo",
    "Horarios flexibles dan acceso a mujeres con hijos",
    "Transporte y acceso para mujeres del campo",
]


def test_frequent_words_and_pairs_leave_out_spanish_stop_words(analyst_user):
    c = consultation_with_questions(analyst_user)
    for text in COORDINATION + ACCESS:
        answer(c, "workers", {"coord": 3, "prior": text})
    (result,) = analysis.OpenResults(c, [question(c, "prior")]).calculate()
    words = dict(result.words)
    assert words["coordinación"] == 5 and words["mujeres"] == 5 and words["acceso"] == 5
    assert words["centros"] == 5
    for stop in ("la", "entre", "los", "de", "para", "con", "y"):
        assert stop not in words
    pairs = dict(result.pairs)
    assert pairs["centros formación"] == 3
    assert pairs["acceso mujeres"] == 5
    assert result.n == 10


def test_clusters_suggest_the_themes_of_the_answers(analyst_user):
    c = consultation_with_questions(analyst_user)
    responses = {}
    for text in COORDINATION * 2 + ACCESS * 2:
        responses[text] = answer(c, "workers", {"coord": 3, "prior": text})
    (result,) = analysis.OpenResults(c, [question(c, "prior")]).calculate()
    assert len(result.suggestions) == 2
    sizes = sorted(s.size for s in result.suggestions)
    assert sizes == [10, 10]
    labels = " ".join(s.label for s in result.suggestions)
    assert "coordinación" in labels and ("mujeres" in labels or "acceso" in labels)
    # The same answers, the same suggestions (fixed seed).
    (again,) = analysis.OpenResults(c, [question(c, "prior")]).calculate()
    assert [s.answer_ids for s in again.suggestions] == [
        s.answer_ids for s in result.suggestions
    ]


def test_cluster_suggestions_are_kept_until_the_answers_change(
    analyst_user, monkeypatch
):
    c = consultation_with_questions(analyst_user)
    for text in COORDINATION * 2 + ACCESS * 2:
        answer(c, "workers", {"coord": 3, "prior": text})
    runs = []
    clusters = analysis.OpenResults._clusters
    monkeypatch.setattr(
        analysis.OpenResults,
        "_clusters",
        lambda self, *args: runs.append(1) or clusters(self, *args),
    )
    for _ in range(2):
        analysis.OpenResults(c, [question(c, "prior")]).calculate()
    assert len(runs) == 1  # the second page load reads the kept result
    answer(c, "workers", {"coord": 3, "prior": ACCESS[0]})
    (result,) = analysis.OpenResults(c, [question(c, "prior")]).calculate()
    assert len(runs) == 2 and sum(s.size for s in result.suggestions) == 21


def test_themes_are_counted_by_group(analyst_user):
    c = consultation_with_questions(analyst_user)
    a = answer(c, "workers", {"coord": 3, "prior": "Más acceso para mujeres"})
    b = answer(c, "government", {"coord": 3, "prior": "Acceso de mujeres rurales"})
    answer(c, "government", {"coord": 3, "prior": "Datos abiertos"})
    theme = services.theme_get_or_create(c, user=analyst_user, name="Acceso de mujeres")
    assert (
        services.theme_get_or_create(c, user=analyst_user, name="acceso de  mujeres")
        == theme
    )
    ids = [r.answers.get(question__code="prior").pk for r in (a, b)]
    assert services.answers_tag(c, user=analyst_user, theme=theme, answer_ids=ids) == 2
    (result,) = analysis.OpenResults(
        c, [question(c, "prior")], suggest=False
    ).calculate()
    codes = [code for code, _name in result.groups]
    (row,) = result.themes
    assert row["total"] == 2
    assert row["by_group"][codes.index("workers")] == 1
    assert row["by_group"][codes.index("government")] == 1
    assert result.untagged == 1
