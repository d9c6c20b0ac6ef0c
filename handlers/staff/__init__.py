"""The staff front office: joining by invitation, the service standard, the name clients see (/myname),
/invite and /staff.

`router.create_router()` builds the area's router (also reachable as `handlers.staff.create_router`);
`permissions` holds what each command and button needs; the rules are in `handlers.services.staff`
(`services.staff`), the screens in `handlers.views.staff`.
"""

from handlers.staff.router import create_router

__all__ = ["create_router"]
