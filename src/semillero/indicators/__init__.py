"""Indicators: the numbers contract (docs: /work/shared/spec/indicators.md)."""
