"""Meydan's data model (SQLAlchemy 2); names follow the glossary in DESIGN.md."""

from backend.models.base import Base, utcnow  # the one clock: backend.jalali.utcnow
from backend.models.console import ConsoleSession, SignInLink
from backend.models.findings import (
    FINDING_KINDS,
    Finding,
    ImportBatch,
    ImportRow,
    MergeDecision,
    Problem,
    ProblemFinding,
    ProblemSuggestion,
    WeightVersion,
    counted,
)
from backend.models.lifecycle import STAGES, SUBJECTS, StageEvent, StageNotice
from backend.models.meetings import Meeting, Note
from backend.models.operations import AuditEntry, OutboxMessage, ProcessedUpdate
from backend.models.pairwise import PAIR_CHOICES, PairAnswer
from backend.models.participants import ROLES, Invite, Participant, Role
from backend.models.surveys import Answer, Response, Survey, SurveyVersion
from backend.models.voting import VOTE_CHOICES, Agenda, AgendaItem, Decision, Vote

__all__ = [
    "FINDING_KINDS",
    "PAIR_CHOICES",
    "ROLES",
    "STAGES",
    "SUBJECTS",
    "VOTE_CHOICES",
    "Agenda",
    "AgendaItem",
    "Answer",
    "AuditEntry",
    "Base",
    "ConsoleSession",
    "Decision",
    "Finding",
    "ImportBatch",
    "ImportRow",
    "Invite",
    "Meeting",
    "MergeDecision",
    "Note",
    "OutboxMessage",
    "PairAnswer",
    "Participant",
    "Problem",
    "ProblemFinding",
    "ProblemSuggestion",
    "ProcessedUpdate",
    "Response",
    "Role",
    "SignInLink",
    "StageEvent",
    "StageNotice",
    "Survey",
    "SurveyVersion",
    "Vote",
    "WeightVersion",
    "counted",
    "utcnow",
]
