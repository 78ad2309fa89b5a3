"""Vessel monitoring (VMS) without a framework: thresholds, ports and zones, and the pure evaluation of positions
into alert episodes (gaps at sea, zone breaches). The Django app stores positions and episodes and calls
`episodes.evaluate_vessel`; `lienthong vms-check` (check.py) is the batch form for an analyst."""
