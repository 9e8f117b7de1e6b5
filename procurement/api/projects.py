"""Purchase projects (P8): create, pre-review, open, close, cancel, reviewers, award;
applications (joint ones by the street federation), conflict declarations, scores."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from huitian.access import get_visible_or_404
from huitian.api.actions import ScopedActionsMixin
from huitian.api.idempotency import idempotent
from procurement.models import ProjectApplication, PurchaseProject
from procurement.selectors import projects as sel
from procurement.serializers import projects as s
from procurement.services import projects as svc

# The registry's organizations, without importing the registry beyond its selectors.
Organization = ProjectApplication.organization.field.related_model

REFUSALS = gettext_lazy(
    "403 when the caller may not take this step (not the purchaser's staff, not the "
    "assigned evaluator or reviewer, not a member of the organization), 404 when the "
    "record is not visible, 409 with the reason when the step is refused (wrong state, "
    "deadline passed, ineligible applicant, conflict of interest …)."
)


class ProjectViewSet(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Purchase projects the caller may see: the purchaser's staff, the assigned evaluator."""

    serializer_class = s.ProjectOut
    # The assigned third-party evaluator (a read-only role elsewhere) writes its opinion.
    read_only_roles_may = {"pre_review"}

    def get_queryset(self):
        return (
            sel.projects_for(self.request.user)
            .prefetch_related("items")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(
        summary=gettext_lazy("Create a project, directly or from purchase-service items"),
        request=s.ProjectIn,
        responses={201: s.ProjectOut},
        description=REFUSALS,
    )
    @idempotent
    def create(self, request):
        v = self.parse(s.ProjectIn)
        items = v.pop("items", [])
        if items:
            project = svc.create_project_from_items(
                by=request.user, items=items, **{k: x for k, x in v.items() if x is not None}
            )
        else:
            project = svc.create_project(by=request.user, **v)
        return self.render(project, status=201)

    def _project(self, pk):
        return self.visible_object(pk)

    @extend_schema(
        summary=gettext_lazy("Submit for pre-review"),
        request=None,
        responses=s.ProjectOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.render(svc.submit_for_review(self._project(pk), by=request.user))

    @extend_schema(
        summary=gettext_lazy("Pre-review opinion: pass, revise or reject (assigned evaluator)"),
        request=s.PreReviewIn,
        responses=s.ProjectOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"], url_path="pre-review")
    def pre_review(self, request, pk=None):
        project = self._project(pk)
        v = self.parse(s.PreReviewIn)
        return self.render(svc.pre_review(project, by=request.user, **v))

    @extend_schema(
        summary=gettext_lazy("Open for applications, closing after N working days"),
        request=s.OpenIn,
        responses=s.ProjectOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"], url_path="open")
    def open_(self, request, pk=None):
        project = self._project(pk)
        v = self.parse(s.OpenIn)
        return self.render(svc.open_for_applications(project, by=request.user, **v))

    @extend_schema(
        summary=gettext_lazy("Close applications (after the deadline)"),
        request=None,
        responses=s.ProjectOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self.render(svc.close_applications(self._project(pk), by=request.user))

    @extend_schema(
        summary=gettext_lazy("Cancel with a reason (any state before settlement)"),
        request=s.ReasonIn,
        responses=s.ProjectOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        project = self._project(pk)
        v = self.parse(s.ReasonIn)
        return self.render(svc.cancel_project(project, by=request.user, reason=v["reason"]))

    @extend_schema(
        summary=gettext_lazy("Assign a reviewer"),
        request=s.ReviewerIn,
        responses=s.ProjectOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def reviewers(self, request, pk=None):
        project = self._project(pk)
        v = self.parse(s.ReviewerIn)
        svc.assign_reviewer(project, reviewer=v["reviewer"], by=request.user)
        return self.render(project)

    @extend_schema(
        summary=gettext_lazy("Award to one application, with the reason"),
        request=s.AwardIn,
        responses=s.ProjectOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def award(self, request, pk=None):
        project = self._project(pk)
        v = self.parse(s.AwardIn)
        application = get_visible_or_404(
            request.user, ProjectApplication.objects.all(), v["application"]
        )
        svc.award(project, application=application, by=request.user, reason=v["reason"])
        return self.render(project)

    @extend_schema(
        summary=gettext_lazy("Whether an organization may take this project, and why not"),
        parameters=[OpenApiParameter("organization", int, required=True)],
        responses=s.EligibilityOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["get"])
    def eligibility(self, request, pk=None):
        project = self._project(pk)
        try:
            org = Organization.objects.get(pk=int(request.query_params.get("organization", "")))
        except (ValueError, Organization.DoesNotExist) as exc:
            raise ValidationError({"organization": ["Unknown organization."]}) from exc
        problems = svc.eligibility_problems(org, project, joint=org.is_filed)
        return Response(
            s.EligibilityOut(
                {"organization": org.pk, "eligible": not problems, "problems": problems}
            ).data
        )


class ApplicationViewSet(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Applications: the purchaser's staff see them with each applicant's eligibility."""

    serializer_class = s.ApplicationOut
    # Reviewers (third-party evaluators among them) declare conflicts and score.
    read_only_roles_may = {"conflict", "score"}

    def get_queryset(self):
        return sel.with_review_scores(sel.applications_for(self.request.user)).order_by(
            "submitted_at", "pk"
        )

    @extend_schema(
        summary=gettext_lazy("Apply for an open project (a member; jointly: the federation)"),
        request=s.ApplicationIn,
        responses={201: s.ApplicationOut},
        description=REFUSALS,
    )
    @idempotent
    def create(self, request):
        v = self.parse(s.ApplicationIn)
        project = PurchaseProject.objects.filter(pk=v["project"]).first()
        org = Organization.objects.filter(pk=v["organization"]).first()
        if project is None or org is None:
            raise ValidationError({"project": ["Unknown project or organization."]})
        application = svc.apply(
            project,
            organization=org,
            by=request.user,
            proposal=v["proposal"],
            quoted_amount=v["quoted_amount"],
            joint=v["joint"],
        )
        return self.render(application, status=201)

    @extend_schema(
        summary=gettext_lazy("Withdraw while the project is open"),
        request=None,
        responses=s.ApplicationOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self.render(svc.withdraw_application(self.visible_object(pk), by=request.user))

    @extend_schema(
        summary=gettext_lazy("A reviewer declares a conflict of interest (or none)"),
        request=s.ConflictIn,
        responses=s.ApplicationOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def conflict(self, request, pk=None):
        application = self.visible_object(pk)
        v = self.parse(s.ConflictIn)
        svc.declare_conflict(application, by=request.user, **v)
        return self.render(application)

    @extend_schema(
        summary=gettext_lazy("A reviewer's points per criterion"),
        request=s.ScoreIn,
        responses=s.ScoreOut(many=True),
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        application = self.visible_object(pk)
        v = self.parse(s.ScoreIn)
        rows = svc.score_application(
            application, by=request.user, scores=v["scores"], comment=v.get("comment", "")
        )
        return Response(s.ScoreOut(rows, many=True).data)
