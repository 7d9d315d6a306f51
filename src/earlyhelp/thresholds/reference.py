"""Shipped reference data: the threshold models (levels of need) and the needs themes.

Plain Python structures, read by the data migration ``0002_reference_data`` and by the
``load_reference_data`` management command. Loading is idempotent: rows are found by slug / rank /
name / code and created only when missing, so an administrator's later edits are never overwritten.

Ids are derived from the slug or code (uuid5), so the same reference row has the same id in every
installation – the demo borough and exported data stay comparable between databases.

Wording follows the councils' own documents (shared/seeds): Barnet's Early Intervention and
Prevention Strategy (four levels of need, eight needs themes), the Northamptonshire vulnerability
matrix used by East Northamptonshire (tiers 1–4), and Merton's Child Wellbeing Model.
"""

import uuid

# A fixed namespace for the ids of shipped reference rows (never change it).
REFERENCE_NAMESPACE = uuid.UUID("6f1d7c52-3a8e-4d0b-9a51-2f4c8e7b1d90")

DEFAULT_MODEL_SLUG = "continuum-4"

# The three sides of the Assessment Framework triangle (same names as assessments.AssessmentDomain).
DEVELOPMENT = "Child's developmental needs"
PARENTING = "Parenting capacity"
FAMILY = "Family and environmental factors"
TRIANGLE = [DEVELOPMENT, PARENTING, FAMILY]

CONTINUUM_4 = {
    "slug": DEFAULT_MODEL_SLUG,
    "name": "Continuum of need (four levels)",
    "description": (
        "Four levels of need, from level 1 (no additional needs – universal services) to level 4 "
        "(acute needs requiring statutory intervention). Used by Barnet, the Northamptonshire "
        "vulnerability matrix and the London Continuum. Aim: catch needs at the lowest level and "
        "move families down the levels."
    ),
    "is_default": True,
    "levels": [
        (
            1,
            "Universal",
            "universal",
            "No identified additional needs. Needs are met by universal services: schools, early "
            "years settings, health visitors, GPs, children's centres, libraries.",
        ),
        (
            2,
            "Early help",
            "early_help",
            "Additional needs: the child's needs are not clear, not known or not being met. The "
            "threshold for beginning an early help assessment; universal support services and/or "
            "targeted services with a lead practitioner.",
        ),
        (
            3,
            "Targeted / complex",
            "targeted",
            "High level additional unmet needs, usually requiring a targeted, integrated "
            "multi-agency response (a Team Around the Family), often including a specialist "
            "service.",
        ),
        (
            4,
            "Specialist / acute",
            "statutory",
            "Acute needs requiring statutory intensive support: child in need, child protection, "
            "looked after children. Refer to children's social care.",
        ),
    ],
    "domains": TRIANGLE,
    # domain -> level rank -> indicator texts
    "indicators": {
        DEVELOPMENT: {
            1: [
                "Good physical and emotional health; developmental milestones met",
                "Attends school or early years setting regularly and makes expected progress",
                "Forms and keeps age-appropriate friendships and relationships with adults",
                "Immunisations and health and development checks up to date",
            ],
            2: [
                "Developmental milestones not being met, e.g. speech and language delay or not "
                "school ready",
                "Attendance falling (below 90%) or often late; a fixed-term exclusion",
                "Low-level emotional or behavioural difficulties, e.g. anxiety, low mood, "
                "challenging behaviour at home or school",
                "Experimenting with alcohol or drugs; occasional anti-social behaviour",
                "Young carer whose caring role affects school or wellbeing",
            ],
            3: [
                "Persistent absence, repeated exclusions, or not in education, employment or "
                "training (16-18)",
                "Mental health needs requiring CAMHS or other specialist support; self-harm",
                "Regular substance misuse affecting health, education or relationships",
                "Involved in offending or anti-social behaviour; at risk of gang involvement",
                "Going missing from home or school; early signs of sexual or criminal exploitation",
            ],
            4: [
                "Child has suffered, or is likely to suffer, significant harm through abuse or "
                "neglect",
                "Child is being sexually or criminally exploited, or has been trafficked",
                "Acute mental health crisis, serious self-harm or attempted suicide",
                "Frequently missing from home, whereabouts unknown",
                "Complex disability needs that carers cannot meet without statutory support",
            ],
        },
        PARENTING: {
            1: [
                "Parents provide consistent basic care, warmth and stability",
                "Appropriate guidance and boundaries; the child is kept safe from danger",
                "Parents use universal services (health visitor, school, GP) when needed",
            ],
            2: [
                "Parenting is inconsistent; difficulty setting boundaries or managing behaviour",
                "Parent has mental health needs (e.g. postnatal depression) that affect their care "
                "of the child",
                "Basic care not always provided: poor hygiene, missed health appointments",
                "Parent has a learning disability and needs support to meet the child's needs",
            ],
            3: [
                "Parental substance misuse, mental illness or learning disability significantly "
                "affects the care of the child",
                "Home conditions poor and signs of emerging neglect; repeated failure to engage "
                "with services",
                "Parents struggle to protect the child from harm outside the home",
                "Child exposed to parental conflict or domestic abuse below the threshold for "
                "social care",
            ],
            4: [
                "Parent unable to provide adequate care; chronic neglect",
                "Parental substance misuse, mental illness or learning disability places the child "
                "at risk of significant harm",
                "Parent's behaviour places the child at risk of significant harm (violence, sexual "
                "abuse, exploitation)",
                "Child abandoned, or parents refuse or are unable to care for the child",
            ],
        },
        FAMILY: {
            1: [
                "Supportive family and social networks",
                "Adequate housing and income; the family uses local amenities",
                "Family feels part of the community",
            ],
            2: [
                "Financial difficulties, debt or long-term unemployment in the household",
                "Housing overcrowded, temporary or in poor repair",
                "Family relationships under strain: separation, bereavement, parental conflict",
                "Family socially isolated, with little support from relatives or friends",
            ],
            3: [
                "Domestic abuse in the household, assessed as standard or medium risk",
                "Family at risk of eviction or homelessness; frequent moves",
                "Family members involved in crime or anti-social behaviour; police called to the "
                "home",
                "Multiple needs across the family needing a multi-agency Team Around the Family",
            ],
            4: [
                "High-risk domestic abuse (referred to MARAC)",
                "Family homeless, or housing places the child at risk",
                "Child living with, or in contact with, a person who poses a risk to children",
                "Family breakdown: the child is at risk of entering care",
            ],
        },
    },
}

# Merton's Child Wellbeing Model. Bands (a judgement, so reports can compare models):
# Universal -> universal; Enhanced -> early_help (Merton's enhanced teams – 0-5 Supporting
# Families, 5-18 Vulnerable Children's Team, Transforming Families – cover both early help and
# targeted work, but below social care); Specialist -> statutory (safeguarding, looked after
# children; Merton also places SEND and youth offending services here).
MERTON_CWM = {
    "slug": "merton-cwm",
    "name": "Child Wellbeing Model (Merton, three levels)",
    "description": (
        "Merton's Child Wellbeing Model: universal, enhanced and specialist levels. Enhanced level "
        "services work with children whose needs cannot be met entirely within universal services "
        "but are not, at the point of referral, of such concern that specialist services are "
        "required."
    ),
    "is_default": False,
    "levels": [
        (
            1,
            "Universal",
            "universal",
            "All children can access universal children's services, for example schools and early "
            "years settings. High quality universal services are the foundation stone for "
            "preventing needs from escalating.",
        ),
        (
            2,
            "Enhanced",
            "early_help",
            "Some children have needs which cannot be fully met in universal services. Except in "
            "emergencies where a child is at risk of significant harm, enhanced level services "
            "should be considered. A Common and Shared Assessment (CASA) and a team around the "
            "child or family.",
        ),
        (
            3,
            "Specialist",
            "statutory",
            "Services for the most vulnerable children with the most significant needs, e.g. where "
            "there are safeguarding concerns, children looked after by the local authority, "
            "children with special educational needs and disabilities, young offenders.",
        ),
    ],
    "domains": TRIANGLE,
    "indicators": {
        DEVELOPMENT: {
            1: [
                "Needs met in universal settings such as school or an early years setting",
                "Targeted support inside a universal service is enough, e.g. speech therapy in "
                "school",
                "Healthy, developing as expected, attending school regularly",
            ],
            2: [
                "Additional needs that universal services cannot fully meet",
                "Emotional wellbeing or behaviour a concern at home or school; needs primary "
                "mental health support",
                "Running away from home, or at risk of sexual exploitation",
                "Child with a disability whose family needs short breaks or respite support",
            ],
            3: [
                "At risk of significant harm; safeguarding concerns",
                "Child looked after by the local authority",
                "Special educational needs and disabilities requiring specialist services",
                "Young offender working with the youth offending service",
            ],
        },
        PARENTING: {
            1: [
                "Parents meet the child's needs with primary health advice and universal support",
                "Parents able to ask for and use advice from universal services",
                "Parents provide warmth, stability and safe boundaries",
            ],
            2: [
                "Parental mental health issues affecting the care of the child",
                "Parental learning disability: parents need support to parent",
                "Parental substance misuse affecting family life",
                "Parents need help with parenting skills, e.g. a parenting programme",
            ],
            3: [
                "Parenting places the child at risk of significant harm",
                "Parents unable to care for the child; the child may need to be looked after",
                "Serious parental substance misuse or mental illness with safeguarding concerns",
            ],
        },
        FAMILY: {
            1: [
                "Family resilient, with protective factors and a support network",
                "Stable housing and income",
                "Family connected to the local community and its services",
            ],
            2: [
                "Domestic violence in the family below the threshold for specialist services",
                "Family at the threshold of more intrusive intervention, e.g. adolescents in "
                "conflict at home",
                "Unemployment, debt or housing problems adding to the family's stress",
            ],
            3: [
                "Serious domestic violence placing the child at risk",
                "Family breakdown; child at risk of entering care",
                "Child living with a person who poses a risk to children",
            ],
        },
    },
}

THRESHOLD_MODELS = [CONTINUUM_4, MERTON_CWM]

# Needs themes: Barnet's eight drivers of escalation, plus Merton's parental learning disability.
# cin_factor_codes map each to CIN census assessment factors (A child, B parent, C other person):
# - domestic violence -> 3A/3B/3C; alcohol and drugs -> 1A-1C and 2A-2C; mental health -> 4A-4C;
# - parenting and neglect -> 16A (neglect) only: poor parenting without neglect has no factor;
# - police / criminal justice -> 13A gangs, 14A socially unacceptable behaviour (anti-social
#   behaviour) and 24A child criminal exploitation – the child-level factors police work produces;
# - CSE -> 11A; parental learning disability -> 5B;
# - long-term unemployment and missing school / not school-ready have no CIN assessment factor:
#   they are left empty ([]) rather than coded 21 "Other", which would merge them with everything
#   else and make the social care comparison misleading.
NEED_THEMES = [
    {
        "code": "dv",
        "name": "Domestic violence",
        "description": "Families affected by domestic violence and abuse.",
        "cin_factor_codes": ["3A", "3B", "3C"],
    },
    {
        "code": "substance",
        "name": "Alcohol and/or drug misuse",
        "description": (
            "Those affected by alcohol and/or drug misuse issues, or living with a parent or carer "
            "with these issues."
        ),
        "cin_factor_codes": ["1A", "1B", "1C", "2A", "2B", "2C"],
    },
    {
        "code": "mh",
        "name": "Mental health",
        "description": "Children, young people or adults with mental health issues.",
        "cin_factor_codes": ["4A", "4B", "4C"],
    },
    {
        "code": "neglect",
        "name": "Parenting capacity and neglect",
        "description": (
            "Families where the ability to parent is limited, which in some cases can lead to "
            "neglect."
        ),
        "cin_factor_codes": ["16A"],
    },
    {
        "code": "unemployment",
        "name": "Long-term unemployment",
        "description": "Families experiencing long-term unemployment.",
        "cin_factor_codes": [],
    },
    {
        "code": "police",
        "name": "Involvement with police or criminal justice",
        "description": "Those involved with the police or the criminal justice system.",
        "cin_factor_codes": ["13A", "14A", "24A"],
    },
    {
        "code": "school",
        "name": "Missing school or not school-ready",
        "description": "Children who are regularly missing school or who are not school ready.",
        "cin_factor_codes": [],
    },
    {
        "code": "cse",
        "name": "Child sexual exploitation",
        "description": "Those at risk of child sexual exploitation.",
        "cin_factor_codes": ["11A"],
    },
    {
        "code": "parental-ld",
        "name": "Parental learning disability",
        "description": "Parents with a learning disability who need support to parent (Merton).",
        "cin_factor_codes": ["5B"],
    },
]


def reference_id(kind: str, *parts) -> uuid.UUID:
    """The fixed id of a shipped reference row, e.g. reference_id("level", "continuum-4", 2)."""
    return uuid.uuid5(REFERENCE_NAMESPACE, ":".join([kind, *map(str, parts)]))


def load_reference_data(apps=None) -> dict:
    """Create any missing shipped threshold models, levels, domains, indicators and needs themes.

    Idempotent; existing rows are left as they are (an administrator may have edited them). The
    shipped default model only becomes the default when no other model is the default. Pass the
    migration's ``apps`` from a data migration. Returns how many rows of each kind were created.
    """
    if apps is None:
        from django.apps import apps
    from django.db.models import Q

    ThresholdModel = apps.get_model("thresholds", "ThresholdModel")
    Level = apps.get_model("thresholds", "Level")
    Domain = apps.get_model("thresholds", "Domain")
    Indicator = apps.get_model("thresholds", "Indicator")
    NeedTheme = apps.get_model("thresholds", "NeedTheme")

    created = {"models": 0, "levels": 0, "domains": 0, "indicators": 0, "themes": 0}
    for spec in THRESHOLD_MODELS:
        slug = spec["slug"]
        model_id = reference_id("model", slug)
        model = ThresholdModel.objects.filter(Q(slug=slug) | Q(pk=model_id)).first()
        if model is None:
            make_default = (
                spec["is_default"] and not ThresholdModel.objects.filter(is_default=True).exists()
            )
            model = ThresholdModel.objects.create(
                id=model_id,
                slug=slug,
                name=spec["name"],
                description=spec["description"],
                is_default=make_default,
            )
            created["models"] += 1
        levels = {}
        for rank, name, band, description in spec["levels"]:
            level_id = reference_id("level", slug, rank)
            level = Level.objects.filter(Q(model=model, rank=rank) | Q(pk=level_id)).first()
            if level is None:
                level = Level.objects.create(
                    id=level_id,
                    model=model,
                    rank=rank,
                    name=name,
                    band=band,
                    description=description,
                )
                created["levels"] += 1
            levels[rank] = level
        for order, domain_name in enumerate(spec["domains"], start=1):
            domain_id = reference_id("domain", slug, domain_name)
            domain = Domain.objects.filter(
                Q(model=model, name=domain_name) | Q(pk=domain_id)
            ).first()
            if domain is None:
                domain = Domain.objects.create(
                    id=domain_id,
                    model=model,
                    name=domain_name,
                    order=order,
                )
                created["domains"] += 1
            for rank, texts in spec["indicators"][domain_name].items():
                for position, text in enumerate(texts, start=1):
                    indicator_id = reference_id("indicator", slug, domain_name, rank, position)
                    exists = Indicator.objects.filter(
                        Q(domain=domain, level=levels[rank], text=text) | Q(pk=indicator_id)
                    ).exists()
                    if not exists:
                        Indicator.objects.create(
                            id=indicator_id,
                            domain=domain,
                            level=levels[rank],
                            text=text,
                            order=position,
                        )
                        created["indicators"] += 1
    for order, spec in enumerate(NEED_THEMES, start=1):
        theme_id = reference_id("theme", spec["code"])
        if not NeedTheme.objects.filter(Q(code=spec["code"]) | Q(pk=theme_id)).exists():
            NeedTheme.objects.create(
                id=theme_id,
                code=spec["code"],
                name=spec["name"],
                description=spec["description"],
                cin_factor_codes=list(spec["cin_factor_codes"]),
                order=order,
            )
            created["themes"] += 1
    return created
