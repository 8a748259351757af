from allauth.usersessions.adapter import DefaultUserSessionsAdapter

from divert.audit.log import log_event


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    def end_sessions(self, sessions) -> None:
        sessions = list(sessions)
        super().end_sessions(sessions)
        for session in sessions:
            log_event("divert.session.ended_elsewhere", actor=session.user,
                      details={"ip": session.ip, "user_agent": session.user_agent[:200]})
