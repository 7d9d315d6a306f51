"""The frameworks shipped with earlyhelp: their structure, described in our own words.

Plain data (no models) so the data migration can load it. A council adds its own framework as
rows (the admin site), or changes these.
"""

EIF_MATRIX = {
    "name": "Early intervention maturity matrix",
    "source": "Early Intervention Foundation maturity matrix (used by Barnet and East "
    "Northamptonshire)",
    "description": "Five dimensions of a partnership's early intervention, each rated from basic "
    "to mature by the partners once a year.",
    "levels": [
        ("Basic", "Little is in place; work depends on individuals."),
        ("Developing", "Some agreed ways of working; not yet consistent across partners."),
        ("Established", "Agreed and used by most partners; gaps are known."),
        ("Mature", "Embedded across the partnership, reviewed and improved as a habit."),
    ],
    "dimensions": [
        ("Planning", "Deciding what to do from evidence of need and of what works.", [
            ("Spending follows evidence", "Money goes mostly where there is evidence it works."),
            ("A plan built on local need", "The early help plan starts from what the data and "
             "families say is needed."),
        ]),
        ("Leading", "Who owns early intervention and how clearly.", [
            ("The partnership owns the plan", "Partners, not one agency, hold the plan."),
            ("Clear responsibilities", "It is clear who delivers each part of the plan."),
        ]),
        ("Delivering", "How families are assessed and worked with.", [
            ("One way of assessing and working with families", "Agencies use the same "
             "assessment and the same approach with families."),
            ("Help arrives early", "Families are reached before problems grow."),
        ]),
        ("Evaluating", "How the partnership knows what works.", [
            ("Services are monitored", "Every service is monitored and its success measured."),
            ("Shared goals", "Everyone works to the same goals and measures."),
        ]),
        ("Family focus", "How families shape the help they get.", [
            ("Families shape services", "Children and families help decide how services are "
             "designed and run."),
            ("Families judge progress", "Families' own view of their progress is recorded and "
             "used."),
        ]),
    ],
}

SYSTEM_GUIDE = {
    "name": "Early Help System Guide",
    "source": "Early Help System Guide (2020), the successor to the maturity matrix",
    "description": "A yearly partnership self-assessment across five areas of the early help "
    "system.",
    "levels": [
        ("Emerging", "Early steps; much still to put in place."),
        ("Developing", "In place in parts of the system."),
        ("Maturing", "In place across most of the system and improving."),
        ("Mature", "Embedded, tested with families and sustained."),
    ],
    "dimensions": [
        ("Family voice and experience", "Families' experience of the system, in their words.", [
            ("Families are heard", "What families say about their help is gathered and acted "
             "on."),
            ("Tell it once", "Families tell their story once, not to every agency."),
        ]),
        ("Whole-family working and the workforce", "Working with the whole family, by a "
         "workforce that shares a way of working.", [
            ("Whole-family assessment and plan", "One assessment and plan covers the whole "
             "family."),
            ("A skilled shared workforce", "Staff across agencies are trained in the same "
             "practice model."),
        ]),
        ("Communities", "The voluntary and community sector as partners.", [
            ("Voluntary sector in the partnership", "Voluntary and community organisations "
             "help plan and deliver early help."),
            ("Community strengths used", "Local groups and places are known and used."),
        ]),
        ("Leadership", "A senior strategic group and a culture of evaluation.", [
            ("A senior group owns early help", "A senior strategic group leads and is held to "
             "account."),
            ("A culture of evaluation", "Leaders ask what works and change course on the "
             "answer."),
        ]),
        ("Data", "Shared data and case-management systems partners can use.", [
            ("Shared data", "Partners share data to find families and see their progress."),
            ("Accessible systems", "Practitioners in every agency can use the case-management "
             "system."),
        ]),
    ],
}

SHIPPED = (EIF_MATRIX, SYSTEM_GUIDE)

# The quality audit tool shipped with earlyhelp, in our own words. Each question: (text,
# guidance, applies to "both" / "assessment" / "plan").
AUDIT_TOOL = {
    "name": "Early help case audit",
    "description": "A monthly audit of a sample of assessments and plans: each question graded "
    "outstanding, good, requires improvement or inadequate, with comments.",
    "questions": [
        ("The child's voice is heard",
         "Each child's wishes and feelings are recorded in their own words or by observation, "
         "and shape the work.", "both"),
        ("Needs are evidenced",
         "Each need is backed by what the family said and what was seen or shared by "
         "partners, not by opinion alone.", "assessment"),
        ("The whole family is considered",
         "Parents', carers' and siblings' needs are looked at, not only the referred child's.",
         "both"),
        ("The plan is SMART",
         "Outcomes are specific and measurable, actions have an owner and a date, and the plan "
         "says how everyone will know it has worked.", "plan"),
        ("Reviews are on time",
         "The plan was reviewed by its due date, with progress scored and the family present.",
         "plan"),
        ("Management oversight is recorded",
         "A manager's direction or sign-off is on the record where decisions were made.",
         "both"),
    ],
}
