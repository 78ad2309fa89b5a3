"""Registries cleaned against the population database, beyond the fleet (issue 12): a registry *profile* says what
a record of that registry holds — its columns, the persons in it by role, how two records of the same event are
known, which rules flag it for review — and `clean.py` runs any profile through the identity engine
(lienthong.linkage) in batch: `lienthong clean --profile PROFILE …`. Framework-free, as linkage is.

Profiles so far: `marriage`, `land`, `student`, `martyr` (profiles.py; a martyr is not in the population database:
only their kin is linked). The fleet's own campaign (lienthong.sync) does not run on a profile yet, and the
campaign pages (worklists, answers, deadline, dashboard) serve the fleet only: see issue 12's note.
"""
