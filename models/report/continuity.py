"""Continuity per client: which carers each client met and how often, as a heat map per team.

Rows are the team's clients, worst first (most carers above the client's lower bound), with
the contact carer (outlined) and preferred carers; columns its carers (then any borrowed
carer); a cell holds the visits that carer made to that client, shaded by its share of the
client's most frequent carer. Beside it: distinct carers against the client's lower bound and
the 14-day indicator per period (distinct carers met 07:00-22:00; bold where the client is in
the national indicator's population, i.e. has daily care).
"""

from __future__ import annotations

from html import escape

from hemplan.models.contract.instance import Instance
from hemplan.models.evaluator import Evaluation
from hemplan.models.evaluator.metrics import periods
from hemplan.models.texts import ENGLISH, Texts

SHADES = 5


def _shade(count: int, top: int) -> str:
    return f"h{max(1, round(SHADES * count / top))}" if count else ""


def continuity_tables(
    instance: Instance,
    evaluation: Evaluation,
    classes: dict[str, str],
    texts: Texts = ENGLISH,
) -> str:
    """One heat-map table per team, from the evaluator's per-client continuity (its words in
    the language of `texts`)."""
    t = texts.t
    spans = periods(instance.horizon.days)
    tables = []
    for team in instance.teams:
        # worst first: most carers above the client's bound, then most carers
        clients = sorted(
            (c for c in instance.clients if c.team == team.id),
            key=lambda c: (
                -(evaluation.clients[c.id].distinct - evaluation.clients[c.id].lower_bound),
                -evaluation.clients[c.id].distinct,
                c.id,
            ),
        )
        if not clients:
            continue
        met = {carer for c in clients for carer in evaluation.clients[c.id].visits_by_carer}
        own = sorted(s.id for s in instance.staff if s.team == team.id)
        carers = own + sorted(met - set(own))
        days_met = "distinct carers met 07:00-22:00 on days {first}-{last}"
        period_heads = "".join(
            f'<th title="{escape(t(days_met, first=s.start, last=s.stop - 1))}">'
            f"{escape(t('14d #{k}', k=k + 1))}</th>"
            for k, s in enumerate(spans)
        )
        carer_heads = "".join(
            f'<th class="vert{"" if c in own else " borrowed"}" '
            f'title="{escape(instance.staff_by_id[c].name)}">'
            f"{escape(c)}</th>"
            for c in carers
        )
        rows = []
        for client in clients:
            entry = evaluation.clients[client.id]
            counts = entry.visits_by_carer
            top = max(counts.values(), default=1)
            indicator = "".join(
                f'<td class="{"pop" if pop else "out"}">{n}</td>'
                for n, pop in zip(entry.daytime_per_period, entry.in_indicator_population)
            )
            share = texts.percent(entry.contact_share, 0)
            excess = " over" if entry.distinct > entry.lower_bound else ""
            cells = "".join(
                f'<td class="{_shade(counts.get(c, 0), top)}'
                f'{" contact" if c == client.contact_carer else ""}">{counts.get(c, "")}</td>'
                for c in carers
            )
            wishes = []
            if client.contact_carer:
                wishes.append(t("contact {carer}", carer=client.contact_carer))
            if client.preferred_carers:
                wishes.append(t("prefers {carers}", carers=", ".join(client.preferred_carers)))
            rows.append(
                f'<tr><th class="client"><span class="sw {classes[client.id]}"></span>'
                f"{escape(client.name or client.id)} <small>{escape(client.id)}</small>"
                f"{'<br><small>' + escape('; '.join(wishes)) + '</small>' if wishes else ''}</th>"
                f"<td>{entry.assigned_visits}/"
                f"{len(instance.visits_by_client.get(client.id, []))}</td>"
                f'<td class="n{excess}">{entry.distinct}</td><td>{entry.lower_bound}</td>'
                f"{indicator}<td>{share}</td>{cells}</tr>"
            )
        tables.append(
            f"<h3>{escape(team.name or team.id)} <small>{escape(team.id)}</small></h3>"
            f'<div class="scroll"><table class="heat"><thead><tr><th>{escape(t("client"))}</th>'
            f"<th>{escape(t('visits'))}</th>"
            f'<th title="{escape(t("distinct carers over the horizon"))}">'
            f"{escape(t('carers'))}</th>"
            f'<th title="{escape(t("fewest carers who could serve the client (lower bound)"))}">'
            f"{escape(t('bound'))}</th>{period_heads}"
            f'<th title="{escape(t("share of visits by the most frequent carer"))}">'
            f"{escape(t('contact'))}</th>"
            f"{carer_heads}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )
    return "".join(tables)
