"""Coordination: legal matters and charge coordination, the Operational Work Group, the Policy Coordinating
Group, and letters to courts and probation. One module per area."""

from divert.coordination.models.legal import *  # noqa: F403
from divert.coordination.models.letters import *  # noqa: F403
from divert.coordination.models.owg import *  # noqa: F403
from divert.coordination.models.pcg import *  # noqa: F403
