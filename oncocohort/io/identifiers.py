"""Direct identifiers — names, record numbers, contact details, national ids — recognised so they never leave.

A study's ``patient_id`` is a pseudonym; anything that names a person directly must not reach an output
(ADSL, results.json, report, listings) nor a printed message. Two rules, both in this module:

- **by header**: a column whose (normalised) name says it holds names, record / hospital numbers, phone
  numbers, e-mail, national id / ID card / SSN / passport or an address, in English or Chinese
  (``Patient name``, ``full name``, ``patient``, ``姓名``, ``病历号``, ``住院号``, ``身份证号``, ``电话``, ``地址``);
- **by content**: a cell that looks like an e-mail address, a phone number, a Chinese resident ID number
  (18 characters) or a US SSN — in any text column.

Hand-written: no maintained library recognises identifier *column names* in English and Chinese, and the
content patterns are a few regular expressions (kept conservative, so that dates, doses and lesion ids never
match).
"""

from __future__ import annotations

import re

# Normalised header names (see io.sources.normalise_header) that are identifiers on their own.
IDENTIFIER_HEADERS = frozenset({
    "name", "names", "first_name", "last_name", "surname", "full_name", "given_name", "family_name", "forename",
    "middle_name", "maiden_name", "patient", "patients", "patient_name", "pt_name", "initials",
    "mrn", "medical_record_number", "medical_record_no", "medical_record", "record_number", "record_no",
    "hospital_number", "hospital_no", "hospital_id", "chart_number", "case_number", "nhs_number", "inpatient_number",
    "outpatient_number", "admission_number",
    "phone", "phone_number", "telephone", "tel", "mobile", "mobile_number", "cell_phone", "contact",
    "email", "e_mail", "email_address", "mail",
    "address", "home_address", "street", "street_address", "postcode", "post_code", "zip", "zip_code",
    "ssn", "social_security_number", "national_id", "national_id_number", "id_card", "id_card_number",
    "id_number", "identity_card", "identity_number", "passport", "passport_number", "insurance_number",
})
# Words that make a header an identifier wherever they stand in it (``name_of_patient``, ``patient_phone``).
_IDENTIFIER_WORDS = frozenset({
    "name", "surname", "mrn", "phone", "telephone", "mobile", "email", "address", "ssn", "passport",
})
# ... unless the header names a thing, not a person (``drug_name``, ``centre_name``, ``site_address``).
_NOT_A_PERSON = frozenset({
    "drug", "center", "centre", "site", "hospital", "institution", "study", "trial", "regimen", "protocol",
    "test", "lab", "brand", "generic", "product", "histology", "disease", "tumour", "tumor", "file", "sheet",
    "variable", "ip",
})
# Chinese header fragments: name, medical record / inpatient / outpatient number, ID card, phone, mobile,
# address, e-mail, insurance number, passport, contact, patient (on its own).
_CHINESE_FRAGMENTS = ("姓名", "名字", "病历号", "病案号", "住院号", "门诊号", "身份证", "电话", "手机", "地址", "住址",
                      "邮箱", "邮件", "医保号", "社保号", "护照", "联系方式")
_CHINESE_ALONE = frozenset({"患者", "病人", "病人姓名", "患者姓名"})

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# A phone number: optional +country code, 10–15 digits in groups separated by spaces, hyphens or a bracketed
# area code; or a Chinese mobile number (11 digits starting 13–19) written without separators.
_PHONE = re.compile(r"^(?:\+\d{1,3}[\s\-]?)?(?:\(\d{1,4}\)[\s\-]?)?\d{2,5}(?:[\s\-]\d{2,5}){1,4}$")
_CN_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s\-]?)?1[3-9]\d{9}(?!\d)")
_CN_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_US_SSN = re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")


def identifier_header(name: str) -> bool:
    """True when a (normalised) column name says the column holds a direct identifier."""
    if not name:
        return False
    if name in IDENTIFIER_HEADERS or name in _CHINESE_ALONE:
        return True
    if any(fragment in name for fragment in _CHINESE_FRAGMENTS):
        return True
    words = set(name.split("_"))
    return bool(words & _IDENTIFIER_WORDS) and not words & _NOT_A_PERSON


def identifier_content(value: object) -> str | None:
    """What kind of direct identifier a cell's text looks like ("an e-mail address", "a phone number",
    "a national ID number"), or None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        value = str(int(value))  # a phone number typed into a number cell
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _EMAIL.search(text):
        return "an e-mail address"
    if _CN_RESIDENT_ID.search(text) or _US_SSN.search(text):
        return "a national ID number"
    if _CN_MOBILE.search(text):
        return "a phone number"
    if _PHONE.match(text) and 10 <= sum(c.isdigit() for c in text) <= 15:
        return "a phone number"
    return None
