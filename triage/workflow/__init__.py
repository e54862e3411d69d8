"""The alert workflow: status and assignment, notes, checklists, timeline and reopening."""
