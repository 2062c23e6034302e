"""Derived data: response by RECIST 1.1 from lesions, best overall response; (planned) eligibility, endpoints."""
