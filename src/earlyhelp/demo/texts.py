"""Words for the demo borough's casework: concerns, needs, plan outcomes, actions and notes.

Keyed by needs theme code (thresholds/reference.py NEED_THEMES). Written in practitioners' and
families' own register; placeholders: {child}, {parent}, {school}.
"""

# Prevalence of each theme among assessed needs (the "toxic trio" most common, as in Barnet).
THEME_WEIGHTS = {
    "mh": 34,
    "dv": 30,
    "neglect": 27,
    "school": 22,
    "substance": 18,
    "police": 11,
    "unemployment": 11,
    "parental-ld": 5,
    "cse": 4,
}

EPISODE_REASON = {
    "dv": "domestic_abuse",
    "substance": "substance",
    "mh": "mental_health",
    "neglect": "abuse_neglect",
    "unemployment": "socio_economic",
    "police": "vulnerability",
    "school": "wellbeing",
    "cse": "vulnerability",
    "parental-ld": "disability",
}

# Which member a theme's need is usually about: "child", "parent" or either.
THEME_PERSON = {
    "dv": "parent",
    "substance": "parent",
    "mh": "either",
    "neglect": "child",
    "unemployment": "parent",
    "police": "child",
    "school": "child",
    "cse": "child",
    "parental-ld": "parent",
}

CONCERNS = {
    "dv": [
        "Police attended the home after a verbal argument between {parent} and a partner; the "
        "children were present. DASH risk assessment standard.",
        "{child} disclosed at school that there is a lot of shouting at home and that they are "
        "scared when dad has been drinking.",
        "Mum says her ex-partner keeps turning up at the house and she does not feel safe.",
    ],
    "substance": [
        "{parent} smelled of alcohol at school pick-up on several occasions this term.",
        "Concerns that {parent} is using cannabis daily and struggling to get the children to "
        "school on time.",
        "{child} (15) found in possession of cannabis; school worried about increasing use.",
    ],
    "mh": [
        "{parent} is experiencing low mood and anxiety since the birth and is finding it hard to "
        "leave the house.",
        "{child} has been self-harming (superficial cuts) and is on the CAMHS waiting list; the "
        "family needs support in the meantime.",
        "{parent} has a diagnosis of depression and is struggling to manage the children's "
        "routines.",
        "{child} is very anxious about coming to school and has panic attacks in lessons.",
    ],
    "neglect": [
        "{child} often arrives at school hungry and in unwashed uniform; head lice untreated.",
        "Concerns about home conditions and missed developmental checks for {child}.",
        "Dental decay untreated and {child} frequently unsupervised in the street after dark.",
    ],
    "unemployment": [
        "Family in rent arrears after {parent} lost their job; food bank referrals twice this "
        "month.",
        "Neither parent has worked for over two years; family asking for help with debts and "
        "benefits.",
    ],
    "police": [
        "{child} arrested for shoplifting with older peers; police concerned about associates.",
        "Repeated police call-outs for anti-social behaviour involving {child} and friends.",
        "{child} found carrying a knife near the park; concerns about criminal exploitation.",
    ],
    "school": [
        "{child}'s attendance is 78% this term with many unexplained absences.",
        "{child} starts reception in September, is not toilet trained and has very little "
        "speech: worries about school readiness.",
        "{child} has had three fixed-term exclusions this year and is at risk of permanent "
        "exclusion.",
    ],
    "cse": [
        "{child} (14) has been going missing overnight and has a new phone and gifts the family "
        "cannot explain.",
        "{child} is thought to be in contact with older men online and has been seen getting "
        "into cars after school.",
    ],
    "parental-ld": [
        "{parent} has a learning disability and needs support to understand the baby's feeding "
        "and health appointments.",
        "{parent} has a learning disability and asks for support with routines and managing "
        "the children's behaviour.",
    ],
}

NEED_DESCRIPTIONS = {
    "dv": "History of domestic abuse between the parents; the children have witnessed incidents.",
    "substance": "Alcohol or drug use is affecting routines and the care of the children.",
    "mh": "Low mood and anxiety are affecting day-to-day life and relationships in the family.",
    "neglect": "Basic care, supervision and home conditions are not consistently good enough.",
    "unemployment": "No one in the household is working; debts and rent arrears.",
    "police": "Involvement in anti-social behaviour and contact with police.",
    "school": "Poor attendance and lateness; struggling to engage with learning.",
    "cse": "Signs of risk of sexual exploitation: going missing, older associates, gifts.",
    "parental-ld": "Parent has a learning disability and needs support to parent confidently.",
}

OUTCOMES = {
    "dv": ["We want to feel safe at home.", "Mum wants the children to stop being scared."],
    "substance": [
        "Dad wants to cut down his drinking so he can be there for the kids.",
        "We want a calm house without drugs in it.",
    ],
    "mh": [
        "Mum wants to feel able to go out and take the children to the park.",
        "{child} wants to feel less worried and be able to go to school.",
    ],
    "neglect": [
        "We want the house to be clean and the children to have what they need.",
        "The children get to school fed, clean and on time.",
    ],
    "unemployment": ["Mum wants to get back into work.", "We want to pay off our debts."],
    "police": ["{child} wants to stay out of trouble.", "{child} wants to stop getting arrested."],
    "school": ["{child} goes to school every day.", "{child} is ready to start school."],
    "cse": ["{child} is safe and stops going missing.", "We want {child} to be safe online."],
    "parental-ld": [
        "Mum wants to feel confident looking after the baby.",
        "We want to understand the letters and appointments.",
    ],
}

ACTIONS = {
    "dv": [
        ("Refer mum to the domestic abuse advocacy service", "worker"),
        ("Safety plan agreed with mum and shared with school", "worker"),
        ("Attend the Freedom Programme", "family"),
    ],
    "substance": [
        ("Dad to attend the substance misuse service for an assessment", "family"),
        ("Refer to the young people's drug and alcohol service", "worker"),
    ],
    "mh": [
        ("Mum to see her GP about her low mood", "family"),
        ("Refer {child} to the school counsellor", "partner"),
        ("Self-refer to talking therapies", "family"),
    ],
    "neglect": [
        ("Weekly home visits to help with routines", "worker"),
        ("Apply for a school uniform grant", "worker"),
        ("Book dental appointments for the children", "family"),
    ],
    "unemployment": [
        ("Referral to the employment support adviser", "worker"),
        ("Benefits check and debt advice appointment", "worker"),
    ],
    "police": [
        ("Referral to the youth service mentoring scheme", "worker"),
        ("Meet the police schools officer with {child}", "partner"),
    ],
    "school": [
        ("Attendance plan agreed with school", "partner"),
        ("Morning routine chart and alarm clock", "family"),
        ("Speech and language referral", "partner"),
    ],
    "cse": [
        ("Refer to the CSE caseworker", "worker"),
        ("Return home interview after each missing episode", "worker"),
    ],
    "parental-ld": [
        ("Easy-read information about the baby's appointments", "worker"),
        ("Refer to the parenting support service for parents with learning disabilities", "worker"),
    ],
}

NOTE_SUBJECTS = [
    ("Home visit", "Visited the family at home. {parent} was welcoming; talked through the plan "
     "and how the week has gone. {child} showed me their schoolwork."),
    ("Phone call with {parent}", "Called {parent} to check in. Things are calmer this week; "
     "reminded about the appointment on Thursday."),
    ("School meeting", "Met the designated safeguarding lead at {school}. Attendance improving; "
     "{child} is engaging better in class."),
    ("Direct work with {child}", "One-to-one session with {child} using the three houses tool. "
     "{child} said the best thing at home is playing with mum."),
    ("Team Around the Family meeting", "TAF met; actions reviewed and updated. Family agreed "
     "the next steps."),
    ("Missed appointment", "No answer at the planned home visit. Left a card and sent a text."),
    ("Consent discussed", "Explained early help is voluntary and what information is shared with "
     "whom. {parent} is happy for us to speak to school and the GP."),
]  # fmt: skip

VOICE_OF_CHILD = [
    "{child} said they like school but worry about mum when they are not at home.",
    "{child} drew their family and said the best thing is their dog and the worst is the shouting.",
    "{child} said they want their own bed and for mum and dad to stop arguing.",
    "{child} is too young to say; observed to be happy and relaxed with mum, seeking comfort "
    "when upset.",
    "{child} said they want to go to football club and have friends round.",
]
FAMILY_VIEW = [
    "{parent} says things got on top of them after the move and they want help to get back on "
    "track.",
    "{parent} agrees the children need more routine and wants support with bedtimes.",
    "The family feel they have been let down by services before but are willing to try.",
]
# The family's own words when they rate their outcomes (at a review or at closure).
FAMILY_WORDS = [
    "Mornings are calmer and the children get to school on time.",
    "We argue less and I know who to call when it gets hard.",
    "Some weeks are still hard but we are getting there.",
    "Not much has changed for us yet.",
    "Having one worker who listens made the difference.",
]
OVERRIDE_REASONS = {
    "down": "Professional judgement: strong protective factors in the wider family and the "
    "parent is engaging; needs can be met at a lower level.",
    "up": "Professional judgement: repeated contacts within a short time and escalating "
    "concerns; needs are higher than the indicators alone suggest.",
}
RATIONALE = {
    "nfa": "Information recorded. No additional needs identified; no further action.",
    "signpost": "Needs can be met by universal services; family given information about the "
    "children's centre, the school nurse and the online parenting course.",
    "early_help": "Additional needs across the family that need a coordinated response; family "
    "consents to early help. Allocated for an early help assessment.",
    "step_up": "Child protection concerns: the threshold for children's social care is met. "
    "Passed to the social care assessment team.",
    "attach": "The family already has an open early help episode; contact attached and the lead "
    "practitioner informed.",
}
CLOSURE_SUMMARY = {
    "needs_met": "Outcomes achieved: the family's scores have improved on every need and the "
    "family agrees support can end. Universal services remain involved.",
    "stepped_up": "Concerns escalated; stepped up to children's social care.",
    "disengaged": "The family withdrew their consent and no longer wishes to engage.",
    "moved_away": "The family moved out of the borough; information passed to the new local "
    "authority with consent.",
    "other": "Closed: the family is now supported by a specialist service.",
}
