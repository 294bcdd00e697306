"""RSS, Atom and iCalendar feeds (issue 5; being written)."""
