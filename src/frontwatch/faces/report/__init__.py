"""Faces that assemble library results into reports, charts and maps. Nothing here computes a
measure: every number comes from frontwatch.analysis.measure, frontwatch.analysis.front and frontwatch.claims."""
