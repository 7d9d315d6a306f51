"""Subject access requests: everything held about one person, as a readable file.

`gather.collect(person)` gathers the person's record, households, consent history, requests for
support, the early help episodes of their households (assessments, plans, reviews, case notes),
safeguarding overrides (`records`), panels, referrals and targeting findings (`partnership`),
and every audit row about them or their households – who looked at or changed what, and when
(`audit_trail`). `render` writes it out as Markdown or HTML; `export.subject_access_export`
writes the file and audits the export. `report` holds the shapes (sections, tables).

Case notes and household records mention other people: the Data Protection Officer reviews
the file and redacts third-party information before it is released (the file says so).
"""
