"""The HUD HMIS CSV format as data: each file's columns in order, which must be filled, and the code lists.

Source: U.S. Department of Housing and Urban Development, *HMIS CSV Format Specifications FY2024* (CSV version
"2024", aligned with the FY2024 HMIS Data Standards and Data Dictionary). Cross-checked against open-source code:
the FY2024 driver of greenriver/hmis-warehouse (``drivers/hmis_csv_twenty_twenty_four``: its file set and the
FY2024 race and gender columns its Client importer validates) and a public FY2024 HMIS CSV database schema that
lists every column of these files in order. Only the
files Divert writes are here; columns the program does not collect stay empty or carry a data-quality code
(8 client doesn't know, 9 client prefers not to answer, 99 data not collected), as the format prescribes.

Kinds: ``id`` and ``str`` text, ``int`` a whole number, ``money`` a decimal, ``date`` YYYY-MM-DD,
``datetime`` YYYY-MM-DD HH:MM:SS. The export writer and the tests both read this module; nothing else names a column.
"""

CSV_VERSION = "2024"
DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"

_AUDIT = [("DateCreated", "datetime"), ("DateUpdated", "datetime"), ("UserID", "id"), ("DateDeleted", "datetime"),
          ("ExportID", "id")]

COLUMNS: dict[str, list[tuple[str, str]]] = {
    "Export.csv": [
        ("ExportID", "id"), ("SourceType", "int"), ("SourceID", "str"), ("SourceName", "str"),
        ("SourceContactFirst", "str"), ("SourceContactLast", "str"), ("SourceContactPhone", "str"),
        ("SourceContactExtension", "str"), ("SourceContactEmail", "str"), ("ExportDate", "datetime"),
        ("ExportStartDate", "date"), ("ExportEndDate", "date"), ("SoftwareName", "str"), ("SoftwareVersion", "str"),
        ("CSVVersion", "str"), ("ExportPeriodType", "int"), ("ExportDirective", "int"), ("HashStatus", "int"),
        ("ImplementationID", "str"),
    ],
    "Organization.csv": [
        ("OrganizationID", "id"), ("OrganizationName", "str"), ("VictimServiceProvider", "int"),
        ("OrganizationCommonName", "str"), *_AUDIT,
    ],
    "User.csv": [
        ("UserID", "id"), ("UserFirstName", "str"), ("UserLastName", "str"), ("UserPhone", "str"),
        ("UserExtension", "str"), ("UserEmail", "str"), ("DateCreated", "datetime"), ("DateUpdated", "datetime"),
        ("DateDeleted", "datetime"), ("ExportID", "id"),
    ],
    "Project.csv": [
        ("ProjectID", "id"), ("OrganizationID", "id"), ("ProjectName", "str"), ("ProjectCommonName", "str"),
        ("OperatingStartDate", "date"), ("OperatingEndDate", "date"), ("ContinuumProject", "int"),
        ("ProjectType", "int"), ("HousingType", "int"), ("RRHSubType", "int"), ("ResidentialAffiliation", "int"),
        ("TargetPopulation", "int"), ("HOPWAMedAssistedLivingFac", "int"), ("PITCount", "int"), *_AUDIT,
    ],
    "ProjectCoC.csv": [
        ("ProjectCoCID", "id"), ("ProjectID", "id"), ("CoCCode", "str"), ("Geocode", "str"), ("Address1", "str"),
        ("Address2", "str"), ("City", "str"), ("State", "str"), ("ZIP", "str"), ("GeographyType", "int"), *_AUDIT,
    ],
    "Client.csv": [
        ("PersonalID", "id"), ("FirstName", "str"), ("MiddleName", "str"), ("LastName", "str"), ("NameSuffix", "str"),
        ("NameDataQuality", "int"), ("SSN", "str"), ("SSNDataQuality", "int"), ("DOB", "date"),
        ("DOBDataQuality", "int"), ("AmIndAKNative", "int"), ("Asian", "int"), ("BlackAfAmerican", "int"),
        ("HispanicLatinaeo", "int"), ("MidEastNAfrican", "int"), ("NativeHIPacific", "int"), ("White", "int"),
        ("RaceNone", "int"), ("AdditionalRaceEthnicity", "str"), ("Woman", "int"), ("Man", "int"),
        ("NonBinary", "int"), ("CulturallySpecific", "int"), ("Transgender", "int"), ("Questioning", "int"),
        ("DifferentIdentity", "int"), ("GenderNone", "int"), ("DifferentIdentityText", "str"),
        ("VeteranStatus", "int"), ("YearEnteredService", "int"), ("YearSeparated", "int"), ("WorldWarII", "int"),
        ("KoreanWar", "int"), ("VietnamWar", "int"), ("DesertStorm", "int"), ("AfghanistanOEF", "int"),
        ("IraqOIF", "int"), ("IraqOND", "int"), ("OtherTheater", "int"), ("MilitaryBranch", "int"),
        ("DischargeStatus", "int"), *_AUDIT,
    ],
    "Enrollment.csv": [
        ("EnrollmentID", "id"), ("PersonalID", "id"), ("ProjectID", "id"), ("EntryDate", "date"),
        ("HouseholdID", "id"), ("RelationshipToHoH", "int"), ("EnrollmentCoC", "str"), ("LivingSituation", "int"),
        ("RentalSubsidyType", "int"), ("LengthOfStay", "int"), ("LOSUnderThreshold", "int"),
        ("PreviousStreetESSH", "int"), ("DateToStreetESSH", "date"), ("TimesHomelessPastThreeYears", "int"),
        ("MonthsHomelessPastThreeYears", "int"), ("DisablingCondition", "int"), ("DateOfEngagement", "date"),
        ("MoveInDate", "date"), ("DateOfPATHStatus", "date"), ("ClientEnrolledInPATH", "int"),
        ("ReasonNotEnrolled", "int"), ("PercentAMI", "int"), ("ReferralSource", "int"),
        ("CountOutreachReferralApproaches", "int"), ("DateOfBCPStatus", "date"), ("EligibleForRHY", "int"),
        ("ReasonNoServices", "int"), ("RunawayYouth", "int"), ("SexualOrientation", "int"),
        ("SexualOrientationOther", "str"), ("FormerWardChildWelfare", "int"), ("ChildWelfareYears", "int"),
        ("ChildWelfareMonths", "int"), ("FormerWardJuvenileJustice", "int"), ("JuvenileJusticeYears", "int"),
        ("JuvenileJusticeMonths", "int"), ("UnemploymentFam", "int"), ("MentalHealthDisorderFam", "int"),
        ("PhysicalDisabilityFam", "int"), ("AlcoholDrugUseDisorderFam", "int"), ("InsufficientIncome", "int"),
        ("IncarceratedParent", "int"), ("VAMCStation", "str"), ("TargetScreenReqd", "int"),
        ("TimeToHousingLoss", "int"), ("AnnualPercentAMI", "int"), ("LiteralHomelessHistory", "int"),
        ("ClientLeaseholder", "int"), ("HOHLeaseholder", "int"), ("SubsidyAtRisk", "int"),
        ("EvictionHistory", "int"), ("CriminalRecord", "int"), ("IncarceratedAdult", "int"),
        ("PrisonDischarge", "int"), ("SexOffender", "int"), ("DisabledHoH", "int"), ("CurrentPregnant", "int"),
        ("SingleParent", "int"), ("DependentUnder6", "int"), ("HH5Plus", "int"), ("CoCPrioritized", "int"),
        ("HPScreeningScore", "int"), ("ThresholdScore", "int"), ("TranslationNeeded", "int"),
        ("PreferredLanguage", "int"), ("PreferredLanguageDifferent", "str"), *_AUDIT,
    ],
    "Exit.csv": [
        ("ExitID", "id"), ("EnrollmentID", "id"), ("PersonalID", "id"), ("ExitDate", "date"),
        ("Destination", "int"), ("DestinationSubsidyType", "int"), ("OtherDestination", "str"),
        ("HousingAssessment", "int"), ("SubsidyInformation", "int"), ("ProjectCompletionStatus", "int"),
        ("EarlyExitReason", "int"), ("ExchangeForSex", "int"), ("ExchangeForSexPastThreeMonths", "int"),
        ("CountOfExchangeForSex", "int"), ("AskedOrForcedToExchangeForSex", "int"),
        ("AskedOrForcedToExchangeForSexPastThreeMonths", "int"), ("WorkplaceViolenceThreats", "int"),
        ("WorkplacePromiseDifference", "int"), ("CoercedToContinueWork", "int"),
        ("LaborExploitPastThreeMonths", "int"), ("CounselingReceived", "int"), ("IndividualCounseling", "int"),
        ("FamilyCounseling", "int"), ("GroupCounseling", "int"), ("SessionCountAtExit", "int"),
        ("PostExitCounselingPlan", "int"), ("SessionsInPlan", "int"), ("DestinationSafeClient", "int"),
        ("DestinationSafeWorker", "int"), ("PosAdultConnections", "int"), ("PosPeerConnections", "int"),
        ("PosCommunityConnections", "int"), ("AftercareDate", "date"), ("AftercareProvided", "int"),
        ("EmailSocialMedia", "int"), ("Telephone", "int"), ("InPersonIndividual", "int"), ("InPersonGroup", "int"),
        ("CMExitReason", "int"), *_AUDIT,
    ],
    "Services.csv": [
        ("ServicesID", "id"), ("EnrollmentID", "id"), ("PersonalID", "id"), ("DateProvided", "date"),
        ("RecordType", "int"), ("TypeProvided", "int"), ("OtherTypeProvided", "str"), ("MovingOnOtherType", "str"),
        ("SubTypeProvided", "int"), ("FAAmount", "money"), ("FAStartDate", "date"), ("FAEndDate", "date"),
        ("ReferralOutcome", "int"), *_AUDIT,
    ],
    "IncomeBenefits.csv": [
        ("IncomeBenefitsID", "id"), ("EnrollmentID", "id"), ("PersonalID", "id"), ("InformationDate", "date"),
        ("IncomeFromAnySource", "int"), ("TotalMonthlyIncome", "money"), ("Earned", "int"),
        ("EarnedAmount", "money"), ("Unemployment", "int"), ("UnemploymentAmount", "money"), ("SSI", "int"),
        ("SSIAmount", "money"), ("SSDI", "int"), ("SSDIAmount", "money"), ("VADisabilityService", "int"),
        ("VADisabilityServiceAmount", "money"), ("VADisabilityNonService", "int"),
        ("VADisabilityNonServiceAmount", "money"), ("PrivateDisability", "int"),
        ("PrivateDisabilityAmount", "money"), ("WorkersComp", "int"), ("WorkersCompAmount", "money"),
        ("TANF", "int"), ("TANFAmount", "money"), ("GA", "int"), ("GAAmount", "money"),
        ("SocSecRetirement", "int"), ("SocSecRetirementAmount", "money"), ("Pension", "int"),
        ("PensionAmount", "money"), ("ChildSupport", "int"), ("ChildSupportAmount", "money"), ("Alimony", "int"),
        ("AlimonyAmount", "money"), ("OtherIncomeSource", "int"), ("OtherIncomeAmount", "money"),
        ("OtherIncomeSourceIdentify", "str"), ("BenefitsFromAnySource", "int"), ("SNAP", "int"), ("WIC", "int"),
        ("TANFChildCare", "int"), ("TANFTransportation", "int"), ("OtherTANF", "int"),
        ("OtherBenefitsSource", "int"), ("OtherBenefitsSourceIdentify", "str"), ("InsuranceFromAnySource", "int"),
        ("Medicaid", "int"), ("NoMedicaidReason", "int"), ("Medicare", "int"), ("NoMedicareReason", "int"),
        ("SCHIP", "int"), ("NoSCHIPReason", "int"), ("VHAServices", "int"), ("NoVHAReason", "int"),
        ("EmployerProvided", "int"), ("NoEmployerProvidedReason", "int"), ("COBRA", "int"),
        ("NoCOBRAReason", "int"), ("PrivatePay", "int"), ("NoPrivatePayReason", "int"),
        ("StateHealthIns", "int"), ("NoStateHealthInsReason", "int"), ("IndianHealthServices", "int"),
        ("NoIndianHealthServicesReason", "int"), ("OtherInsurance", "int"), ("OtherInsuranceIdentify", "str"),
        ("ADAP", "int"), ("NoADAPReason", "int"), ("RyanWhiteMedDent", "int"), ("NoRyanWhiteReason", "int"),
        ("ConnectionWithSOAR", "int"), ("DataCollectionStage", "int"), *_AUDIT,
    ],
}

FILES = list(COLUMNS)


def header(file_name: str) -> list[str]:
    return [name for name, _kind in COLUMNS[file_name]]


def kinds(file_name: str) -> dict[str, str]:
    return dict(COLUMNS[file_name])


_RECORD = {"DateCreated", "DateUpdated", "UserID", "ExportID"}

# Columns the format requires to be filled (its "Null: N") in the files Divert writes.
REQUIRED: dict[str, set[str]] = {
    "Export.csv": {"ExportID", "SourceType", "SourceName", "ExportDate", "ExportStartDate", "ExportEndDate",
                   "SoftwareName", "CSVVersion", "ExportPeriodType", "ExportDirective", "HashStatus"},
    "Organization.csv": {"OrganizationID", "OrganizationName", "VictimServiceProvider"} | _RECORD,
    "User.csv": {"UserID", "DateCreated", "DateUpdated", "ExportID"},
    "Project.csv": {"ProjectID", "OrganizationID", "ProjectName", "OperatingStartDate", "ContinuumProject",
                    "ProjectType"} | _RECORD,
    "ProjectCoC.csv": {"ProjectCoCID", "ProjectID", "CoCCode", "Geocode", "GeographyType"} | _RECORD,
    "Client.csv": {"PersonalID", "NameDataQuality", "SSNDataQuality", "DOBDataQuality", "AmIndAKNative", "Asian",
                   "BlackAfAmerican", "HispanicLatinaeo", "MidEastNAfrican", "NativeHIPacific", "White", "Woman",
                   "Man", "NonBinary", "CulturallySpecific", "Transgender", "Questioning", "DifferentIdentity",
                   "VeteranStatus"} | _RECORD,
    "Enrollment.csv": {"EnrollmentID", "PersonalID", "ProjectID", "EntryDate", "HouseholdID", "RelationshipToHoH",
                       "EnrollmentCoC", "LivingSituation", "LengthOfStay", "DisablingCondition"} | _RECORD,
    "Exit.csv": {"ExitID", "EnrollmentID", "PersonalID", "ExitDate", "Destination"} | _RECORD,
    "Services.csv": {"ServicesID", "EnrollmentID", "PersonalID", "DateProvided", "RecordType",
                     "TypeProvided"} | _RECORD,
    "IncomeBenefits.csv": {"IncomeBenefitsID", "EnrollmentID", "PersonalID", "InformationDate",
                           "IncomeFromAnySource", "BenefitsFromAnySource", "InsuranceFromAnySource",
                           "DataCollectionStage"} | _RECORD,
}

# --- Code lists (FY2024 HMIS Data Dictionary), for the columns Divert fills -------------------------------------

NO_YES = {0, 1}                                   # 1.7
NO_YES_MISSING = {0, 1, 8, 9, 99}                 # 1.8
NONE_MISSING = {8, 9, 99}                         # 1.6 (RaceNone, GenderNone)
DATA_QUALITY = {1, 2, 8, 9, 99}                   # 3.01.5, 3.02.2, 3.03.2
SOURCE_TYPE = {1, 2, 3, 4}                        # 1: CoC HMIS, 2: standalone application, 3: warehouse, 4: other
EXPORT_PERIOD_TYPE = {1, 2, 3, 4}                 # 3: reporting period
EXPORT_DIRECTIVE = {1, 2, 3}                      # 2: full refresh
HASH_STATUS = {1, 2, 3, 4}                        # 1: unhashed
PROJECT_TYPE = {0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14}   # 2.02.6; 6: services only
GEOGRAPHY_TYPE = {1, 2, 3, 99}                    # 2.03.4
RELATIONSHIP_TO_HOH = {1, 2, 3, 4, 5, 99}         # 3.15.1; 1: self (head of household)
LIVING_SITUATION = {101, 116, 118, 204, 205, 206, 207, 215, 225, 302, 314, 329, 332, 335, 336, 410, 411, 421,
                    435, 8, 9, 99}           # 3.917.1
LENGTH_OF_STAY = {10, 11, 2, 3, 4, 5, 8, 9, 99}   # 3.917.2
DESTINATION = {101, 116, 118, 204, 205, 206, 207, 215, 225, 302, 312, 313, 314, 327, 329, 332, 410, 411, 421,
               422, 423, 426, 435, 24, 17, 30, 8, 9, 99}   # 3.12.1; 24: deceased, 30: no exit interview
RECORD_TYPE = {141, 142, 143, 144, 151, 152, 161, 200, 210, 300}  # 1.4
PATH_SERVICE = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14}      # P1.2; 6: case management
DATA_COLLECTION_STAGE = {1, 2, 3, 5, 6}           # 5.03.1; 1: entry, 2: update, 3: exit, 5: annual, 6: post-exit

_RACE = ["AmIndAKNative", "Asian", "BlackAfAmerican", "HispanicLatinaeo", "MidEastNAfrican", "NativeHIPacific",
         "White"]
_GENDER = ["Woman", "Man", "NonBinary", "CulturallySpecific", "Transgender", "Questioning", "DifferentIdentity"]
_INCOME_SOURCES = ["Earned", "Unemployment", "SSI", "SSDI", "VADisabilityService", "VADisabilityNonService",
                   "PrivateDisability", "WorkersComp", "TANF", "GA", "SocSecRetirement", "Pension", "ChildSupport",
                   "Alimony", "OtherIncomeSource"]
_BENEFITS = ["SNAP", "WIC", "TANFChildCare", "TANFTransportation", "OtherTANF", "OtherBenefitsSource"]

CODES: dict[str, dict[str, set[int]]] = {
    "Export.csv": {"SourceType": SOURCE_TYPE, "ExportPeriodType": EXPORT_PERIOD_TYPE,
                   "ExportDirective": EXPORT_DIRECTIVE, "HashStatus": HASH_STATUS},
    "Organization.csv": {"VictimServiceProvider": NO_YES},
    "Project.csv": {"ContinuumProject": NO_YES, "ProjectType": PROJECT_TYPE},
    "ProjectCoC.csv": {"GeographyType": GEOGRAPHY_TYPE},
    "Client.csv": {"NameDataQuality": DATA_QUALITY, "SSNDataQuality": DATA_QUALITY, "DOBDataQuality": DATA_QUALITY,
                   **{c: NO_YES for c in _RACE + _GENDER}, "RaceNone": NONE_MISSING, "GenderNone": NONE_MISSING,
                   "VeteranStatus": NO_YES_MISSING},
    "Enrollment.csv": {"RelationshipToHoH": RELATIONSHIP_TO_HOH, "LivingSituation": LIVING_SITUATION,
                       "LengthOfStay": LENGTH_OF_STAY, "DisablingCondition": NO_YES_MISSING},
    "Exit.csv": {"Destination": DESTINATION},
    "Services.csv": {"RecordType": RECORD_TYPE, "TypeProvided": PATH_SERVICE},
    "IncomeBenefits.csv": {"IncomeFromAnySource": NO_YES_MISSING, "BenefitsFromAnySource": NO_YES_MISSING,
                           "InsuranceFromAnySource": NO_YES_MISSING, "DataCollectionStage": DATA_COLLECTION_STAGE,
                           **{c: NO_YES for c in _INCOME_SOURCES + _BENEFITS}},
}

# Which file's key each reference points at: (file, column) -> (file, column).
REFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    ("Project.csv", "OrganizationID"): ("Organization.csv", "OrganizationID"),
    ("ProjectCoC.csv", "ProjectID"): ("Project.csv", "ProjectID"),
    ("Enrollment.csv", "PersonalID"): ("Client.csv", "PersonalID"),
    ("Enrollment.csv", "ProjectID"): ("Project.csv", "ProjectID"),
    ("Exit.csv", "EnrollmentID"): ("Enrollment.csv", "EnrollmentID"),
    ("Exit.csv", "PersonalID"): ("Client.csv", "PersonalID"),
    ("Services.csv", "EnrollmentID"): ("Enrollment.csv", "EnrollmentID"),
    ("Services.csv", "PersonalID"): ("Client.csv", "PersonalID"),
    ("IncomeBenefits.csv", "EnrollmentID"): ("Enrollment.csv", "EnrollmentID"),
    ("IncomeBenefits.csv", "PersonalID"): ("Client.csv", "PersonalID"),
}
