"""Statistics: pure functions returning analysis-results data (frozen dataclasses / tidy frames) that name
their method. Nothing here formats numbers for people or reads study files."""
