"""Audit codes of the coordination app's owg area (registered with divert.audit.codes at start-up), and the
Operational Work Group's events on the person timeline."""

from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from divert.casework.timeline import TimelineItem, register_timeline_source
from divert.privacy.policy import Category

CODES: dict = {
    "divert.owg.settings_changed": _("changed when the Operational Work Group meets"),
    "divert.owg.member_added": _("added a member to the Operational Work Group"),
    "divert.owg.member_removed": _("removed a member from the Operational Work Group"),
    "divert.owg.meeting.scheduled": _("scheduled an Operational Work Group meeting"),
    "divert.owg.meeting.viewed": _("viewed an Operational Work Group meeting"),
    "divert.owg.meeting.exported": _("downloaded an Operational Work Group meeting as PDF"),
    "divert.owg.agenda.built": _("built or refreshed an Operational Work Group agenda"),
    "divert.owg.agenda.item_added": _("added an item to an Operational Work Group agenda"),
    "divert.owg.agenda.item_removed": _("removed an item from an Operational Work Group agenda"),
    "divert.owg.agenda.item_moved": _("reordered an Operational Work Group agenda"),
    "divert.owg.agenda.item_discussed": _("marked an Operational Work Group agenda item discussed"),
    "divert.owg.attendance.recorded": _("recorded attendance at an Operational Work Group meeting"),
    "divert.owg.guest.added": _("recorded a guest at an Operational Work Group meeting"),
    "divert.owg.decision.recorded": _("recorded an Operational Work Group decision"),
    "divert.owg.action_item.added": _("gave someone an action item at an Operational Work Group meeting"),
    "divert.owg.action_item.completed": _("completed an Operational Work Group action item"),
    "divert.owg.minutes.saved": _("saved draft minutes of an Operational Work Group meeting"),
    "divert.owg.minutes.approved": _("approved the minutes of an Operational Work Group meeting"),
    "divert.owg.flag.raised": _("flagged a participant for the next Operational Work Group meeting"),
    "divert.owg.flag.resolved": _("marked a participant's Operational Work Group flag discussed"),
}


@register_timeline_source
def _owg_items(user, person, may):
    """Flags and discussions. The flag's reason is written for partners (partner summary); that the group
    discussed the person is status. What was said is in the minutes, behind the meeting page's own checks."""
    from divert.coordination.models import AgendaItem, OperationalWorkGroupFlag

    items = []
    if may(Category.PARTNER_SUMMARY):
        for flag in OperationalWorkGroupFlag.objects.filter(person=person).order_by("-created_at")[:20]:
            items.append(TimelineItem(at=flag.created_at, kind="owg_flag", title=_t("Flagged for the OWG"),
                                      detail=flag.reason, category=Category.PARTNER_SUMMARY))
    if may(Category.STATUS):
        from divert.coordination.actions_owg import member_groups

        discussed = list(AgendaItem.objects.filter(person=person, discussed_at__isnull=False, removed=False)
                         .select_related("meeting").order_by("-discussed_at")[:20])
        readable = set(member_groups(user).values_list("pk", flat=True)) if discussed else set()
        for item in discussed:
            url = reverse("owg_meeting", args=[item.meeting_id]) if item.meeting.group_id in readable else ""
            items.append(TimelineItem(at=item.discussed_at, kind="owg_discussed",
                                      title=_t("Discussed at the OWG"), category=Category.STATUS, url=url))
    return items
