"""Exports: survey responses, findings and votes as pandas tables, ready for CSV or XLSX (see ``reports.tables``)."""

from backend.exports.findings import findings_frame
from backend.exports.responses import responses_frame, responses_tables
from backend.exports.votes import vote_audit_frame, votes_frame

__all__ = ["findings_frame", "responses_frame", "responses_tables", "vote_audit_frame", "votes_frame"]
