"""`compositor preflight`: what a rendered PDF holds — its typography, its press readiness."""
