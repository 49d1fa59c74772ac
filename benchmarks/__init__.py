"""Benchmarks of hemplan: pytest-benchmark suites (`pytest benchmarks`) and the quality report."""
