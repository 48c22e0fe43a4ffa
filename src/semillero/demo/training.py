"""The training part of the demo: the programme catalogue, the course runs that the
training centres delivered from 2019 to 2025, the trainees and their enrolments
and results, the companies' service requests and their monthly levy.

The structure is what real data shows and the dashboards are meant to reveal:
women in garment-making, beauty, health, administration and hospitality, men in
electricity, mechanics, welding and construction; dual careers that complete far
better than the rest; vulnerable trainees (rural, low income, disability,
returned migrants) more often in short courses and in the poorest departments;
training centres of uneven quality; company-funded courses in the large firms of
San Salvador and La Libertad; the 2020 pandemic. See demo.catalogue for the
figures.

Generated year by year with numpy and written with bulk inserts, so the national
scale (about 250,000 enrolments a year) keeps memory bounded.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semillero.registry.models import (
    Instructor,
    Organization,
    OrganizationType,
    TrainingArea,
)
from semillero.training.models import (
    CompanyServiceRequest,
    CourseRun,
    Enrolment,
    LevyContribution,
    Programme,
    ServiceRequestStatus,
    Trainee,
)

from . import bulk, catalogue
from .catalogue import CERTIFICATION, CONTINUOUS, DUAL, MODALITIES
from .context import DEPARTMENT_POPULATION, DemoContext
from .people import NamePools, mobile_phones, national_ids, person_keys
from .registry import DUAL_SECTIONS, TRAINING_AREAS

NAME = "training"
TITLE = gettext_lazy("Training 2019–2025")

FIRST_YEAR, LAST_YEAR = 2019, 2025
YEARS = range(FIRST_YEAR, LAST_YEAR + 1)
# Enrolments in a year like 2019 (the others follow catalogue.YEAR_FACTOR).
ENROLMENTS = {"small": 800, "default": 40_000, "national": 250_000}
# Share of a year's enrolments (from 2020) taken by someone who trained before;
# with the second courses of the same year (below), about a quarter of the
# trainees end up with several enrolments.
RETURNING_SHARE = 0.22
# Share of a year's new seats taken by someone who already has another course that
# same year (short courses mostly, see catalogue.SAME_YEAR): in real data the year's
# trainees are fewer than its enrolments.
SAME_YEAR_SHARE = 0.04
FUNDING_CODES = ("levy", "public", "donor", "company", "other", "")
LEVY, PUBLIC, DONOR, COMPANY, OTHER, NO_FUNDING = range(6)
EPOCH = date(1970, 1, 1)


def enrolments_per_year(scale: str) -> dict[int, int]:
    base = ENROLMENTS[scale]
    return {y: round(base * catalogue.YEAR_FACTOR[y]) for y in YEARS}


class ExistingTrainingData(Exception):
    pass


class MissingRegistry(Exception):
    pass


def check() -> None:
    """The training part needs the demo registry (its centres, companies and
    training areas) and an empty training database: invented courses are never
    mixed with real ones."""
    area_codes = [code for code, _name, _share in TRAINING_AREAS]
    areas = TrainingArea.objects.filter(code__in=area_codes).count()
    centres = Organization.objects.filter(type=OrganizationType.TRAINING_CENTRE)
    if areas < len(area_codes) or not centres.exists():
        raise MissingRegistry
    for model in (
        Programme,
        CourseRun,
        Trainee,
        Enrolment,
        CompanyServiceRequest,
        LevyContribution,
    ):
        if model.objects.exists():
            raise ExistingTrainingData(str(model._meta.verbose_name_plural))


def describe(counts: dict[str, int]) -> str:
    return _(
        "%(programmes)s programmes, %(runs)s course runs from 2019 to 2025, "
        "%(enrolments)s enrolments of %(trainees)s trainees, %(requests)s company "
        "service requests, %(levy)s monthly levy contributions"
    ) % {
        "programmes": counts.get("programmes", 0),
        "runs": counts.get("course_runs", 0),
        "enrolments": counts.get("enrolments", 0),
        "trainees": counts.get("trainees", 0),
        "requests": counts.get("service_requests", 0),
        "levy": counts.get("levy_contributions", 0),
    }


def generate(ctx: DemoContext) -> dict[str, int]:
    rnd = ctx.random(NAME)
    rng = rnd.np
    world = World.load(ctx, rng)
    stamp = bulk.stamp(timezone.now())
    as_of = _days(ctx.as_of)
    counts: dict[str, int] = {}
    with bulk.large_cache():
        programmes = _programmes(world, stamp)
        counts["programmes"] = len(programmes.ids)
        pool = Pool()
        names = NamePools(ctx.random(f"{NAME}.names"))
        company_runs = []
        for year, target in enrolments_per_year(ctx.scale).items():
            runs = _course_runs(rng, world, programmes, year, target, as_of, stamp)
            slots = _enrolments(
                rng, ctx.seed, world, programmes, runs, pool, names, year, stamp
            )
            _write_enrolments(
                rng, programmes, world, runs, slots, pool, year, as_of, stamp
            )
            counts[f"course_runs.{year}"] = len(runs.ids)
            counts[f"enrolments.{year}"] = int(runs.size.sum())
            company_runs.append(runs.for_requests(programmes, year))
        counts["course_runs"] = sum(counts[f"course_runs.{y}"] for y in YEARS)
        counts["enrolments"] = sum(counts[f"enrolments.{y}"] for y in YEARS)
        counts["trainees"] = pool.size
        counts["trainees_several_enrolments"] = int((pool.enrolments > 1).sum())
        counts["service_requests"] = _service_requests(
            ctx.random(f"{NAME}.requests").np,
            world,
            programmes,
            company_runs,
            ctx.as_of,
        )
        counts["levy_contributions"] = _levy(
            ctx.random(f"{NAME}.levy").np, world, ctx.as_of
        )
    return counts


# The world the courses happen in ---------------------------------------------------


def _days(day: date) -> int:
    return (day - EPOCH).days


def _from_days(days: int) -> date:
    return EPOCH + timedelta(days=int(days))


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p):
    p = np.asarray(p, dtype=float)
    return np.log(p / (1.0 - p))


def _founded(tax_id: str) -> int | None:
    """A demo NIT (`DDMM-DDMMYY-CCC-V`) carries the founding date; None when the
    tax ID is not one."""
    parts = tax_id.split("-")
    if len(parts) != 4 or len(parts[1]) != 6 or not parts[1].isdigit():
        return None
    day, month, yy = int(parts[1][:2]), int(parts[1][2:4]), int(parts[1][4:])
    try:
        return _days(date(2000 + yy if yy <= 25 else 1900 + yy, month, day))
    except ValueError:
        return None


@dataclass
class Organizations:
    """Organizations of one kind as arrays, in code order."""

    ids: np.ndarray
    codes: list[str]
    dept: np.ndarray  # index into World.dept_codes
    municipality: np.ndarray  # municipality id, 0 when unknown
    employees: np.ndarray
    section: list[str] = field(default_factory=list)
    levy: np.ndarray | None = None
    founded: np.ndarray | None = None  # days since 1970; very low when unknown

    @classmethod
    def load(cls, kind: str, dept_index: dict[int, int]) -> "Organizations":
        rows = list(
            Organization.objects.filter(type=kind)
            .order_by("code")
            .values_list(
                "id",
                "code",
                "department_id",
                "municipality_id",
                "employees",
                "isic_section",
                "levy_contributor",
                "tax_id",
            )
        )
        first_day = -(10**6)
        return cls(
            ids=np.array([r[0] for r in rows], dtype=np.int64),
            codes=[r[1] for r in rows],
            dept=np.array([dept_index.get(r[2], 0) for r in rows], dtype=np.int64),
            municipality=np.array([r[3] or 0 for r in rows], dtype=np.int64),
            employees=np.array([max(1, r[4] or 1) for r in rows], dtype=float),
            section=[r[5] or "" for r in rows],
            levy=np.array([bool(r[6]) for r in rows]),
            founded=np.array(
                [_founded(r[7] or "") or first_day for r in rows], dtype=np.int64
            ),
        )


@dataclass
class World:
    """The demo registry the courses are given in, as arrays."""

    dept_codes: list[str]
    dept_ids: np.ndarray
    dept_weight: np.ndarray  # population share
    dept_effect: np.ndarray  # log-odds of vulnerability
    rural: np.ndarray
    returned_migrant: np.ndarray
    municipalities: list[tuple[np.ndarray, np.ndarray]]  # ids, probabilities
    area_codes: list[str]
    area_ids: np.ndarray
    centres: Organizations
    centre_areas: np.ndarray  # centres × areas: how much each centre teaches each
    quality: np.ndarray  # log-odds effect of each centre on completion
    certifying: np.ndarray  # log-odds effect of each centre on certification
    companies: Organizations

    @classmethod
    def load(cls, ctx: DemoContext, rng: np.random.Generator) -> "World":
        territory = ctx.territory
        codes = list(territory.departments)
        dept_index = {territory.departments[c].pk: i for i, c in enumerate(codes)}
        population = np.array([DEPARTMENT_POPULATION.get(c, 1) for c in codes], float)
        municipalities = []
        for code in codes:
            options = territory.municipalities.get(code) or []
            ids = np.array([m.pk for m in options], dtype=np.int64)
            weights = np.array(
                [
                    3.0 if m.code.endswith("-CE") else 1.0  # the departmental capital
                    for m in options
                ]
            )
            municipalities.append((ids, weights / weights.sum() if len(ids) else ids))
        areas = dict(TrainingArea.objects.values_list("code", "id"))
        area_codes = [code for code, _name, _share in TRAINING_AREAS]
        centres = Organizations.load(OrganizationType.TRAINING_CENTRE, dept_index)
        companies = Organizations.load(OrganizationType.COMPANY, dept_index)
        # What a centre teaches is what its instructors teach.
        position = {pk: i for i, pk in enumerate(centres.ids.tolist())}
        area_position = {code: j for j, code in enumerate(area_codes)}
        teaching = np.zeros((len(centres.ids), len(area_codes)))
        links = (
            Instructor.training_areas.through.objects.values_list(
                "instructor__organization_id", "trainingarea__code"
            )
            .annotate(n=Count("id"))
            .order_by()
        )
        for org_id, area_code, n in links:
            if org_id in position and area_code in area_position:
                teaching[position[org_id], area_position[area_code]] += n
        untaught = teaching.sum(axis=1) == 0
        teaching[untaught] = 0.1  # a centre without instructors on record
        quality = rng.normal(0.0, 0.45, len(centres.ids))
        return cls(
            dept_codes=codes,
            dept_ids=np.array([territory.departments[c].pk for c in codes]),
            dept_weight=population / population.sum(),
            dept_effect=np.array(
                [catalogue.DEPARTMENT_EFFECT.get(c, 0.0) for c in codes]
            ),
            rural=np.array([catalogue.RURAL.get(c, 0.3) for c in codes]),
            returned_migrant=np.array(
                [catalogue.RETURNED_MIGRANT.get(c, 0.02) for c in codes]
            ),
            municipalities=municipalities,
            area_codes=area_codes,
            area_ids=np.array([areas[c] for c in area_codes], dtype=np.int64),
            centres=centres,
            centre_areas=teaching,
            quality=quality,
            certifying=0.5 * quality + rng.normal(0.0, 0.6, len(centres.ids)),
            companies=companies,
        )

    def municipality_of(self, rng, dept: np.ndarray) -> np.ndarray:
        """A municipality of each department, capitals more often; 0 if none."""
        out = np.zeros(len(dept), dtype=np.int64)
        for d in np.unique(dept):
            ids, p = self.municipalities[d]
            if len(ids):
                where = np.flatnonzero(dept == d)
                out[where] = rng.choice(ids, len(where), p=p)
        return out


# Programmes ------------------------------------------------------------------------


@dataclass
class Programmes:
    ids: np.ndarray
    codes: list[str]
    names: list[str]
    modality: np.ndarray  # index into MODALITIES
    area: np.ndarray  # index into World.area_codes
    hours: np.ndarray
    virtual: np.ndarray
    youth: np.ndarray
    run_p: np.ndarray  # probability that a run is of this programme


def _programmes(world: World, stamp) -> Programmes:
    specs = catalogue.PROGRAMMES
    area_of = {code: j for j, code in enumerate(world.area_codes)}
    modality = np.array([MODALITIES.index(s.modality) for s in specs])
    area = np.array([area_of[s.code[:3]] for s in specs])
    weight = np.array([catalogue.MODALITY_WEIGHT[s.modality] for s in specs])
    share = np.array([catalogue.AREA_ENROLMENT[s.code[:3]][0] for s in specs]) * weight
    for j in range(len(world.area_codes)):
        in_area = area == j
        share[in_area] /= weight[in_area].sum()
    # Runs, not enrolments, are drawn: a programme's share of runs is its share of
    # enrolments over the mean size of its runs.
    mean_size = np.array(
        [sum(catalogue.CAPACITY[s.modality]) / 2 * 0.82 for s in specs]
    )
    run_p = share / mean_size
    ids = bulk.reserve_ids(Programme, len(specs))
    rows = []
    for pk, spec in zip(ids.tolist(), specs, strict=True):
        line = spec.modality
        if spec.code in catalogue.YOUTH_PROGRAMMES:
            line = "initial_youth"
        rows.append(
            (
                pk,
                spec.code,
                spec.name,
                spec.modality,
                int(world.area_ids[area_of[spec.code[:3]]]),
                spec.isco,
                spec.hours,
                spec.delivery,
                catalogue.LINES[line],
                stamp,
                stamp,
            )
        )
    bulk.insert(
        Programme,
        [
            "id",
            "code",
            "name",
            "modality",
            "training_area_id",
            "isco_code",
            "hours",
            "delivery",
            "description",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    return Programmes(
        ids=ids,
        codes=[s.code for s in specs],
        names=[s.name for s in specs],
        modality=modality,
        area=area,
        hours=np.array([s.hours for s in specs]),
        virtual=np.array([s.delivery == "virtual" for s in specs]),
        youth=np.array([s.code in catalogue.YOUTH_PROGRAMMES for s in specs]),
        run_p=run_p / run_p.sum(),
    )


# Course runs -----------------------------------------------------------------------


@dataclass
class Runs:
    """One year's course runs."""

    ids: np.ndarray
    programme: np.ndarray
    provider: np.ndarray  # index into World.centres
    company: np.ndarray  # index into World.companies, -1 for none
    in_company: np.ndarray
    dept: np.ndarray
    funding: np.ndarray
    start: np.ndarray  # days since 1970
    end: np.ndarray
    size: np.ndarray  # enrolments
    vulnerability: np.ndarray  # log-odds effect on its trainees' vulnerability

    def for_requests(self, programmes: Programmes, year: int) -> dict:
        """The runs a company asked for: those given at a company, funded by it
        or by its levy."""
        keep = self.in_company
        return {
            "year": year,
            "ids": self.ids[keep],
            "company": self.company[keep],
            "programme": self.programme[keep],
            "start": self.start[keep],
            "end": self.end[keep],
            "size": self.size[keep],
        }


def _choose(rng, n: int, weights: np.ndarray) -> np.ndarray:
    return rng.choice(len(weights), n, p=weights / weights.sum())


def _draw_sizes(rng, programmes: Programmes, target: int):
    """Programmes, capacities and enrolments of runs whose enrolments add up to
    exactly `target`."""
    lo = np.array([catalogue.CAPACITY[m][0] for m in MODALITIES])
    hi = np.array([catalogue.CAPACITY[m][1] for m in MODALITIES])
    estimate = int(target / 15) + 10
    parts = []
    total = 0
    while total < target:
        prog = rng.choice(len(programmes.ids), estimate, p=programmes.run_p)
        mod = programmes.modality[prog]
        capacity = rng.integers(lo[mod], hi[mod] + 1)
        taken = np.rint(capacity * rng.beta(*catalogue.FILL, estimate)).astype(int)
        size = np.clip(taken, 3, capacity)
        parts.append((prog, capacity, size))
        total += int(size.sum())
    prog, capacity, size = (np.concatenate(x) for x in zip(*parts, strict=True))
    cumulative = np.cumsum(size)
    last = int(np.searchsorted(cumulative, target))
    size = size[: last + 1].copy()
    size[last] -= int(cumulative[last]) - target
    return prog[: last + 1], capacity[: last + 1], size


def _course_runs(rng, world, programmes, year, target, as_of, stamp) -> Runs:
    prog, capacity, size = _draw_sizes(rng, programmes, target)
    n = len(prog)
    mod = programmes.modality[prog]
    area = programmes.area[prog]
    companies = world.companies

    # Funding by modality.
    funding = np.empty(n, dtype=np.int64)
    for m, name in enumerate(MODALITIES):
        where = np.flatnonzero(mod == m)
        options = catalogue.FUNDING[name]
        codes = [FUNDING_CODES.index(k) for k in options]
        p = np.array(list(options.values()))
        funding[where] = rng.choice(codes, len(where), p=p / p.sum())
    funding[rng.random(n) < 0.01] = NO_FUNDING

    # Courses at a company: those it pays for, and most continuous courses paid by
    # its levy. Company-funded training is for large firms, most of them in San
    # Salvador and La Libertad.
    company = np.full(n, -1, dtype=np.int64)
    capital = np.isin(np.array(world.dept_codes)[companies.dept], ["SV-SS", "SV-LI"])
    short = (mod == CONTINUOUS) | (mod == CERTIFICATION)
    paying = short & (funding == COMPANY)
    by_levy = (mod == CONTINUOUS) & (funding == LEVY) & (rng.random(n) < 0.7)
    if len(companies.ids):
        big = companies.employees >= 50
        w = np.where(big, companies.employees, companies.employees * 0.02)
        w = w * np.where(capital, 3.0, 1.0)
        company[paying] = _choose(rng, int(paying.sum()), w)
        contributors = np.where(companies.levy, companies.employees**0.8, 0.0)
        if contributors.sum() == 0:
            contributors = companies.employees**0.8
        w = contributors * np.where(capital, 1.5, 1.0)
        company[by_levy] = _choose(rng, int(by_levy.sum()), w)
    in_company = company >= 0

    # The provider: a centre teaching the area, the bigger the likelier; for a
    # course at a company, preferably one of the company's department.
    centres = world.centres
    provider = np.empty(n, dtype=np.int64)
    near = np.where(in_company, companies.dept[np.maximum(company, 0)], -1)
    for a in np.unique(area):
        for d in np.unique(near[area == a]):
            where = np.flatnonzero((area == a) & (near == d))
            w = centres.employees * (world.centre_areas[:, a] + 0.01)
            if d >= 0:
                w = w * np.where(centres.dept == d, 4.0, 1.0)
            provider[where] = _choose(rng, len(where), w)

    # Where it is given: at the company, else mostly at the centre; some public
    # and donor-funded courses travel to the poorer departments.
    dept = centres.dept[provider].copy()
    dept[in_company] = companies.dept[company[in_company]]
    away = ~in_company & (rng.random(n) < 0.15)
    social = np.isin(funding, [PUBLIC, DONOR])
    w_away = world.dept_weight * np.exp(world.dept_effect)
    dept[away & social] = _choose(rng, int((away & social).sum()), w_away)
    dept[away & ~social] = _choose(rng, int((away & ~social).sum()), world.dept_weight)
    municipality = np.where(
        dept == centres.dept[provider], centres.municipality[provider], 0
    )
    municipality[in_company] = companies.municipality[company[in_company]]
    missing = municipality == 0
    municipality[missing] = world.municipality_of(rng, dept[missing])

    # Dual careers are given with a company of a sector that takes apprentices.
    dual = np.flatnonzero(mod == DUAL)
    if len(dual) and len(companies.ids):
        takes = np.array([s in DUAL_SECTIONS for s in companies.section])
        w = np.where(takes & (companies.employees >= 20), companies.employees**0.5, 0)
        if w.sum() == 0:
            w = np.ones(len(companies.ids))
        for d in np.unique(dept[dual]):
            where = dual[dept[dual] == d]
            company[where] = _choose(
                rng, len(where), w * np.where(companies.dept == d, 5.0, 1.0)
            )

    start, end = _dates(rng, programmes, prog, year)
    known_capacity = rng.random(n) >= 0.03
    seats = np.maximum(capacity, size)
    rate = np.array([catalogue.HOUR_RATE[m] for m in MODALITIES])[mod]
    area_cost = np.array([catalogue.AREA_COST.get(c, 1.0) for c in world.area_codes])[
        area
    ]
    cost = programmes.hours[prog] * seats * rate * area_cost * rng.lognormal(0, 0.25, n)
    unknown_cost = rng.random(n) < np.where(funding == DONOR, 0.25, 0.07)

    # Vulnerable people take the short courses, the public and donor-funded ones
    # and Caminos de la Juventud; few reach dual careers and company courses.
    hours = programmes.hours[prog]
    vulnerability = np.select(
        [mod == DUAL, hours <= 80, hours <= 320], [-1.0, 1.4, 0.2], default=-0.3
    )
    vulnerability += np.select(
        [funding == COMPANY, in_company, funding == PUBLIC, funding == DONOR],
        [-0.9, -0.4, 0.4, 0.7],
        default=0.0,
    )
    vulnerability += np.where(programmes.youth[prog], 0.5, 0.0)

    # Codes follow the start dates: <programme>-<year>-<number>.
    order = np.lexsort((prog, start))
    prog, capacity, size, funding, company, in_company = (
        x[order] for x in (prog, capacity, size, funding, company, in_company)
    )
    provider, dept, municipality, start, end = (
        x[order] for x in (provider, dept, municipality, start, end)
    )
    known_capacity, cost, unknown_cost, vulnerability = (
        x[order] for x in (known_capacity, cost, unknown_cost, vulnerability)
    )
    ids = bulk.reserve_ids(CourseRun, n)
    sequence: dict[int, int] = {}
    codes = []
    for p in prog.tolist():
        sequence[p] = sequence.get(p, 0) + 1
        codes.append(f"{programmes.codes[p]}-{year}-{sequence[p]:04d}")
    bulk.insert_columns(
        CourseRun,
        {
            "id": ids.tolist(),
            "code": codes,
            "programme_id": programmes.ids[prog].tolist(),
            "provider_id": centres.ids[provider].tolist(),
            "company_id": bulk.nullable(
                companies.ids[np.maximum(company, 0)].tolist(), company >= 0
            ),
            "start_date": bulk.iso_dates(start),
            "end_date": bulk.iso_dates(end),
            "department_id": world.dept_ids[dept].tolist(),
            "municipality_id": bulk.nullable(municipality.tolist(), municipality > 0),
            "capacity": bulk.nullable(capacity.tolist(), known_capacity),
            "cost_usd": bulk.nullable(
                [f"{c:.2f}" for c in cost.tolist()], ~unknown_cost
            ),
            "funding": [FUNDING_CODES[f] for f in funding.tolist()],
            "created_at": stamp,
            "updated_at": stamp,
        },
    )
    return Runs(
        ids=ids,
        programme=prog,
        provider=provider,
        company=company,
        in_company=in_company,
        dept=dept,
        funding=funding,
        start=start,
        end=end,
        size=size,
        vulnerability=vulnerability,
    )


def _dates(rng, programmes: Programmes, prog: np.ndarray, year: int):
    """Start and end (days since 1970) of runs of the programmes `prog` starting in
    `year`: on a Monday (company courses on any weekday), lasting the programme's
    hours at a few hours a working day."""
    n = len(prog)
    mod = programmes.modality[prog]
    month = np.empty(n, dtype=np.int64)
    for key, where in (("dual", mod == DUAL), ("default", mod != DUAL)):
        p = np.array(catalogue.START_MONTH[key], dtype=float)
        month[where] = rng.choice(12, int(where.sum()), p=p / p.sum())
    first = np.datetime64(f"{year}-01", "M") + month
    # From the 1st to the 28th (not New Year's Day).
    start = first.astype("datetime64[D]") + rng.integers(0, 28, n) + (month == 0)
    mondays = mod != CONTINUOUS
    rolled = np.where(
        mondays,
        np.busday_offset(start, 0, roll="forward", weekmask="Mon"),
        np.busday_offset(start, 0, roll="forward"),
    )
    late = rolled > np.datetime64(f"{year}-12-31")
    rolled[late] = np.busday_offset(start[late], 0, roll="backward")
    lo = np.array([catalogue.DAILY_HOURS[m][0] for m in MODALITIES])[mod]
    hi = np.array([catalogue.DAILY_HOURS[m][1] for m in MODALITIES])[mod]
    daily = rng.integers(lo, hi + 1)
    working_days = np.ceil(programmes.hours[prog] / daily).astype(np.int64)
    end = np.busday_offset(rolled, working_days - 1, roll="forward")
    return rolled.astype(np.int64), end.astype("datetime64[D]").astype(np.int64)


# Trainees and enrolments -----------------------------------------------------------


def _if(values: list[str], keep: np.ndarray) -> list[str]:
    """The values where `keep`, blank elsewhere."""
    return [v if k else "" for v, k in zip(values, keep.tolist(), strict=True)]


class Pool:
    """Every trainee created so far, for those who come back another year."""

    def __init__(self):
        self.ids = np.zeros(0, dtype=np.int64)
        self.female = np.zeros(0, dtype=bool)
        self.dept = np.zeros(0, dtype=np.int64)
        self.birth_year = np.zeros(0, dtype=np.int64)
        self.vulnerable = np.zeros(0, dtype=bool)
        self.last_year = np.zeros(0, dtype=np.int64)
        self.enrolments = np.zeros(0, dtype=np.int64)

    @property
    def size(self) -> int:
        return len(self.ids)

    def add(self, **columns) -> None:
        for name, values in columns.items():
            setattr(self, name, np.concatenate([getattr(self, name), values]))

    def take(self, rng, year: int, female, dept) -> np.ndarray:
        """Earlier trainees for the slots of the given sexes and run departments:
        of the same sex, living in the department when possible, at most once a
        year and still of working age. -1 where nobody is left."""
        chosen = np.full(len(female), -1, dtype=np.int64)
        free = (self.last_year < year) & (self.birth_year >= year - 64)
        for local in (True, False):
            for sex in (True, False):
                groups = np.unique(dept) if local else [None]
                for d in groups:
                    slots = (chosen < 0) & (female == sex)
                    if d is not None:
                        slots &= dept == d
                    slots = np.flatnonzero(slots)
                    if not len(slots):
                        continue
                    candidates = free & (self.female == sex)
                    if d is not None:
                        candidates &= self.dept == d
                    candidates = np.flatnonzero(candidates)
                    k = min(len(slots), len(candidates))
                    if k == 0:
                        continue
                    picked = rng.choice(candidates, k, replace=False)
                    chosen[slots[:k]] = picked
                    free[picked] = False
        taken = chosen[chosen >= 0]
        self.last_year[taken] = year
        self.enrolments[taken] += 1
        return chosen


@dataclass
class Slots:
    """One year's enrolments: the run of each and the trainee (pool index)."""

    run: np.ndarray
    trainee: np.ndarray


def _enrolments(rng, seed, world, programmes, runs, pool, names, year, stamp) -> Slots:
    """Decide who fills each seat of the year's runs, create the new trainees and
    return the seats."""
    run = np.repeat(np.arange(len(runs.ids)), runs.size)
    n = len(run)
    prog = runs.programme[run]
    mod = programmes.modality[prog]
    area = programmes.area[prog]
    women = np.array([catalogue.AREA_ENROLMENT[c][1] for c in world.area_codes])[area]
    female = rng.random(n) < women

    trainee = np.full(n, -1, dtype=np.int64)
    if pool.size:
        factor = np.array([catalogue.RETURNING[m] for m in MODALITIES])[mod]
        back = rng.random(n) < RETURNING_SHARE * factor / factor.mean()
        where = np.flatnonzero(back)
        trainee[where] = pool.take(rng, year, female[where], runs.dept[run[where]])

    new = np.flatnonzero(trainee < 0)
    again, first = _second_courses(rng, new, run, female, mod)
    new = np.setdiff1d(new, again)
    m = len(new)
    run_new = run[new]
    mod_new = mod[new]
    start = runs.start[run_new]
    # Residence: mostly where the course is.
    residence = runs.dept[run_new].copy()
    moved = rng.random(m) < 0.1
    residence[moved] = _choose(rng, int(moved.sum()), world.dept_weight)
    shift = runs.vulnerability[run_new]
    donor = runs.funding[run_new] == DONOR
    # Trainees are more urban than the population they come from.
    p_rural = _sigmoid(_logit(world.rural[residence]) - 0.5 + 0.5 * shift)
    p_poor = _sigmoid(_logit(0.12) + shift + world.dept_effect[residence])
    p_disability = _sigmoid(_logit(0.025) + 0.4 * shift)
    p_migrant = _sigmoid(
        _logit(world.returned_migrant[residence]) + 0.4 * shift + 0.8 * donor
    )
    flags = {}
    for name, p, unknown in (
        ("rural", p_rural, 0.02),
        ("low_income", p_poor, 0.02),
        ("disability", p_disability, 0.05),
        ("returned_migrant", p_migrant, 0.05),
    ):
        value = (rng.random(m) < p).astype(np.int8)
        value[rng.random(m) < unknown] = -1  # not recorded
        flags[name] = value
    vulnerable = np.zeros(m, dtype=bool)
    for value in flags.values():
        vulnerable |= value == 1

    low, shape, scale = (
        np.array([catalogue.AGE[x][i] for x in MODALITIES])[mod_new] for i in range(3)
    )
    age = np.clip(np.floor(low + rng.gamma(shape, scale)), 15, 64)
    birth = start - np.rint((age + rng.uniform(0.01, 0.99, m)) * 365.2425).astype(
        np.int64
    )
    education = np.empty(m, dtype=np.int64)
    for k, x in enumerate(MODALITIES):
        where = np.flatnonzero(mod_new == k)
        education[where] = rng.choice(
            len(catalogue.EDUCATION), len(where), p=catalogue.EDUCATION_WEIGHTS[x]
        )
    lower = vulnerable & (rng.random(m) < 0.35)
    education[lower] = np.maximum(education[lower] - 1, 0)
    # Nobody has finished secondary school at 17, nor higher education before 20.
    education = np.minimum(education, np.select([age < 18, age < 20], [1, 2], 4))
    employed = (
        rng.random(m) < np.array([catalogue.EMPLOYED[x] for x in MODALITIES])[mod_new]
    ).astype(np.int8)
    employed[runs.in_company[run_new]] = 1
    employed[rng.random(m) < 0.04] = -1

    numbers = np.arange(pool.size, pool.size + m)
    ids = bulk.reserve_ids(Trainee, m)
    keys = person_keys(national_ids(seed, numbers))
    # Personal data for a share of them, more complete in later years.
    named = rng.random(m) < 0.5 + 0.05 * (year - FIRST_YEAR)
    people = names.draw(rng, female[new])
    phones = mobile_phones(rng, m)
    has_phone = rng.random(m) < 0.85
    has_email = rng.random(m) < 0.6
    bulk.insert_columns(
        Trainee,
        {
            "id": ids.tolist(),
            "person_key": keys,
            "sex": ["F" if f else "M" for f in female[new].tolist()],
            "birth_date": bulk.iso_dates(birth),
            "department_id": world.dept_ids[residence].tolist(),
            "disability": bulk.flags(flags["disability"]),
            "returned_migrant": bulk.flags(flags["returned_migrant"]),
            "rural": bulk.flags(flags["rural"]),
            "low_income": bulk.flags(flags["low_income"]),
            "education_level": [catalogue.EDUCATION[e] for e in education.tolist()],
            "employed_at_entry": bulk.flags(employed),
            "first_name": _if(people["first_name"], named),
            "last_name": _if(people["last_name"], named),
            "email": _if(people["email"], named & has_email),
            "phone": _if(phones, named & has_phone),
            "created_at": stamp,
            "updated_at": stamp,
        },
    )
    trainee[new] = numbers
    trainee[again] = trainee[first]
    pool.add(
        ids=ids,
        female=female[new],
        dept=residence,
        birth_year=birth.astype("datetime64[D]")
        .astype("datetime64[Y]")
        .astype(np.int64)
        + 1970,
        vulnerable=vulnerable,
        last_year=np.full(m, year, dtype=np.int64),
        enrolments=np.ones(m, dtype=np.int64),
    )
    pool.enrolments[trainee[again]] += 1
    return Slots(run=run, trainee=trainee)


def _second_courses(rng, new, run, female, mod) -> tuple[np.ndarray, np.ndarray]:
    """Seats among `new` (`again`) taken by the person of another new seat of the
    same sex in another course run (`first`, the same order): a second course
    the same year. Each person takes at most two."""
    factor = np.array([catalogue.SAME_YEAR[m] for m in MODALITIES])[mod[new]]
    wanted = new[rng.random(len(new)) < SAME_YEAR_SHARE * factor]
    others = np.setdiff1d(new, wanted)
    again, first = [], []
    for sex in (True, False):
        seats = wanted[female[wanted] == sex]
        people = others[female[others] == sex]
        k = min(len(seats), len(people))
        partners = rng.choice(people, k, replace=False)
        seats = seats[:k]
        other_run = run[partners] != run[seats]
        again.append(seats[other_run])
        first.append(partners[other_run])
    return np.concatenate(again), np.concatenate(first)


STATUSES = ("enrolled", "completed", "certified", "dropped")


def _write_enrolments(rng, programmes, world, runs, slots, pool, year, as_of, stamp):
    """Results of the year's enrolments: runs that end after `as_of` are still
    under way (every trainee enrolled); the others completed, certified or
    dropped out, depending on the modality, the centre and the trainee."""
    run = slots.run
    n = len(run)
    prog = runs.programme[run]
    mod = programmes.modality[prog]
    provider = runs.provider[run]
    vulnerable = pool.vulnerable[slots.trainee]
    start, end = runs.start[run], runs.end[run]
    completion = np.array([catalogue.COMPLETION[m] for m in MODALITIES])[mod]
    certification = np.array([catalogue.CERTIFICATION_RATE[m] for m in MODALITIES])
    odds = (
        _logit(completion)
        + world.quality[provider]
        - 0.35 * vulnerable
        - 0.3 * programmes.virtual[prog]
        - (0.3 if year == 2020 else 0.0)  # courses cut short by the pandemic
    )
    completed = rng.random(n) < _sigmoid(odds)
    certified = completed & (
        rng.random(n)
        < _sigmoid(_logit(certification[mod]) + world.certifying[provider])
    )
    status = np.select([end > as_of, certified, completed], [0, 2, 1], default=3)
    # Most finish on the last day; some are signed off a few working days early.
    early = np.where(rng.random(n) < 0.85, 0, rng.integers(1, 6, n))
    done = np.busday_offset(end.astype("datetime64[D]"), -early, roll="backward")
    done = np.maximum(done.astype(np.int64), start)
    bulk.insert_columns(
        Enrolment,
        {
            "course_run_id": runs.ids[run].tolist(),
            "trainee_id": pool.ids[slots.trainee].tolist(),
            "status": [STATUSES[x] for x in status.tolist()],
            "completion_date": bulk.nullable(
                bulk.iso_dates(done), np.isin(status, (1, 2))
            ),
            "created_at": stamp,
            "updated_at": stamp,
        },
    )


# Company service requests ----------------------------------------------------------

DECLINED_NOTES = [
    "Sin centro acreditado con cupo en la fecha solicitada.",
    "La empresa no completó el número mínimo de participantes.",
    "La empresa no está al día con su cotización.",
    "El tema no forma parte de la oferta aprobada del año.",
]


def _service_requests(rng, world, programmes, company_runs, as_of: date) -> int:
    """Some of the courses given at companies answer a request the company made
    (one request per company, programme and year, served by its runs); other
    requests are still waiting or were declined."""
    as_of_days = _days(as_of)
    requests, served_by = [], []
    companies = world.companies
    for part in company_runs:
        if not len(part["ids"]):
            continue
        key = part["company"] * len(programmes.ids) + part["programme"]
        order = np.argsort(key, kind="stable")
        _keys, first = np.unique(key[order], return_index=True)
        groups = np.split(order, first[1:])
        asked = rng.random(len(groups)) < 0.4
        lead = rng.integers(15, 91, len(groups))
        for group, yes, days in zip(groups, asked.tolist(), lead.tolist(), strict=True):
            if not yes:
                continue
            c = int(part["company"][group[0]])
            p = int(part["programme"][group[0]])
            trained = int(part["size"][group].sum())
            finished = bool((part["end"][group] <= as_of_days).all())
            requests.append(
                CompanyServiceRequest(
                    company_id=int(companies.ids[c]),
                    topic=programmes.names[p],
                    workers=trained + int(rng.integers(0, trained // 5 + 1)),
                    status=(
                        ServiceRequestStatus.SERVED
                        if finished
                        else ServiceRequestStatus.IN_PROGRESS
                    ),
                    requested_on=_from_days(int(part["start"][group].min()) - days),
                )
            )
            served_by.append(part["ids"][group].tolist())
    # Requests without runs: recent ones waiting, older ones declined.
    short = np.flatnonzero(
        np.isin(programmes.modality, [CONTINUOUS, CERTIFICATION])
    ).tolist()
    w = np.where(companies.employees >= 50, companies.employees, 0.0)
    if len(companies.ids) and w.sum() == 0:
        w = companies.employees
    unserved = max(3, round(0.15 * len(requests))) if len(companies.ids) else 0
    first_day = _days(date(FIRST_YEAR, 1, 1))
    last_day = min(as_of_days, _days(date(LAST_YEAR, 12, 31)))
    chosen = _choose(rng, unserved, w) if unserved else []
    recent = (rng.random(unserved) < 0.25).tolist()
    for c, new in zip(chosen, recent, strict=True):
        if new:  # made in the last half year
            day = as_of_days - int(rng.integers(0, 181))
        else:
            day = int(rng.integers(first_day, last_day + 1))
        if day < as_of_days - 120:
            status = ServiceRequestStatus.DECLINED
            notes = DECLINED_NOTES[int(rng.integers(0, len(DECLINED_NOTES)))]
        else:
            status = (
                ServiceRequestStatus.REQUESTED
                if rng.random() < 0.6
                else ServiceRequestStatus.IN_PROGRESS
            )
            notes = ""
        requests.append(
            CompanyServiceRequest(
                company_id=int(companies.ids[c]),
                topic=programmes.names[short[int(rng.integers(0, len(short)))]],
                workers=int(rng.integers(8, 61)),
                status=status,
                requested_on=_from_days(day),
                notes=notes,
            )
        )
        served_by.append([])
    CompanyServiceRequest.objects.bulk_create(requests, batch_size=2000)
    Link = CompanyServiceRequest.course_runs.through
    Link.objects.bulk_create(
        (
            Link(companyservicerequest_id=request.pk, courserun_id=run_id)
            for request, run_ids in zip(requests, served_by, strict=True)
            for run_id in run_ids
        ),
        batch_size=5000,
    )
    return len(requests)


# The levy --------------------------------------------------------------------------

# Sections paid near the minimum wage, which rose by 20% in August 2021.
MINIMUM_WAGE_SECTIONS = {"A", "C", "F", "G", "I", "N", "S"}


def _levy(rng, world, as_of: date) -> int:
    """1% of each contributing company's monthly payroll (employees × wage), from
    January 2019 to December 2025 or the last month before `as_of`, from the month
    the company was founded; a few months are missing (paid late)."""
    companies = world.companies
    payers = np.flatnonzero(companies.levy)
    last = min(date(LAST_YEAR, 12, 1), (as_of.replace(day=1) - timedelta(days=1)))
    months = np.arange(
        np.datetime64(f"{FIRST_YEAR}-01", "M"),
        np.datetime64(f"{last:%Y-%m}", "M") + 1,
    )
    n, t = len(payers), len(months)
    if not n or not t:
        return 0
    # Firms grew or shrank steadily to the size the registry gives them today.
    growth = rng.normal(0.02, 0.06, n)
    years_left = (t - 1 - np.arange(t)) / 12
    employees = companies.employees[payers][:, None] * np.exp(
        -growth[:, None] * years_left[None, :]
    )
    employees *= rng.normal(1.0, 0.015, (n, t))
    pandemic = (months >= np.datetime64("2020-04")) & (
        months <= np.datetime64("2020-08")
    )
    employees[:, pandemic] *= 0.9
    employees = np.maximum(np.rint(employees), 1)
    sections = [companies.section[i] for i in payers.tolist()]
    wage = np.array([catalogue.WAGE.get(s, 500) for s in sections], dtype=float)
    wage *= rng.lognormal(0.0, 0.18, n)
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    wages = wage[:, None] * 1.03 ** (year - FIRST_YEAR)[None, :]
    raised = np.array([s in MINIMUM_WAGE_SECTIONS for s in sections])
    wages[np.ix_(raised, months >= np.datetime64("2021-08"))] *= 1.2
    amount = np.round(employees * wages * catalogue.LEVY_RATE, 2)
    first_days = months.astype("datetime64[D]").astype(np.int64)
    paying = first_days[None, :] >= companies.founded[payers][:, None]
    paying &= rng.random((n, t)) >= 0.015
    c, m = np.nonzero(paying)
    periods = bulk.iso_dates(first_days)
    ids = companies.ids[payers].tolist()
    rows = (
        (ids[i], periods[j], f"{a:.2f}")
        for i, j, a in zip(c.tolist(), m.tolist(), amount[c, m].tolist(), strict=True)
    )
    return bulk.insert(LevyContribution, ["company_id", "period", "amount_usd"], rows)
