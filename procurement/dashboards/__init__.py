"""Procurement's dashboard panels (D1), one module per concept: needs (volumes, rates,
deadlines), supply gaps, whistle calls, money (the flow, budgets, the foundation),
purchase projects. The kernel reads `PANELS` and `OPEN_DATA`
here (`huitian.dashboards.declared_panels`, `huitian.open_data.declared_datasets`)."""

from django.utils.translation import gettext_lazy as _

from huitian.dashboards import Panel
from procurement.dashboards.money import budget_use, foundation, money_flow
from procurement.dashboards.needs import (
    due_counts,
    growing_topics,
    hot_spots,
    needs_by_area,
    needs_by_category,
    needs_by_channel,
    needs_by_week,
    rates_by_area,
    rates_by_category,
    rates_by_month,
)
from procurement.dashboards.needs_open_data import _open_data
from procurement.dashboards.projects import (
    evaluation_grades,
    project_money,
    projects_by_state,
    projects_near_deadline,
)
from procurement.dashboards.supply import supply_gaps
from procurement.dashboards.whistle import whistle, whistle_organizations

PANELS = [
    Panel("needs-by-area", _("Needs by area"), needs_by_area, chart="bar", public=True),
    Panel("needs-by-channel", _("Needs by channel"), needs_by_channel, chart="bar"),
    Panel("needs-by-category", _("Needs by category"), needs_by_category, chart="bar"),
    Panel("needs-by-week", _("Needs per week"), needs_by_week, chart="line"),
    Panel("hot-spots", _("Hot spots: areas × categories"), hot_spots, chart="heatmap"),
    Panel("growing-topics", _("Fastest-growing categories"), growing_topics, chart="bar"),
    Panel("rates-by-area", _("The three rates by area"), rates_by_area, chart="bar"),
    Panel("rates-by-category", _("The three rates by category"), rates_by_category),
    Panel("rates-trend", _("The three rates by month"), rates_by_month, chart="line"),
    Panel("needs-due", _("Overdue and near-due needs"), due_counts, chart="stacked"),
    Panel("supply-gaps", _("Supply gaps"), supply_gaps, chart="bar"),
    Panel("whistle", _("Whistle calls"), whistle, chart="bar"),
    Panel("whistle-response", _("Organizations' whistle response times"), whistle_organizations),
    Panel("money-flow", _("Money flow: sources → areas → projects"), money_flow, chart="sankey"),
    Panel("budget-use", _("Budget use"), budget_use, chart="bar"),
    Panel("foundation", _("Foundation income and use"), foundation, chart="bar"),
    Panel("projects-by-state", _("Purchase projects by state"), projects_by_state, chart="stacked"),
    Panel("project-money", _("Purchase projects: committed and paid"), project_money),
    Panel("evaluation-grades", _("Evaluation grades"), evaluation_grades, chart="stacked"),
    Panel(
        "projects-deadline",
        _("Projects near their application deadline"),
        projects_near_deadline,
        chart="stacked",
    ),
]

OPEN_DATA = _open_data()
