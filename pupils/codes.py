"""DfE code lists used by children's records and the SSDA903 import (domain-rules §3 and the
school census). Codes are the values stored; labels are what staff read."""

from django.db import models


class Sex(models.TextChoices):
    # SSDA903 codes sex as 1 (male) and 2 (female).
    MALE = "1", "Male"
    FEMALE = "2", "Female"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WOTH = "WOTH", "Any other White background"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Caribbean"
    BAFR = "BAFR", "African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class ReasonNewEpisode(models.TextChoices):
    S = "S", "Started to be looked after"
    L = "L", "Change of legal status only"
    P = "P", "Change of placement and carer(s) only"
    T = "T", "Change of placement, same carer(s)"
    U = "U", "Change of legal status and placement, same carer(s)"
    B = "B", "Change of legal status, placement and carer(s)"


class LegalStatus(models.TextChoices):
    C1 = "C1", "Interim care order"
    C2 = "C2", "Full care order"
    D1 = "D1", "Freeing order granted"
    E1 = "E1", "Placement order granted"
    V2 = "V2", "Single period of accommodation under section 20"
    V3 = "V3", "Accommodated under an agreed series of short-term breaks"
    V4 = "V4", "Short-term breaks (agreements recorded)"
    L1 = "L1", "Under police protection, in LA accommodation"
    L2 = "L2", "Emergency protection order"
    L3 = "L3", "Child assessment order, in LA accommodation"
    J1 = "J1", "Remanded to LA or youth detention accommodation"
    J2 = "J2", "Placed in LA accommodation under PACE 1984"
    J3 = "J3", "Youth rehabilitation order with residence requirement"


class CategoryOfNeed(models.TextChoices):
    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability"
    N3 = "N3", "Parental illness or disability"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"


class PlacementType(models.TextChoices):
    A3 = "A3", "Placed for adoption with consent, with current foster carers"
    A4 = "A4", "Placed for adoption with consent, not with current foster carers"
    A5 = "A5", "Placed for adoption with placement order, with current foster carers"
    A6 = "A6", "Placed for adoption with placement order, not with current foster carers"
    H5 = "H5", "Semi-independent living (legacy)"
    K1 = "K1", "Secure children's home"
    K2 = "K2", "Children's home"
    K3 = "K3", "Registered supported accommodation"
    P1 = "P1", "Placed with parents or others with parental responsibility"
    P2 = "P2", "Independent living"
    P3 = "P3", "Residential employment"
    R1 = "R1", "Residential care home"
    R2 = "R2", "NHS or health trust establishment"
    R3 = "R3", "Family centre or mother-and-baby unit"
    R5 = "R5", "Young offender institution"
    S1 = "S1", "Residential school"
    T0 = "T0", "Temporary move"
    T1 = "T1", "Temporary period in hospital"
    T2 = "T2", "Temporary absence on holiday"
    T3 = "T3", "Temporary accommodation while foster carer on holiday"
    T4 = "T4", "Temporary accommodation of 7 days or less"
    U1 = "U1", "Fostered with relatives or friends: long-term"
    U2 = "U2", "Fostered with relatives or friends: fostering for adoption"
    U3 = "U3", "Fostered with relatives or friends: other"
    U4 = "U4", "Fostered with other foster carers: long-term"
    U5 = "U5", "Fostered with other foster carers: fostering for adoption"
    U6 = "U6", "Fostered with other foster carers: other"
    Z1 = "Z1", "Other placement"


# Placement types that are a short temporary move, not a change of home: they do not count
# as placement moves.
TEMPORARY_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4"})


class PlacementProvider(models.TextChoices):
    PR0 = "PR0", "Parents or others with parental responsibility"
    PR1 = "PR1", "Own local authority"
    PR2 = "PR2", "Other local authority"
    PR3 = "PR3", "Other public provision"
    PR4 = "PR4", "Private provision"
    PR5 = "PR5", "Voluntary or third sector provision"


class ReasonPlacementChange(models.TextChoices):
    CARPL = "CARPL", "Change to the care plan"
    ALLEG = "ALLEG", "Allegation against the carer"
    STAND = "STAND", "Standards of care concern"
    APPRR = "APPRR", "Carer's approval removed"
    CREQB = "CREQB", "Carer requested: child's behaviour"
    CREQO = "CREQO", "Carer requested: other reasons"
    CHILD = "CHILD", "Child requested"
    LAREQ = "LAREQ", "Responsible authority requested"
    PLACE = "PLACE", "Placement closed"
    CLOSE = "CLOSE", "Provider closed the placement"
    CUSTOD = "CUSTOD", "Child sentenced to custody"
    OTHER = "OTHER", "Other"


class ReasonEpisodeCeased(models.TextChoices):
    X1 = "X1", "New episode began the same day"
    E11 = "E11", "Adopted: application unopposed"
    E12 = "E12", "Adopted: consent dispensed with"
    E13 = "E13", "Left care to live with people without parental responsibility"
    E14 = "E14", "Accommodation on remand ended"
    E15 = "E15", "Age assessment found the child to be 18 or over"
    E16 = "E16", "Moved abroad"
    E17 = "E17", "Aged 18+, stayed with current carers"
    E2 = "E2", "Died"
    E3 = "E3", "Care taken over by another local authority"
    E4A = "E4A", "Returned home as part of care planning"
    E4B = "E4B", "Returned home, not part of care planning"
    E41 = "E41", "Residence or child arrangements order"
    E45 = "E45", "Special guardianship order: former foster carers, relatives or friends"
    E46 = "E46", "Special guardianship order: former foster carers"
    E47 = "E47", "Special guardianship order: carers who are relatives or friends"
    E48 = "E48", "Special guardianship order: other carers"
    E5 = "E5", "Independent living with formalised support"
    E6 = "E6", "Independent living without formalised support"
    E7 = "E7", "Residential care funded by adult social care"
    E8 = "E8", "Ceased for any other reason"
    E9 = "E9", "Sentenced to custody"


# Leaving care by adoption, a child arrangements order or an SGO makes a child previously
# looked after (domain-rules §3).
PLAC_REASONS: dict[str, str] = {
    "E11": "adopted",
    "E12": "adopted",
    "E41": "cao",
    "E45": "sgo",
    "E46": "sgo",
    "E47": "sgo",
    "E48": "sgo",
}


class SenProvision(models.TextChoices):
    NONE = "N", "No special educational needs"
    SUPPORT = "K", "SEN support"
    EHCP = "E", "Education, health and care plan"


class SenNeed(models.TextChoices):
    SPLD = "SPLD", "Specific learning difficulty"
    MLD = "MLD", "Moderate learning difficulty"
    SLD = "SLD", "Severe learning difficulty"
    PMLD = "PMLD", "Profound and multiple learning difficulty"
    SEMH = "SEMH", "Social, emotional and mental health"
    SLCN = "SLCN", "Speech, language and communication needs"
    HI = "HI", "Hearing impairment"
    VI = "VI", "Visual impairment"
    MSI = "MSI", "Multi-sensory impairment"
    PD = "PD", "Physical disability"
    ASD = "ASD", "Autistic spectrum disorder"
    OTH = "OTH", "Other difficulty or disability"
    NSA = "NSA", "SEN support but no specialist assessment of type of need"
