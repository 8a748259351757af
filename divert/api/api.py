"""/api/v1/: the routers of each resource on the one API object (divert.api.core.api)."""

from divert.api import routes_casework, routes_imports, routes_more, routes_people, routes_referrals
from divert.api.core import api

api.add_router("", routes_people.router)
api.add_router("", routes_referrals.router)
api.add_router("", routes_imports.router)
api.add_router("", routes_casework.router)
api.add_router("", routes_more.router)
