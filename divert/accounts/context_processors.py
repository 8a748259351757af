from divert.accounts.seats import navigation_for


def seat(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"seat": user.seat, "nav_items": navigation_for(user, request.path)}
