"""The results of a consultation (indicators.md, "Consultations"), one query
class per report, each with `calculate()`:

- `ResponseRates`: `consultation_response_rate` = submitted responses of
  personal invitations / invitations, per group and overall; and every
  submitted answer (invitations, open links, imported files) against the
  group's target.
- `ClosedResults`: per closed question of the current questionnaire (joined
  to earlier versions by code), the distribution by group; for the agreement
  scale, mean, n and `agreement_share` = answers 4 or 5 / answers with its 95 %
  Wilson interval; for scales and numbers, a Kruskal–Wallis test of whether
  the groups differ, said in words.
- `OpenResults`: per open question, frequent words and word pairs (Spanish stop
  words from the `stop-words` package), themes by group, and theme suggestions
  from clustering the answers (TF-IDF and k-means, scikit-learn, fixed seed).
"""

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache

from django.core.cache import cache as shared_cache
from django.utils.translation import gettext as _
from scipy.stats import binomtest, kruskal

from .models import (
    LIKERT_MAX,
    LIKERT_MIN,
    Answer,
    Consultation,
    Question,
    QuestionType,
    Response,
)

ALPHA = 0.05
# A group with fewer answers takes no part in the test of differences.
MIN_GROUP_N = 5
AGREE = (4, 5)
TOP_WORDS = 15
TOP_PAIRS = 10
MIN_ANSWERS_TO_CLUSTER = 10
MAX_CLUSTERS = 6
SEED = 20230101
CLUSTER_CACHE_SECONDS = 24 * 3600


def wilson(successes: int, n: int) -> tuple[float | None, float | None]:
    """95 % Wilson interval of a proportion (scipy), None for n = 0."""
    if not n:
        return None, None
    ci = binomtest(successes, n).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def _groups(consultation):
    return list(consultation.groups.all())


# -- response rates ---------------------------------------------------------------------


@dataclass
class RateRow:
    code: str
    name: str
    target: int
    invitations: int = 0
    opened: int = 0
    answered_invited: int = 0
    open_link: int = 0
    imported: int = 0

    @property
    def answers(self) -> int:
        return self.answered_invited + self.open_link + self.imported

    @property
    def rate(self) -> float | None:
        """consultation_response_rate."""
        return self.answered_invited / self.invitations if self.invitations else None

    @property
    def target_share(self) -> float | None:
        return self.answers / self.target if self.target else None

    @property
    def pending(self) -> int:
        return self.invitations - self.answered_invited

    def as_dict(self) -> dict:
        return {
            "group": self.code,
            "name": self.name,
            "invitations": self.invitations,
            "opened": self.opened,
            "answered_invited": self.answered_invited,
            "response_rate": self.rate,
            "open_link_answers": self.open_link,
            "imported_answers": self.imported,
            "answers": self.answers,
            "target": self.target,
            "target_share": self.target_share,
        }


class ResponseRates:
    def __init__(self, consultation: Consultation):
        self.consultation = consultation

    def calculate(self) -> dict:
        rows = {
            g.pk: RateRow(g.code, g.name, g.target) for g in _groups(self.consultation)
        }
        for group_id, opened_at in self.consultation.invitations.values_list(
            "group_id", "opened_at"
        ):
            row = rows[group_id]
            row.invitations += 1
            row.opened += opened_at is not None
        for group_id, source, invitation_id in Response.objects.filter(
            consultation=self.consultation, submitted_at__isnull=False
        ).values_list("group_id", "source", "invitation_id"):
            row = rows[group_id]
            if invitation_id is not None:
                row.answered_invited += 1
            elif source == "open_link":
                row.open_link += 1
            else:
                row.imported += 1
        total = RateRow("", _("All groups"), sum(r.target for r in rows.values()))
        for row in rows.values():
            for name in (
                "invitations",
                "opened",
                "answered_invited",
                "open_link",
                "imported",
            ):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return {"groups": list(rows.values()), "total": total}


# -- closed questions ----------------------------------------------------------------------


@dataclass
class GroupStats:
    code: str
    name: str
    n: int = 0
    counts: dict = field(default_factory=dict)  # option code → answers
    mean: float | None = None
    agree: int = 0
    values: list = field(default_factory=list)

    @property
    def agreement_share(self) -> float | None:
        return self.agree / self.n if self.n else None

    @property
    def ci(self) -> tuple[float | None, float | None]:
        return wilson(self.agree, self.n)

    @property
    def ci_low(self):
        return self.ci[0]

    @property
    def ci_high(self):
        return self.ci[1]

    def shares(self, codes) -> list[tuple[str, float | None]]:
        return [(c, self.counts.get(c, 0) / self.n if self.n else None) for c in codes]


@dataclass
class QuestionResult:
    question: Question
    groups: list[GroupStats]
    total: GroupStats
    options: list[tuple[str, str]]  # (code, label) of the distribution
    test: dict | None = None  # {"statistic", "p_value", "groups"}
    finding: str = ""
    differ: bool = False


def _answers_by_code(consultation) -> dict[str, list[tuple[int, Answer]]]:
    """Every submitted answer of the consultation, by question code."""
    out = defaultdict(list)
    rows = (
        Answer.objects.filter(
            response__consultation=consultation, response__submitted_at__isnull=False
        )
        .values_list(
            "question__code", "response__group_id", "number", "text", "choices"
        )
        .order_by("pk")
    )
    for code, group_id, number, text, choices in rows:
        out[code].append((group_id, number, text, choices))
    return out


class ClosedResults:
    def __init__(self, consultation: Consultation, questions: list[Question]):
        self.consultation = consultation
        self.questions = [q for q in questions if not q.is_text]

    def calculate(self) -> list[QuestionResult]:
        answers = _answers_by_code(self.consultation)
        groups = _groups(self.consultation)
        return [
            self._question(q, groups, answers.get(q.code, [])) for q in self.questions
        ]

    def _question(self, question, groups, rows) -> QuestionResult:
        labels = question.option_labels()
        options = list(labels.items())
        by_group = {g.pk: GroupStats(g.code, g.name) for g in groups}
        total = GroupStats("", _("All groups"))
        for group_id, number, text, choices in rows:
            if question.type in (QuestionType.LIKERT, QuestionType.NUMBER):
                if number is None:
                    continue
                keys = (
                    [str(int(number))] if question.type == QuestionType.LIKERT else []
                )
                value = float(number)
            elif question.type == QuestionType.SINGLE:
                if not text:
                    continue
                keys, value = [text], None
            else:
                if not choices:
                    continue
                keys, value = list(choices), None
            for stats in (by_group[group_id], total):
                stats.n += 1
                for key in keys:
                    stats.counts[key] = stats.counts.get(key, 0) + 1
                if value is not None:
                    stats.values.append(value)
                    if question.type == QuestionType.LIKERT and int(value) in AGREE:
                        stats.agree += 1
        for stats in [*by_group.values(), total]:
            if stats.values:
                stats.mean = sum(stats.values) / len(stats.values)
        result = QuestionResult(question, list(by_group.values()), total, options)
        if question.type in (QuestionType.LIKERT, QuestionType.NUMBER):
            self._test(result)
        return result

    def _test(self, result: QuestionResult) -> None:
        """Kruskal–Wallis across the groups with at least MIN_GROUP_N answers."""
        tested = [g for g in result.groups if g.n >= MIN_GROUP_N]
        if len(tested) < 2:
            result.finding = _(
                "Too few answers per group to compare the groups on “%(question)s”."
            ) % {"question": result.question.text}
            return
        values = [g.values for g in tested]
        if len({v for vs in values for v in vs}) < 2:
            statistic, p_value = 0.0, 1.0
        else:
            statistic, p_value = (float(x) for x in kruskal(*values))
        result.test = {
            "statistic": statistic,
            "p_value": p_value,
            "groups": [g.code for g in tested],
        }
        result.differ = p_value < ALPHA
        likert = result.question.type == QuestionType.LIKERT
        key = (lambda g: (g.agreement_share, g.mean)) if likert else (lambda g: g.mean)
        high = max(tested, key=key)
        low = min(tested, key=key)
        words = {
            "question": result.question.text,
            "high": high.name,
            "low": low.name,
            "p": f"= {p_value:.3f}" if p_value >= 0.001 else "< 0.001",
        }
        if not result.differ:
            result.finding = (
                _(
                    "The groups do not clearly differ on “%(question)s” "
                    "(Kruskal–Wallis test, p %(p)s)."
                )
                % words
            )
        elif likert:
            words.update(
                high_share=f"{high.agreement_share:.0%}",
                low_share=f"{low.agreement_share:.0%}",
            )
            result.finding = (
                _(
                    "%(high)s and %(low)s disagree on “%(question)s”: %(high_share)s of "
                    "%(high)s agree, against %(low_share)s of %(low)s (Kruskal–Wallis "
                    "test, p %(p)s)."
                )
                % words
            )
        else:
            words.update(high_mean=f"{high.mean:,.1f}", low_mean=f"{low.mean:,.1f}")
            result.finding = (
                _(
                    "%(high)s and %(low)s differ on “%(question)s”: an average of "
                    "%(high_mean)s against %(low_mean)s (Kruskal–Wallis test, p %(p)s)."
                )
                % words
            )


# -- open questions -------------------------------------------------------------------------


@cache
def stop_words() -> frozenset[str]:
    """Spanish stop words of the `stop-words` package (shipped with it, no
    network), with and without accents."""
    from stop_words import get_stop_words

    words = set()
    for word in get_stop_words("es"):
        word = word.lower()
        words.update((word, _plain(word)))
    return frozenset(words)


def _plain(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )


WORD = re.compile(r"[^\W\d_]+")


def tokens(text: str) -> list[str]:
    return WORD.findall(text.lower())


def content_words(text: str) -> list[str | None]:
    """The words of `text`, stop words and one- or two-letter words as None."""
    stops = stop_words()
    return [None if len(w) < 3 or w in stops else w for w in tokens(text)]


@dataclass
class Suggestion:
    label: str
    terms: list[str]
    answer_ids: list[int]
    by_group: dict[str, int]
    examples: list[str]

    @property
    def size(self) -> int:
        return len(self.answer_ids)


@dataclass
class OpenResult:
    question: Question
    n: int
    words: list[tuple[str, int]]
    pairs: list[tuple[str, int]]
    groups: list[tuple[str, str]]  # (code, name)
    themes: list[dict]  # {"theme", "pk", "total", "by_group": [counts in group order]}
    untagged: int
    suggestions: list[Suggestion]


class OpenResults:
    def __init__(
        self,
        consultation: Consultation,
        questions: list[Question],
        *,
        suggest: bool = True,
    ):
        self.consultation = consultation
        self.questions = [q for q in questions if q.is_text]
        self.suggest = suggest

    def calculate(self) -> list[OpenResult]:
        groups = _groups(self.consultation)
        return [self._question(q, groups) for q in self.questions]

    def _question(self, question, groups) -> OpenResult:
        answers = list(
            Answer.objects.filter(
                response__consultation=self.consultation,
                response__submitted_at__isnull=False,
                question__code=question.code,
            )
            .exclude(text="")
            .values_list("pk", "text", "response__group_id")
            .order_by("pk")
        )
        word_counts, pair_counts = Counter(), Counter()
        for _pk, text, _group in answers:
            words = [w for w in content_words(text) if w]
            word_counts.update(set(words))
            # Pairs of neighbouring words once stop words are out: Spanish puts
            # "de", "para", "la"… inside its phrases ("centros de formación").
            pair_counts.update(
                {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}
            )
        group_index = {g.pk: i for i, g in enumerate(groups)}
        tagged = defaultdict(lambda: [0] * len(groups))
        names = {}
        through = Answer.themes.through.objects.filter(
            answer__response__consultation=self.consultation,
            answer__response__submitted_at__isnull=False,
            answer__question__code=question.code,
        ).values_list(
            "theme_id", "theme__name", "answer__response__group_id", "answer_id"
        )
        tagged_answers = set()
        for theme_id, name, group_id, answer_id in through:
            names[theme_id] = name
            tagged[theme_id][group_index[group_id]] += 1
            tagged_answers.add(answer_id)
        themes = sorted(
            (
                {"pk": pk, "theme": names[pk], "by_group": counts, "total": sum(counts)}
                for pk, counts in tagged.items()
            ),
            key=lambda t: (-t["total"], t["theme"]),
        )
        return OpenResult(
            question=question,
            n=len(answers),
            words=word_counts.most_common(TOP_WORDS),
            pairs=[p for p in pair_counts.most_common(TOP_PAIRS) if p[1] > 1],
            groups=[(g.code, g.name) for g in groups],
            themes=themes,
            untagged=len(answers) - len(tagged_answers),
            suggestions=self._cached_clusters(answers, groups) if self.suggest else [],
        )

    def _cached_clusters(self, answers, groups) -> list[Suggestion]:
        """Clustering takes seconds: its result is kept for as long as the
        answers (and the groups' names in this language) stay the same."""
        fingerprint = hashlib.sha256(
            repr((answers, [(g.pk, g.name) for g in groups])).encode()
        ).hexdigest()
        return shared_cache.get_or_set(
            f"consultations:clusters:{fingerprint}",
            lambda: self._clusters(answers, groups),
            CLUSTER_CACHE_SECONDS,
        )

    def _clusters(self, answers, groups) -> list[Suggestion]:
        """Theme suggestions: TF-IDF of the answers' words and word pairs,
        k-means with a fixed seed; each cluster named by its top terms."""
        if len(answers) < MIN_ANSWERS_TO_CLUSTER:
            return []
        from sklearn.cluster import KMeans
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [" ".join(w for w in content_words(t) if w) for _pk, t, _g in answers]
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        try:
            matrix = vectorizer.fit_transform(texts)
        except ValueError:  # no term in two answers
            return []
        k = max(2, min(MAX_CLUSTERS, len(answers) // 15))
        if matrix.shape[1] < k:
            return []
        model = KMeans(n_clusters=k, random_state=SEED, n_init=10).fit(matrix)
        terms = vectorizer.get_feature_names_out()
        names = {g.pk: g.name for g in groups}
        out = []
        for cluster in range(k):
            members = [i for i, label in enumerate(model.labels_) if label == cluster]
            if not members:
                continue
            top = [
                terms[i] for i in model.cluster_centers_[cluster].argsort()[::-1][:4]
            ]
            by_group = Counter(names[answers[i][2]] for i in members)
            examples = sorted((answers[i][1] for i in members), key=len)[:3]
            out.append(
                Suggestion(
                    label=", ".join(top[:3]),
                    terms=top,
                    answer_ids=[answers[i][0] for i in members],
                    by_group=dict(by_group.most_common()),
                    examples=examples,
                )
            )
        return sorted(out, key=lambda s: -s.size)


def likert_codes() -> list[str]:
    return [str(v) for v in range(LIKERT_MIN, LIKERT_MAX + 1)]
