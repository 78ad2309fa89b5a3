"""Vessel monitoring (VMS): positions in from the providers, alerts out to the duty desk, tied to the port.
The rules themselves are lienthong.monitoring's (framework-free); this app stores, evaluates as positions arrive
and serves the desk."""
