"""Every site starts with the default intake and assessment instrument, published; the project manager can
copy it into a new version and change it."""

from django.db import migrations
from django.utils import timezone


def install(apps, schema_editor):
    from divert.casework.actions_assessment import DEFAULT_INSTRUMENT, DEFAULT_INSTRUMENT_NAME

    Instrument = apps.get_model("casework", "Instrument")
    Section = apps.get_model("casework", "Section")
    Question = apps.get_model("casework", "Question")
    if Instrument.objects.filter(name=DEFAULT_INSTRUMENT_NAME).exists():
        return
    instrument = Instrument.objects.create(
        name=DEFAULT_INSTRUMENT_NAME, version=1, state="published", published_at=timezone.now(),
        summary="The default instrument: demographics, housing, income, employment, education, health coverage, "
                "physical and mental health, substance use, children, legal obligations and immediate needs.")
    for s_order, (title, questions) in enumerate(DEFAULT_INSTRUMENT, start=1):
        section = Section.objects.create(instrument=instrument, order=s_order, title=title)
        Question.objects.bulk_create([
            Question(section=section, order=q_order, key=q.key, text=q.text, kind=q.kind, category=q.category,
                     choices=[list(c) for c in q.choices], required=q.required, help_text=q.help_text)
            for q_order, q in enumerate(questions, start=1)])


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
