import random
from datetime import date

from django.db.models import Count
from faker import Faker

from divert.casework.models import Answer, Assessment, Goal, GoalStatus, Instrument, InterventionPlan, MonthlyStatus
from divert.demo.seed import seed_site
from divert.demo.seed_assessment import seed_assessment
from divert.participants.models import Enrollment, EnrollmentStatus
from divert.privacy.policy import Category

TODAY = date(2026, 11, 26)


def test_seed_fills_assessments_status_and_plans(db):
    seed_site(120, seed=5, today=TODAY, justice_feeds=False)
    # Start from none of this area's rows, whether or not the site seed already made them.
    for model in (Goal, InterventionPlan, MonthlyStatus, Answer, Assessment):
        model.objects.all().delete()
    created = seed_assessment(random.Random(1), Faker(), TODAY)
    assert created > 0
    assert Instrument.objects.count() == 1
    seeded = Enrollment.objects.filter(status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.INACTIVE,
                                                   EnrollmentStatus.IN_THE_WIND], case_manager__isnull=False)
    assert Assessment.objects.filter(kind="intake").values("enrollment").distinct().count() >= seeded.count()
    assert Assessment.objects.filter(kind="reassessment").exists()
    assert Answer.objects.filter(question__category=Category.SUD).exists()
    # At most one status per person and month, and change over time for some.
    assert not MonthlyStatus.objects.values("person", "month").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert all(m.month.day == 1 and m.month <= TODAY for m in MonthlyStatus.objects.all()[:500])
    changed = (MonthlyStatus.objects.values("person").annotate(n=Count("housing", distinct=True))
               .filter(n__gt=1).count())
    assert changed > 0
    assert InterventionPlan.objects.exists()
    counts = Goal.objects.values("plan").annotate(n=Count("id")).values_list("n", flat=True)
    assert min(counts) >= 1 and max(counts) <= 4
    assert not Goal.objects.filter(chosen_by_participant=False).exists()
    assert set(Goal.objects.values_list("status", flat=True)) <= set(GoalStatus.values)
    assert Goal.objects.filter(category=Category.SUD).exists()
    for goal in Goal.objects.prefetch_related("status_changes")[:200]:
        assert goal.status_changes.all()[0].to_status == GoalStatus.OPEN
        assert list(goal.status_changes.all())[-1].to_status == goal.status
    # Running it again adds nothing.
    assert seed_assessment(random.Random(1), Faker(), TODAY) == 0
